package dev.skiff.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseCopyTest {
    static final int B = SparseCopy.BLOCK;

    @TempDir
    Path tmp;

    /** 3 data blocks among zeros, spanning two chunks, with an odd tail. */
    private byte[] source() {
        byte[] data = new byte[SparseCopy.CHUNK + 5 * B + 123];
        Random r = new Random(1);
        for (int block : new int[] {0, 7, SparseCopy.CHUNK / B + 2}) {
            byte[] b = new byte[B];
            r.nextBytes(b);
            System.arraycopy(b, 0, data, block * B, B);
        }
        data[data.length - 1] = 9; // the tail block holds data
        return data;
    }

    @Test
    void writesOnlyDataBlocks() throws Exception {
        byte[] data = source();
        Path src = Files.write(tmp.resolve("src"), data);
        Path dst = tmp.resolve("dst");
        SparseCopy.Result r = SparseCopy.copyFile(src, dst);
        assertArrayEquals(data, Files.readAllBytes(dst));
        assertEquals(3L * B + 123, r.written());
        assertEquals(data.length - r.written(), r.skipped());
        assertEquals(data.length, r.total());
    }

    @Test
    void copiesAtOffsets() throws Exception {
        byte[] data = source();
        Path src = Files.write(tmp.resolve("src"), data);
        Path dst = tmp.resolve("dst");
        SparseCopy.createSparse(dst, 3L * data.length);
        try (FileChannel in = FileChannel.open(src); FileChannel out = FileChannel.open(dst, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            SparseCopy.copy(in, B, data.length - B, out, data.length, SparseCopy.Mode.SKIP_ZERO);
            SparseCopy.verify(in, B, data.length - B, out, data.length, SparseCopy.Mode.EXACT, "test");
        }
        byte[] all = Files.readAllBytes(dst);
        assertArrayEquals(Arrays.copyOfRange(data, B, data.length), Arrays.copyOfRange(all, data.length, 2 * data.length - B));
    }

    @Test
    void exactModeClearsStaleBytesAndSkipModeDoesNot() throws Exception {
        byte[] data = source();
        Path src = Files.write(tmp.resolve("src"), data);
        byte[] garbage = new byte[data.length];
        Arrays.fill(garbage, (byte) 0x5a);
        Arrays.fill(garbage, 2 * B, 4 * B, (byte) 0); // already zero there: not written again
        Path exact = Files.write(tmp.resolve("exact"), garbage);
        Path skip = Files.write(tmp.resolve("skip"), garbage);
        SparseCopy.Result r;
        try (FileChannel in = FileChannel.open(src);
             FileChannel e = FileChannel.open(exact, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileChannel s = FileChannel.open(skip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            r = SparseCopy.copy(in, 0, data.length, e, 0, SparseCopy.Mode.EXACT);
            SparseCopy.copy(in, 0, data.length, s, 0, SparseCopy.Mode.SKIP_ZERO);
            SparseCopy.verify(in, 0, data.length, e, 0, SparseCopy.Mode.EXACT, "exact");
            SparseCopy.verify(in, 0, data.length, s, 0, SparseCopy.Mode.SKIP_ZERO, "skip");
            SkiffException x = assertThrows(SkiffException.class,
                    () -> SparseCopy.verify(in, 0, data.length, s, 0, SparseCopy.Mode.EXACT, "the skip copy"));
            assertTrue(x.getMessage().startsWith("verification failed: the skip copy does not hold what was written: byte "
                    + B + " differs"), x.getMessage());
        }
        assertArrayEquals(data, Files.readAllBytes(exact));
        assertEquals(2L * B, r.skipped(), "the two blocks that were zero on the target already");
        assertEquals(0x5a, Files.readAllBytes(skip)[B]);
    }

    @Test
    void verifyFindsTheFirstDifference() throws Exception {
        byte[] data = source();
        Path src = Files.write(tmp.resolve("src"), data);
        byte[] copy = data.clone();
        copy[7 * B + 100] ^= 1;
        Path dst = Files.write(tmp.resolve("dst"), copy);
        try (FileChannel in = FileChannel.open(src); FileChannel out = FileChannel.open(dst)) {
            SkiffException e = assertThrows(SkiffException.class,
                    () -> SparseCopy.verify(in, 0, data.length, out, 0, SparseCopy.Mode.SKIP_ZERO, "partition BOOT"));
            assertTrue(e.getMessage().contains("partition BOOT does not hold what was written: byte " + (7 * B + 100)),
                    e.getMessage());
        }
    }

    @Test
    void dataMapFromFilefrag() throws Exception {
        String out = String.join("\n",
                "Filesystem type is: ef53",
                "File size of e.img is 8589934592 (2097152 blocks of 4096 bytes)",
                " ext:     logical_offset:        physical_offset: length:   expected: flags:",
                "   0:        0..    1025:    8374272..   8375297:   1026:            ",
                "   1:     1026..    1041:    8375313..   8375313:      1:            ",
                "   2:     2097136.. 2097151:    8323600..   8323615:     16:    8890352: last,unwritten,eof",
                "e.img: 3 extents found", "");
        List<long[]> map = DataMap.parse(out);
        assertNotNull(map);
        assertEquals(2, map.size());
        assertArrayEquals(new long[] {0, 1042L * 4096}, map.get(0), "adjacent extents merge");
        assertArrayEquals(new long[] {2097136L * 4096, 2097152L * 4096}, map.get(1));
        assertNull(DataMap.parse("filefrag: FIBMAP unsupported\n"));
        assertNull(DataMap.parse(out.replace("3 extents found", "4 extents found")), "missing lines: unknown");
        assertEquals(List.of(), DataMap.parse("File size of h is 1048576 (256 blocks of 4096 bytes)\nh: 0 extents found\n"));
    }

    @Test
    void copyWithTheDataMapEqualsAFullScan() throws Exception {
        DiskFixtures.assumeTools();
        byte[] data = source();
        Path src = tmp.resolve("src");
        // Written sparse, so the file system maps only the data blocks.
        SparseCopy.copyFile(Files.write(tmp.resolve("dense"), data), src);
        List<long[]> map = DataMap.of(DiskFixtures.TOOLS, src);
        Path dst = tmp.resolve("dst");
        SparseCopy.Result r = SparseCopy.copyFile(src, dst, DiskFixtures.TOOLS);
        assertArrayEquals(data, Files.readAllBytes(dst));
        assertEquals(data.length, r.total());
        if (map != null) assertTrue(map.stream().mapToLong(x -> x[1] - x[0]).sum() < data.length, "holes are not read");
    }
}
