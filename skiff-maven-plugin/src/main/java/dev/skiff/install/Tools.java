package dev.skiff.install;

import dev.skiff.SkiffException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the disk tools (sfdisk, mkfs.vfat, mtools, mke2fs, debugfs) as child processes with an
 * explicit environment: {@code LANG=C} so their messages can be matched, and a {@code PATH} that
 * includes the sbin directories (where Debian puts sfdisk and mkfs for non-root users too). The
 * output is captured and shown in full when a tool fails.
 */
public final class Tools {
    /** The Debian package of each tool, for "install it" messages. */
    static final Map<String, String> PACKAGES = Map.of(
            "sfdisk", "fdisk",
            "mkfs.vfat", "dosfstools",
            "mcopy", "mtools",
            "mmd", "mtools",
            "mdir", "mtools",
            "mke2fs", "e2fsprogs",
            "debugfs", "e2fsprogs");

    private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

    private final Map<String, String> env;

    /** The result of a tool: exit code and its standard output and error, interleaved. */
    public record Result(int exitCode, String output) {}

    public Tools(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** This process's PATH plus the sbin directories, {@code LANG=C}. */
    public static Tools system() {
        Map<String, String> env = new LinkedHashMap<>();
        Set<String> path = new LinkedHashSet<>();
        String p = System.getenv("PATH");
        if (p != null) for (String d : p.split(File.pathSeparator)) if (!d.isEmpty()) path.add(d);
        path.addAll(SBIN);
        env.put("PATH", String.join(File.pathSeparator, path));
        env.put("LANG", "C");
        env.put("LC_ALL", "C");
        String home = System.getenv("HOME");
        if (home != null) env.put("HOME", home);
        // mtools otherwise refuses images whose geometry does not look like a floppy or disk.
        env.put("MTOOLS_SKIP_CHECK", "1");
        return new Tools(env);
    }

    /** The full path of {@code tool} on the PATH, or null. */
    public Path find(String tool) {
        for (String d : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (d.isEmpty()) continue;
            Path c = Path.of(d, tool);
            if (Files.isRegularFile(c) && Files.isExecutable(c)) return c;
        }
        return null;
    }

    /** Fails naming every missing tool and the Debian packages that provide them. */
    public void require(List<String> tools, String purpose) {
        List<String> missing = new ArrayList<>();
        Set<String> packages = new LinkedHashSet<>();
        for (String t : tools) {
            if (find(t) == null) {
                missing.add(t);
                packages.add(PACKAGES.getOrDefault(t, t));
            }
        }
        if (!missing.isEmpty()) {
            throw new SkiffException(purpose + " needs " + String.join(", ", missing) + ", not found on PATH ("
                    + env.get("PATH") + "). Install it: sudo apt-get install " + String.join(" ", packages)
                    + " (Debian/Ubuntu package names).");
        }
    }

    /** Runs {@code command}; a non-zero exit is a SkiffException showing the tool's output. */
    public String run(List<String> command, String stdin) {
        Result r = runAllowingFailure(command, stdin);
        if (r.exitCode() != 0) {
            throw new SkiffException(String.join(" ", command) + " failed (exit " + r.exitCode() + "):\n"
                    + r.output().strip());
        }
        return r.output();
    }

    /** Runs {@code command} and returns its exit code and output, whatever they are. */
    public Result runAllowingFailure(List<String> command, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = null;
        try {
            p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            String out;
            try (InputStream o = p.getInputStream()) {
                out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
            }
            int code = p.waitFor();
            p = null;
            return new Result(code, out);
        } catch (IOException e) {
            throw new SkiffException("cannot run " + command.get(0) + ": " + e.getMessage()
                    + ". Install it: sudo apt-get install " + PACKAGES.getOrDefault(command.get(0), command.get(0)) + ".", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkiffException("interrupted while running " + command.get(0), e);
        } finally {
            // Interrupted or failed midway: do not leave a tool writing into a file we discard.
            if (p != null) p.destroyForcibly();
        }
    }
}
