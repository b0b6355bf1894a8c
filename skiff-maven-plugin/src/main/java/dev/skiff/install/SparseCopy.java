package dev.skiff.install;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Block-wise copy that writes only the blocks holding data, like bmaptool: disk images are mostly
 * empty (a 2 GiB card image may hold 100 MiB), and writing the zeros is most of the time {@code dd}
 * takes. Used to put file systems into disk image files at their partition offsets and to write
 * disk images to devices.
 *
 * <p>Two modes, because skipping is only right where the target's old contents do not matter:
 * <ul>
 *   <li>{@link Mode#SKIP_ZERO}: all-zero blocks are not written. Right for a new sparse file
 *       (it reads as zeros) and for the free space of a fresh ext4 file system (ext4 never reads
 *       unallocated blocks, uninitialised inode tables and bitmaps are flagged, and journal blocks
 *       carry checksums seeded with the new file system's UUID).
 *   <li>{@link Mode#EXACT}: the target ends up byte-identical. All-zero source blocks are compared
 *       with the target and written only where the target is not zero already, so an SD card's
 *       old FAT tables, directory clusters or file system signatures cannot survive.
 * </ul>
 */
public final class SparseCopy {
    /** The granularity of skipping: the page size, and ext4's block size. */
    public static final int BLOCK = 4096;
    static final int CHUNK = 4 << 20;
    private static final ByteBuffer ZERO = ByteBuffer.allocateDirect(BLOCK);

    private SparseCopy() {}

    /** What to do with all-zero source blocks. */
    public enum Mode {
        /** Do not write them: the target reads as zero there, or it does not matter. */
        SKIP_ZERO,
        /** Write them where the target is not all-zero already. */
        EXACT
    }

    /**
     * Bytes handled by a copy.
     *
     * @param written bytes written to the target
     * @param skipped all-zero bytes not written
     */
    public record Result(long written, long skipped) {
        public static final Result NONE = new Result(0, 0);

        public Result plus(Result o) {
            return new Result(written + o.written, skipped + o.skipped);
        }

        /** The logical size copied. */
        public long total() {
            return written + skipped;
        }
    }

    /**
     * Copies {@code length} bytes of {@code src} at {@code srcOffset} to {@code dst} at
     * {@code dstOffset}. Does not fsync: the caller does once, after all ranges ({@link #sync}).
     */
    public static Result copy(FileChannel src, long srcOffset, long length, FileChannel dst, long dstOffset,
                              Mode mode) throws IOException {
        return copy(src, srcOffset, length, dst, dstOffset, mode, null);
    }

    /**
     * As {@link #copy(FileChannel, long, long, FileChannel, long, Mode)}, reading only the
     * ranges of the source that {@code dataMap} (source file offsets, from {@link DataMap})
     * says may hold data; the rest counts as skipped zeros. Ignored in {@link Mode#EXACT},
     * where holes must be compared with the target too.
     */
    static Result copy(FileChannel src, long srcOffset, long length, FileChannel dst, long dstOffset,
                       Mode mode, List<long[]> dataMap) throws IOException {
        if (mode == Mode.EXACT || dataMap == null) return scanCopy(src, srcOffset, length, dst, dstOffset, mode);
        Result r = Result.NONE;
        long covered = 0;
        for (long[] d : DataMap.within(dataMap, srcOffset, length)) {
            r = r.plus(scanCopy(src, d[0], d[1] - d[0], dst, dstOffset + (d[0] - srcOffset), mode));
            covered += d[1] - d[0];
        }
        return r.plus(new Result(0, length - covered));
    }

    private static Result scanCopy(FileChannel src, long srcOffset, long length, FileChannel dst, long dstOffset,
                                   Mode mode) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(BLOCK, length)));
        ByteBuffer old = mode == Mode.EXACT ? ByteBuffer.allocateDirect(buf.capacity()) : null;
        long written = 0;
        long skipped = 0;
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(buf.capacity(), length - done);
            readFully(src, buf, srcOffset + done, n, false);
            boolean oldRead = false;
            int run = -1;
            for (int b = 0; b < n; b += BLOCK) {
                int len = Math.min(BLOCK, n - b);
                boolean write = !isZero(buf, b, len);
                if (!write && mode == Mode.EXACT) {
                    if (!oldRead) {
                        readFully(dst, old, dstOffset + done, n, true);
                        oldRead = true;
                    }
                    write = !isZero(old, b, len);
                }
                if (write) {
                    if (run < 0) run = b;
                } else {
                    if (run >= 0) {
                        written += writeFully(dst, buf, run, b - run, dstOffset + done + run);
                        run = -1;
                    }
                    skipped += len;
                }
            }
            if (run >= 0) written += writeFully(dst, buf, run, n - run, dstOffset + done + run);
            done += n;
        }
        return new Result(written, skipped);
    }

    /**
     * Copies a whole file to a new file {@code dst} (sparse: all-zero blocks become holes), then
     * fsyncs it. {@code dst} must not exist.
     */
    public static Result copyFile(Path src, Path dst) throws IOException {
        return copyFile(src, dst, null);
    }

    /** {@link #copyFile(Path, Path)} reading only what {@code tools}' filefrag maps as data, if it can. */
    public static Result copyFile(Path src, Path dst, Tools tools) throws IOException {
        List<long[]> map = tools == null ? null : DataMap.of(tools, src);
        try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(dst, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     StandardOpenOption.READ)) {
            long size = in.size();
            Result r = copy(in, 0, size, out, 0, Mode.SKIP_ZERO, map);
            setLength(out, size);
            out.force(true);
            return r;
        }
    }

    /** Extends {@code ch} to {@code size} bytes without writing data (the tail stays a hole). */
    static void setLength(FileChannel ch, long size) throws IOException {
        if (ch.size() < size) {
            ch.write(ByteBuffer.allocate(1), size - 1);
        }
    }

    /** Creates (or truncates) {@code file} as a sparse file of {@code size} bytes. */
    public static void createSparse(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(0);
            f.setLength(size);
        }
    }

    /** Flushes {@code ch} to stable storage. */
    public static void sync(FileChannel ch) throws IOException {
        ch.force(true);
    }

    /**
     * Reads back {@code length} bytes of {@code dst} at {@code dstOffset} and compares them with
     * what was meant to be written there.
     *
     * @param mode {@link Mode#SKIP_ZERO} compares only the source's data blocks (the skipped ones
     *     may hold anything); {@link Mode#EXACT} compares every byte
     * @param what names the range in the error, e.g. "partition BOOT of /dev/sdb"
     * @throws SkiffException at the first difference
     */
    public static void verify(FileChannel src, long srcOffset, long length, FileChannel dst, long dstOffset,
                              Mode mode, String what) throws IOException {
        verify(src, srcOffset, length, dst, dstOffset, mode, what, null);
    }

    /** {@link #verify} comparing, in {@link Mode#SKIP_ZERO}, only the source's mapped ranges. */
    static void verify(FileChannel src, long srcOffset, long length, FileChannel dst, long dstOffset,
                       Mode mode, String what, List<long[]> dataMap) throws IOException {
        if (mode == Mode.EXACT || dataMap == null) {
            scanVerify(src, srcOffset, length, dst, dstOffset, mode, what);
            return;
        }
        for (long[] d : DataMap.within(dataMap, srcOffset, length)) {
            scanVerify(src, d[0], d[1] - d[0], dst, dstOffset + (d[0] - srcOffset), mode, what);
        }
    }

    private static void scanVerify(FileChannel src, long srcOffset, long length, FileChannel dst, long dstOffset,
                                   Mode mode, String what) throws IOException {
        ByteBuffer a = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(BLOCK, length)));
        ByteBuffer b = ByteBuffer.allocateDirect(a.capacity());
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(a.capacity(), length - done);
            readFully(src, a, srcOffset + done, n, false);
            readFully(dst, b, dstOffset + done, n, true);
            for (int off = 0; off < n; off += BLOCK) {
                int len = Math.min(BLOCK, n - off);
                if (mode == Mode.SKIP_ZERO && isZero(a, off, len)) continue;
                if (a.slice(off, len).mismatch(b.slice(off, len)) >= 0) {
                    long at = dstOffset + done + off + a.slice(off, len).mismatch(b.slice(off, len));
                    throw new SkiffException("verification failed: " + what + " does not hold what was written: byte "
                            + at + " differs on reading back. The medium may be failing or was changed meanwhile;"
                            + " write it again, and replace the card or disk if this repeats.");
                }
            }
            done += n;
        }
    }

    static boolean isZero(ByteBuffer buf, int off, int len) {
        return buf.slice(off, len).mismatch(ZERO.slice(0, len)) < 0;
    }

    /** Fills {@code buf[0, n)} from {@code ch} at {@code pos}; past the end reads as zeros if allowed. */
    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, int n, boolean zeroPastEnd)
            throws IOException {
        buf.clear().limit(n);
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                if (!zeroPastEnd) throw new IOException("unexpected end of file at byte " + (pos + buf.position()));
                while (buf.hasRemaining()) buf.put((byte) 0);
            }
        }
        buf.clear();
    }

    private static long writeFully(FileChannel ch, ByteBuffer buf, int off, int len, long pos) throws IOException {
        ByteBuffer s = buf.slice(off, len);
        while (s.hasRemaining()) ch.write(s, pos + s.position());
        return len;
    }

    /** Bytes per second as MB/s (10^6), for reports. */
    static double mbPerSecond(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes / 1e6 / (nanos / 1e9);
    }
}
