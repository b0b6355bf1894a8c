package dev.skiff.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.testing.LayerTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every shell script we ship passes shellcheck: the plugin's script resources (device-side
 * switch scripts, hook runners), every script of the stock layers (hooks, boot scripts in
 * root overlays), and the project's own: {@code scripts/} (benchmarks, the real-build
 * preparation), {@code .ci/} and the IT projects' layers and hooks. Skipped with a reason where
 * shellcheck is not installed; CI installs it.
 */
class ShellcheckTest {
    private static final Pattern SHELL_SHEBANG = Pattern.compile("#!\\s*(/usr)?/bin/(env\\s+)?(ba|da)?sh\\b.*");

    static List<Path> scripts() throws IOException {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        List<Path> roots = List.of(
                Path.of("src/main/resources").toAbsolutePath(),
                LayerTree.stockLayers(),
                repo.resolve("scripts"),
                repo.resolve(".ci"),
                repo.resolve("it/src/it"));
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    if (p.toString().endsWith(".sh") || shebang(p)) out.add(p);
                }
            }
        }
        return out;
    }

    private static boolean shebang(Path p) throws IOException {
        byte[] head;
        try (var in = Files.newInputStream(p)) {
            head = in.readNBytes(80);
        }
        String first = new String(head, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
        return SHELL_SHEBANG.matcher(first).matches();
    }

    @Test
    void everyShippedShellScriptPassesShellcheck() throws Exception {
        Assumptions.assumeTrue(onPath("shellcheck"), () -> {
            System.err.println("SKIPPED: shellcheck is not installed (apt-get install shellcheck); .ci/run installs it");
            return "shellcheck is not installed";
        });
        List<Path> scripts = scripts();
        assertTrue(scripts.size() >= 10, "found the shipped scripts: " + scripts);
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "--format=gcc", "--external-sources"));
        // Files without a shebang (hooks run by bash, sourced fragments) are checked as bash.
        cmd.add("--shell=bash");
        List<String> failures = new ArrayList<>();
        for (Path p : scripts) {
            List<String> one = new ArrayList<>(cmd);
            if (shebang(p)) one.remove("--shell=bash");
            one.add(p.toString());
            Process proc = new ProcessBuilder(one).redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "shellcheck finished on " + p);
            if (proc.exitValue() != 0) failures.add(out.strip());
        }
        assertEquals("", String.join("\n", failures), "shellcheck findings");
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}
