package dev.skiff.image;

import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SHA-256 computed on a second thread while the caller copies the same bytes into the tar.
 *
 * <p>Hashing and writing each cost about as much as the other, so doing them one after the
 * other on one thread halves throughput on any machine with a spare core; {@code tar | sha256sum}
 * gets that overlap for free from the pipe. Two buffers take turns: the caller fills one and
 * writes it out while the other is hashed. Updates run in submission order on a single thread,
 * so the digest sees the bytes in file order.
 */
final class OverlappedSha256 implements AutoCloseable {

    private final ExecutorService hasher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "skiff-bundle-sha256");
        t.setDaemon(true);
        return t;
    });
    private final MessageDigest digest = dev.skiff.Sha256.digest();
    private final byte[][] buffers;
    private final Future<?>[] pending;
    private int current;

    OverlappedSha256(int bufferSize) {
        buffers = new byte[][] {new byte[bufferSize], new byte[bufferSize]};
        pending = new Future<?>[2];
    }

    /**
     * The buffer to fill next, once the hashing thread no longer reads it. The caller must not
     * touch it again after passing it to {@link #update}.
     */
    byte[] buffer() throws InterruptedException {
        await(pending[current]);
        return buffers[current];
    }

    /** Hashes the first {@code length} bytes of the buffer {@link #buffer} returned last. */
    void update(int length) {
        byte[] b = buffers[current];
        pending[current] = hasher.submit(() -> digest.update(b, 0, length));
        current ^= 1;
    }

    /** The hex SHA-256 of everything passed to {@link #update} since the last call. */
    String finish() throws InterruptedException {
        await(pending[0]);
        await(pending[1]);
        return ImageBundle.hex(digest.digest());
    }

    @Override
    public void close() {
        hasher.shutdownNow();
    }

    private static void await(Future<?> f) throws InterruptedException {
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (ExecutionException e) {
            // MessageDigest.update does not fail on valid arguments; this is a bug, not input.
            throw new IllegalStateException("SHA-256 failed", e.getCause());
        }
    }
}
