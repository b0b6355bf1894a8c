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
 * <p>Any release is accepted: SkiffOS pins its own Buildroot fork, which moves ahead of the LTS
 * the stock layers are validated on. Symbols and package names drift between series, so a tree
 * other than the one the layers were validated on gets one warning line
 * ({@link #seriesWarning}), and the dropped-symbol check after {@code make defconfig} is the
 * guard: it names every symbol the tree does not know.
 */
public record BuildrootTree(Path dir, String version) {

    /** The Buildroot series the stock layers are validated on. */
    public static final String SUPPORTED_SERIES = "2026.02";

    /** The exact release Skiff is tested with and pins as a submodule. */
    public static final String PINNED_RELEASE = "2026.02.3";

    /** The commit of {@link #PINNED_RELEASE} upstream. */
    public static final String PINNED_COMMIT = "679b9ead7620bbf193620d1ebf56f53c1764d37a";

    /** The user property that names a Buildroot tree explicitly. */
    public static final String LOCATION_PROPERTY = "skiff.buildroot";

    private static final Pattern VERSION_LINE =
            Pattern.compile("^\\s*export\\s+BR2_VERSION\\s*:?=\\s*(\\S+)\\s*$");

    // Point releases (2026.02.3) and release candidates (2026.02-rc1) belong to the series;
    // 2026.02x or 2026.021 must not sneak in through a plain prefix match.
    private static final Pattern SUPPORTED_VERSION =
            Pattern.compile(Pattern.quote(SUPPORTED_SERIES) + "(\\.\\d+)?(-[A-Za-z0-9.]+)?");

    private static final String FIX_HINT =
            "Point -D" + LOCATION_PROPERTY + "=/path/to/buildroot at a Buildroot checkout (the stock layers are"
                    + " validated on " + PINNED_RELEASE + "; a SkiffOS tree brings its own in skiffos/buildroot).";

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
        return new BuildrootTree(abs, version);
    }

    /** The top-level {@code Config.in}, root of the Kconfig tree. */
    public Path configIn() {
        return dir.resolve("Config.in");
    }

    /** The {@code configs/} directory holding Buildroot's stock defconfigs. */
    public Path configsDir() {
        return dir.resolve("configs");
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

    /** Whether {@code version} belongs to the series the stock layers are validated on. */
    public static boolean inSupportedSeries(String version) {
        return SUPPORTED_VERSION.matcher(version).matches();
    }

    /** The release a Buildroot {@code Makefile}'s text declares, if any. */
    static Optional<String> versionOf(String makefileText) {
        return makefileText.lines().map(VERSION_LINE::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst();
    }

    static boolean isEmptyDirectory(Path dir) {
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
