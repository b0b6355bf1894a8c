package dev.skiff;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tree that cannot be walked must not turn a temporary-directory cleanup into the error the user
 * sees. The unwalkable tree is real: directories nested until their absolute path is longer than
 * PATH_MAX, so opening the deepest ones fails with ENAMETOOLONG (permissions would not do: the
 * tests may run as root). It is built and removed with the shell, which works relative to each
 * directory and so is not bound by PATH_MAX.
 */
class FileTreeTest {
    private Path tmp;

    @BeforeEach
    void setUp() throws IOException {
        tmp = Files.createTempDirectory("skiff-filetree-");
    }

    @AfterEach
    void tearDown() throws Exception {
        // JUnit's @TempDir cleanup walks by absolute path too and would fail on the deep tree.
        sh("rm -rf \"$0\"", tmp.toString());
    }

    private static void sh(String script, String arg) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script, arg).inheritIO().start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish in 60 s: " + script);
        }
        assertEquals(0, p.exitValue(), script);
    }

    /** {@code dir} with a chain of directories below it whose absolute path exceeds 4096 bytes. */
    private Path unwalkable() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("staging"));
        Files.writeString(dir.resolve("rootfs.ext4"), "image");
        String name = "d".repeat(200);
        // cd -P: a logical cd would build the long absolute path itself and fail with it.
        sh("cd \"$0\" || exit 1; i=0; while [ $i -lt 30 ]; do mkdir " + name + " && cd -P " + name
                + " || exit 1; i=$((i+1)); done; echo deep > leaf", dir.toString());
        return dir;
    }

    @Test
    void deleteQuietlyNeverThrowsOnATreeItCannotWalk() throws Exception {
        Path dir = unwalkable();

        assertDoesNotThrow(() -> FileTree.deleteQuietly(dir));
        // Best effort: what can be removed is removed.
        assertFalse(Files.exists(dir.resolve("rootfs.ext4")), "the file beside the deep chain was left behind");
    }

    @Test
    void theRealErrorIsNotHiddenByTheCleanupInFinally() throws Exception {
        Path dir = unwalkable();
        IllegalStateException real = new IllegalStateException("mkfs.ext4 failed");

        IllegalStateException seen = assertThrows(IllegalStateException.class, () -> {
            try {
                throw real;
            } finally {
                FileTree.deleteQuietly(dir);
            }
        });
        assertSame(real, seen);
    }

    @Test
    void deleteReportsTheTreeItCannotWalkAsACheckedIOException() throws Exception {
        Path dir = unwalkable();

        IOException e = assertThrows(IOException.class, () -> FileTree.delete(dir));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void deleteRemovesATreeAndLeavesLinkTargetsAlone() throws Exception {
        Path outside = Files.writeString(tmp.resolve("outside"), "keep");
        Path dir = Files.createDirectories(tmp.resolve("tree/a/b"));
        Files.writeString(dir.resolve("f"), "x");
        Files.createSymbolicLink(dir.resolve("link"), outside);
        Files.createSymbolicLink(tmp.resolve("tree/dirlink"), tmp);

        FileTree.delete(tmp.resolve("tree"));

        assertFalse(Files.exists(tmp.resolve("tree")));
        assertEquals("keep", Files.readString(outside));
        FileTree.delete(tmp.resolve("tree")); // absent: nothing happens
    }
}
