package dev.skiff.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.testing.RealBuildroot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * base/pre turns on Buildroot's compiler cache (so the shared ccache directory skiff:compile
 * passes is used at all) and reproducible builds, and no stock layer turns them off again. The
 * real-tree tests show Kconfig keeps both: their dependencies (a host gcc of 8 or later, a
 * target gcc of 4.4 or later) hold with base/pre's toolchain.
 */
class BasePreBuildSettingsTest {
    private static final List<String> SYMBOLS = List.of("BR2_CCACHE", "BR2_REPRODUCIBLE");

    @TempDir
    Path tmp;

    @Test
    void basePreEnablesCcacheAndReproducibleBuilds() throws Exception {
        Map<String, String> values = assignments(StockUnits.LAYERS.resolve("base/pre/buildroot"));
        for (String s : SYMBOLS) assertEquals("y", values.get(s), "base/pre sets " + s + "=y: " + values);
    }

    @Test
    void noStockLayerTurnsThemOff() throws Exception {
        List<String> offenders = new ArrayList<>();
        for (String layer : StockUnits.layers()) {
            if (layer.equals("base/pre")) continue;
            Map<String, String> values = assignments(StockUnits.LAYERS.resolve(layer).resolve("buildroot"));
            for (String s : SYMBOLS) {
                if (values.containsKey(s)) offenders.add(layer + ": " + s + "=" + values.get(s));
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void buildroot202602KeepsBothInTheFinalConfig() throws Exception {
        Path tree = RealBuildroot.tree().dir();
        assertKeptBy(tree);
    }

    /** The next Buildroot release, where CI has its tree ({@code SKIFF_TEST_BUILDROOT_NEXT}). */
    @Test
    void buildroot202608KeepsBothInTheFinalConfig() throws Exception {
        String next = System.getenv("SKIFF_TEST_BUILDROOT_NEXT");
        Assumptions.assumeTrue(next != null && !next.isBlank(), () -> {
            System.err.println("SKIPPED: the next Buildroot release needs SKIFF_TEST_BUILDROOT_NEXT=<buildroot-2026.08 tree>");
            return "SKIFF_TEST_BUILDROOT_NEXT is not set";
        });
        assertKeptBy(Path.of(next));
    }

    /** {@code make defconfig} of base/pre's fragments alone; then both symbols must still be y. */
    private void assertKeptBy(Path tree) throws Exception {
        Path defconfig = tmp.resolve("base_pre_defconfig");
        StringBuilder text = new StringBuilder();
        for (Path f : fragments(StockUnits.LAYERS.resolve("base/pre/buildroot"))) text.append(Files.readString(f)).append('\n');
        Files.writeString(defconfig, text);
        Path out = tmp.resolve("output");
        Path log = tmp.resolve("defconfig.log");
        ProcessBuilder pb = new ProcessBuilder("make", "O=" + out, "BR2_DEFCONFIG=" + defconfig, "defconfig")
                .directory(tree.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("LANG", "C");
        pb.environment().put("TERM", "dumb");
        Process p = pb.start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        List<String> tail = Files.readAllLines(log);
        String shown = String.join("\n", tail.subList(Math.max(0, tail.size() - 40), tail.size()));
        assertTrue(done && p.exitValue() == 0, "make defconfig in " + tree + " (log " + log + "):\n" + shown);
        Map<String, String> config = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve(".config"))) {
            for (String s : SYMBOLS) {
                if (line.startsWith(s + "=")) config.put(s, line.substring(s.length() + 1));
                if (line.equals("# " + s + " is not set")) config.put(s, "n");
            }
        }
        for (String s : SYMBOLS) assertEquals("y", config.get(s), s + " in " + out.resolve(".config") + " of " + tree);
    }

    private static List<Path> fragments(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            // Byte order of names, as the merge takes them; dotfiles are skipped.
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
    }

    /** The last value each symbol gets in a layer's fragments ({@code n} for "is not set"). */
    private static Map<String, String> assignments(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Path f : fragments(dir)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.startsWith("# BR2_") && l.endsWith(" is not set")) {
                    out.put(l.substring(2, l.length() - " is not set".length()), "n");
                } else if (l.startsWith("BR2_") && l.contains("=")) {
                    out.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
                }
            }
        }
        return out;
    }
}
