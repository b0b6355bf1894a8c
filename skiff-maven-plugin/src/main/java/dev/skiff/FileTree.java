package dev.skiff;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removal of a directory tree: staging, scratch and rolled-back directories all go this way. */
public final class FileTree {
    private FileTree() {}

    /**
     * Deletes {@code dir} and everything below it; nothing happens if it does not exist. Links are
     * removed, never followed. Stops at the first failure.
     *
     * <p>Every failure, also one met while walking (an unreadable directory, a path too long to
     * open), is a checked {@link IOException}: {@code Files.walk} would throw those as an
     * {@code UncheckedIOException} from the middle of the stream, past callers that only expect
     * the checked kind.
     */
    public static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException failed) throws IOException {
                if (failed != null) throw failed;
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * {@link #delete} for temporary files whose leftovers are harmless: best effort, removing what
     * it can, and it never throws. It runs in {@code finally} blocks, where an exception of its own
     * would replace the error the user needs to see.
     */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    tryDelete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException failed) {
                    // Cannot be opened or read; removing it may still work (a file), or not (a
                    // directory that is not empty), and either way the walk goes on.
                    tryDelete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException failed) {
                    tryDelete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            // A leftover in a scratch directory of its own does no harm; the next run uses a new one.
        }
    }

    private static void tryDelete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException | RuntimeException e) {
            // Best effort: see deleteQuietly.
        }
    }
}
