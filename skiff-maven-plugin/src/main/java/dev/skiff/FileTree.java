package dev.skiff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removal of a directory tree: staging, scratch and rolled-back directories all go this way. */
public final class FileTree {
    private FileTree() {}

    /**
     * Deletes {@code dir} and everything below it; nothing happens if it does not exist. Links are
     * removed, never followed.
     */
    public static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** {@link #delete} for temporary files whose leftovers are harmless: failures are ignored. */
    public static void deleteQuietly(Path dir) {
        try {
            delete(dir);
        } catch (IOException e) {
            // A leftover in a scratch directory of its own does no harm; the next run uses a new one.
        }
    }
}
