package dev.skiff.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs SkiffOS's own {@code make} in a real SkiffOS checkout, as a user does, to compare Skiff's
 * results with it. The environment is minimal and explicit, so nothing of the test JVM's
 * environment leaks into SkiffOS's scripts.
 */
public final class SkiffosOracle {
    private final Path skiffos;

    public SkiffosOracle(Path skiffos) {
        this.skiffos = skiffos;
    }

    public Path dir() {
        return skiffos;
    }

    /** SkiffOS's final config directory for {@code workspace}: {@code workspaces/.config_<ws>/}. */
    public Path finalDir(String workspace) {
        return skiffos.resolve("workspaces/.config_" + workspace);
    }

    public Path workspaceDir(String workspace) {
        return skiffos.resolve("workspaces").resolve(workspace);
    }

    /** The environment SkiffOS's {@code make} is started with: as bare as a fresh login shell. */
    public static Map<String, String> baseEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", System.getProperty("user.home"));
        env.put("USER", System.getProperty("user.name"));
        env.put("LOGNAME", System.getProperty("user.name"));
        // SkiffOS's scripts call tput; a terminal type that has the capabilities keeps them quiet.
        env.put("TERM", "xterm");
        env.put("TMPDIR", System.getProperty("java.io.tmpdir"));
        env.put("LANG", "C");
        return env;
    }

    /** {@code SKIFF_CONFIG=<chain> SKIFF_WORKSPACE=<ws> make <target...>}; fails with the log's tail. */
    public String make(String chain, String workspace, Map<String, String> extraEnv, String... targets) throws Exception {
        Map<String, String> env = baseEnvironment();
        env.put("SKIFF_CONFIG", chain);
        env.put("SKIFF_WORKSPACE", workspace);
        env.putAll(extraEnv);
        List<String> cmd = new ArrayList<>(List.of("make"));
        cmd.addAll(List.of(targets));
        Path log = Files.createTempFile("skiffos-make", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(skiffos.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("SkiffOS's make " + String.join(" ", targets) + " did not finish in 20 minutes");
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                List<String> lines = out.lines().toList();
                throw new AssertionError("SkiffOS's `make " + String.join(" ", targets) + "` failed for " + chain + " (exit "
                        + p.exitValue() + "):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** SkiffOS's {@code make configure}: its final config directory. */
    public Path configure(String chain, String workspace) throws Exception {
        make(chain, workspace, Map.of(), "configure");
        return finalDir(workspace);
    }

    /** Reads a file, or "" if it does not exist. */
    public static String read(Path p) throws IOException {
        return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }
}
