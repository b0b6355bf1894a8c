package dev.skiff.buildroot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code make -C <tree> O=<outputDir> <arguments...>} run.
 *
 * @param environment variables added on top of the minimal base environment; they win over it
 * @param logFile receives every output line; truncated at the start of the run
 */
public record MakeInvocation(
        BuildrootTree tree,
        Path outputDir,
        List<String> arguments,
        Map<String, String> environment,
        Path logFile) {

    public MakeInvocation {
        Objects.requireNonNull(tree, "tree");
        // Buildroot resolves O= relative to its own directory (-C), not to ours.
        outputDir = Objects.requireNonNull(outputDir, "outputDir").toAbsolutePath().normalize();
        arguments = List.copyOf(arguments);
        Objects.requireNonNull(environment, "environment");
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "environment name");
            Objects.requireNonNull(e.getValue(), () -> "value of environment variable " + name);
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("Invalid environment variable name: " + name);
            }
        }
        environment = Map.copyOf(environment);
        logFile = Objects.requireNonNull(logFile, "logFile").toAbsolutePath().normalize();
    }

    /** An invocation with no extra environment. */
    public static MakeInvocation of(
            BuildrootTree tree, Path outputDir, Path logFile, String... arguments) {
        return new MakeInvocation(tree, outputDir, List.of(arguments), Map.of(), logFile);
    }

    /** A copy with {@code name=value} added to (or replacing in) the environment. */
    public MakeInvocation withEnvironment(String name, String value) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put(name, value);
        return new MakeInvocation(tree, outputDir, arguments, env, logFile);
    }

    /** The full command line, with {@code makeExecutable} as the program. */
    public List<String> command(String makeExecutable) {
        List<String> cmd = new ArrayList<>(arguments.size() + 4);
        cmd.add(makeExecutable);
        cmd.add("-C");
        cmd.add(tree.dir().toString());
        cmd.add("O=" + outputDir);
        cmd.addAll(arguments);
        return cmd;
    }

    /** A short form for messages, e.g. {@code make qemu_x86_64_defconfig}. */
    public String describe() {
        return arguments.isEmpty() ? "make" : "make " + String.join(" ", arguments);
    }
}
