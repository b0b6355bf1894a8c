package dev.skiff.buildroot;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A validated Buildroot source tree and the release it reports in its top-level Makefile.
 *
 * <p>Skiff's layers are written against one Buildroot series; symbols and package names drift
 * between series, so a tree from another series would configure "successfully" into a wrong
 * image. Hence {@link #open} refuses any other series up front.
 */
public record BuildrootTree(Path dir, String version) {

    /** The Buildroot series Skiff's layers are written against. */
    public static final String SUPPORTED_SERIES = "2026.02";

    /** The exact release Skiff is tested with and pins as a submodule. */
    public static final String PINNED_RELEASE = "2026.02.3";

    /** The user property that names a Buildroot tree explicitly. */
    public static final String LOCATION_PROPERTY = "skiff.buildroot";

    private static final Pattern VERSION_LINE =
            Pattern.compile("^\\s*export\\s+BR2_VERSION\\s*:?=\\s*(\\S+)\\s*$");

    // Point releases (2026.02.3) and release candidates (2026.02-rc1) belong to the series;
    // 2026.02x or 2026.021 must not sneak in through a plain prefix match.
    private static final Pattern SUPPORTED_VERSION =
            Pattern.compile(Pattern.quote(SUPPORTED_SERIES) + "(\\.\\d+)?(-[A-Za-z0-9.]+)?");

    private static final String FIX_HINT =
            "Point -D" + LOCATION_PROPERTY + "=/path/to/buildroot-" + PINNED_RELEASE
                    + " at a Buildroot " + PINNED_RELEASE + " checkout.";

    public BuildrootTree {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(version, "version");
    }

    /**
     * Opens and validates the Buildroot tree at {@code dir}.
     *
     * @throws SkiffException naming the path and what is wrong with it
     */
    public static BuildrootTree open(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            throw new SkiffException("Buildroot directory " + abs + " does not exist. " + FIX_HINT);
        }
        if (!Files.isDirectory(abs)) {
            throw new SkiffException(
                    "Buildroot path " + abs + " is not a directory. " + FIX_HINT);
        }
        if (isEmptyDirectory(abs)) {
            throw new SkiffException("Buildroot directory " + abs
                    + " is empty; if it is a git submodule it is not checked out yet. Run"
                    + " `git submodule update --init` for it, or " + lowerFirst(FIX_HINT));
        }
        Path makefile = abs.resolve("Makefile");
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(makefile)) {
            missing.add("Makefile");
        }
        if (!Files.isRegularFile(abs.resolve("Config.in"))) {
            missing.add("Config.in");
        }
        if (!Files.isDirectory(abs.resolve("package"))) {
            missing.add("package/");
        }
        if (!missing.isEmpty()) {
            throw new SkiffException(abs + " is not a Buildroot tree: it has no "
                    + String.join(", no ", missing) + ". " + FIX_HINT);
        }
        String version = readVersion(makefile).orElseThrow(() -> new SkiffException(
                makefile + " has no `export BR2_VERSION := <version>` line, so " + abs
                        + " is not a Buildroot tree (or a very old one). " + FIX_HINT));
        if (!SUPPORTED_VERSION.matcher(version).matches()) {
            throw new SkiffException("Buildroot at " + abs + " is version " + version
                    + ", but Skiff requires the " + SUPPORTED_SERIES + " series (pinned release "
                    + PINNED_RELEASE + "). Check out " + PINNED_RELEASE + " there, or "
                    + lowerFirst(FIX_HINT));
        }
        return new BuildrootTree(abs, version);
    }

    /**
     * Finds the Buildroot tree for a project: {@code explicitDirOrNull} if given (relative paths
     * resolve against {@code projectDir}; no fallback if it is invalid), else
     * {@code <projectDir>/buildroot} if it holds a Makefile, else
     * {@code <projectDir>/skiffos/buildroot}.
     *
     * @throws SkiffException listing every place looked at and how to provide a tree
     */
    public static BuildrootTree locate(Path explicitDirOrNull, Path projectDir) {
        Objects.requireNonNull(projectDir, "projectDir");
        Path project = projectDir.toAbsolutePath().normalize();
        if (explicitDirOrNull != null) {
            Path explicit = project.resolve(explicitDirOrNull).normalize();
            try {
                return open(explicit);
            } catch (SkiffException e) {
                throw new SkiffException("The Buildroot tree set by -D" + LOCATION_PROPERTY
                        + " (or <" + LOCATION_PROPERTY + ">) is not usable: " + e.getMessage(), e);
            }
        }
        List<Path> candidates = List.of(project.resolve("buildroot"),
                project.resolve("skiffos").resolve("buildroot"));
        for (Path candidate : candidates) {
            // A Makefile means the user meant this tree; a wrong version there must be
            // reported, not silently skipped in favour of the next candidate.
            if (Files.isRegularFile(candidate.resolve("Makefile"))) {
                return open(candidate);
            }
        }
        throw notFound(project, candidates);
    }

    /** The top-level {@code Config.in}, root of the Kconfig tree. */
    public Path configIn() {
        return dir.resolve("Config.in");
    }

    /** The {@code configs/} directory holding Buildroot's stock defconfigs. */
    public Path configsDir() {
        return dir.resolve("configs");
    }

    private static SkiffException notFound(Path project, List<Path> candidates) {
        StringBuilder msg = new StringBuilder("No Buildroot tree found for project ")
                .append(project).append(". Looked in:\n");
        Path emptySubmodule = null;
        for (Path candidate : candidates) {
            msg.append("  ").append(candidate).append(": ").append(describe(candidate))
                    .append('\n');
            if (emptySubmodule == null && Files.isDirectory(candidate)
                    && isEmptyDirectory(candidate)) {
                emptySubmodule = candidate;
            }
        }
        if (emptySubmodule != null) {
            msg.append(emptySubmodule)
                    .append(" exists but is empty: the git submodule is not checked out.\n");
        }
        msg.append("Fix it with one of:\n")
                .append("  git submodule update --init buildroot")
                .append("          (project with a buildroot submodule)\n")
                .append("  git submodule update --init --recursive")
                .append("        (generated project with skiffos as a submodule)\n")
                .append("  -D").append(LOCATION_PROPERTY).append("=/path/to/buildroot-")
                .append(PINNED_RELEASE).append("   (use an existing checkout)");
        return new SkiffException(msg.toString());
    }

    private static String describe(Path candidate) {
        if (!Files.exists(candidate)) {
            return "does not exist";
        }
        if (!Files.isDirectory(candidate)) {
            return "is not a directory";
        }
        if (isEmptyDirectory(candidate)) {
            return "is an empty directory (git submodule not checked out)";
        }
        return "has no Makefile";
    }

    private static Optional<String> readVersion(Path makefile) {
        try (Stream<String> lines = Files.lines(makefile, StandardCharsets.ISO_8859_1)) {
            return lines.map(VERSION_LINE::matcher)
                    .filter(Matcher::matches)
                    .map(m -> m.group(1))
                    .findFirst();
        } catch (IOException e) {
            throw new SkiffException("Cannot read " + makefile + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new SkiffException("Cannot list directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
