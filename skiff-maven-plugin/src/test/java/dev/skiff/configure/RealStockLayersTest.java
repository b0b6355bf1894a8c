package dev.skiff.configure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.ShowInfo;
import dev.skiff.kconfig.DroppedSymbol;
import dev.skiff.testing.LayerTree;
import dev.skiff.testing.RealBuildroot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proof that the stock library works on Buildroot 2026.02.3 and on 2026.08-rc1 (the series
 * SkiffOS's fork tracks): every layer, in a chain with skiff/core and its board or virt parent,
 * configures with zero dropped symbols on both, and
 * {@code make show-info} succeeds; every BR2_EXTERNAL package passes Buildroot's check-package.
 */
class RealStockLayersTest {
    private static Path tmp;

    @BeforeAll
    static void workspace() throws IOException {
        tmp = Files.createTempDirectory("skiff-stock-layers");
    }

    @AfterAll
    static void cleanup() throws IOException {
        dev.skiff.FileTree.delete(tmp);
    }

    /** Every stock layer but the base layers (which every chain merges anyway), on both series. */
    static Stream<Arguments> layers() throws IOException {
        Path stock = LayerTree.stockLayers();
        List<String> names;
        try (Stream<Path> s = Files.walk(stock, 2)) {
            names = s.filter(p -> stock.relativize(p).getNameCount() == 2 && Files.isDirectory(p))
                    .map(p -> stock.relativize(p).toString())
                    .filter(n -> !n.startsWith("base/"))
                    .sorted().toList();
        }
        List<Arguments> out = new ArrayList<>();
        for (String series : List.of(LTS, NEXT)) for (String n : names) out.add(Arguments.of(series, n));
        return out.stream();
    }

    /** The pinned LTS, and the 2026.08 series that SkiffOS's Buildroot fork tracks. */
    static final String LTS = "2026.02.3";
    static final String NEXT = "2026.08-rc1";

    /** The chain that proves a layer: boards and virt targets with skiff/core; the rest on virt/qemu. */
    static String chainFor(String layer) {
        String cat = layer.substring(0, layer.indexOf('/'));
        return switch (cat) {
            case "pi", "intel", "virt", "browser" -> layer.equals("pi/common") ? "pi/4,skiff/core" : layer + ",skiff/core";
            default -> layer.equals("skiff/core") ? "virt/qemu,skiff/core" : "virt/qemu," + layer + ",skiff/core";
        };
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("layers")
    void configuresWithZeroDroppedSymbolsAndShowInfoWorks(String series, String layer) throws Exception {
        BuildrootTree tree = series.equals(LTS) ? RealBuildroot.tree() : RealBuildroot.next();
        assertEquals(series, tree.version(), "the tree of the " + series + " run");
        // One output tree per series: Buildroot's kconfig tools are built once, not 31 times.
        MergeFixture f = new MergeFixture(tmp.resolve(series)).withStock();
        String chain = chainFor(layer);
        ConfigureResult r = new Configure(new BuildrootMake()).run(f.request(chain), tree, l -> { });
        assertTrue(r.effective().chain().names().stream().anyMatch(n -> n.toString().equals(layer)), r.effective().chain().text());
        // Zero drops of any kind: the stock layers are strict, so none may be excused either.
        assertEquals(List.of(), r.dropped(), "chain " + chain + " on " + series);
        Path ws = f.workspaceDir;
        Path info = ShowInfo.write(new BuildrootMake(), tree, ws, ws.resolve("show-info.json"), ws.resolve("show-info.log"));
        JsonNode json = new ObjectMapper().readTree(info.toFile());
        assertTrue(json.size() > 10, "show-info lists the packages of " + chain);
    }

    static Stream<Path> externalPackages() throws IOException {
        Path stock = LayerTree.stockLayers();
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(stock)) {
            s.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("package")
                            && p.getParent().getParent().getFileName().toString().equals("buildroot_ext") && Files.isDirectory(p))
                    .sorted().forEach(out::add);
        }
        return out.stream();
    }

    @Test
    void theStockLibraryHasExternalPackagesToCheck() throws IOException {
        assertTrue(externalPackages().findAny().isPresent(), "skiff/core ships the skiff-core package");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("externalPackages")
    void everyExternalPackagePassesCheckPackage(Path pkg) throws Exception {
        BuildrootTree tree = RealBuildroot.tree();
        Path ext = pkg.getParent().getParent();
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(pkg)) {
            s.sorted().forEach(p -> files.add(ext.relativize(p).toString()));
        }
        for (String top : List.of("Config.in", "external.mk", "external.desc")) files.add(top);
        List<String> cmd = new ArrayList<>(List.of(python(), tree.dir().resolve("utils/check-package").toString(), "--br2-external"));
        cmd.addAll(files);
        Process p = new ProcessBuilder(cmd).directory(ext.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        assertEquals(0, code, "check-package on " + pkg + ":\n" + out);
        assertTrue(out.contains("0 warnings generated"), out);
    }

    /**
     * check-package needs python3 with the magic module; the Debian python3 has it once
     * python3-magic is installed (.ci/run does), while a pyenv python3 first on PATH may not.
     */
    private static String python() throws Exception {
        for (String py : List.of("/usr/bin/python3", "python3")) {
            Process p = new ProcessBuilder(py, "-c", "import magic").redirectErrorStream(true).start();
            if (p.waitFor() == 0) return py;
        }
        String reason = "check-package needs python3 with the 'magic' module (apt-get install python3-magic)";
        System.err.println("SKIPPED: " + reason);
        org.junit.jupiter.api.Assumptions.assumeTrue(false, reason);
        return null;
    }
}
