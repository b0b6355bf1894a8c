package dev.skiff.install;

import static dev.skiff.install.DiskFixtures.TOOLS;
import static dev.skiff.install.DiskFixtures.debugfs;
import static dev.skiff.install.DiskFixtures.length;
import static dev.skiff.install.DiskFixtures.mtype;
import static dev.skiff.install.DiskFixtures.offset;
import static dev.skiff.install.DiskFixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device path end to end, with a regular file standing in for the card (the probe is
 * faked; its refusal logic is tested in {@link BlockDeviceTest}). The "card" starts full of
 * stale data, as a used SD card is.
 */
class DeviceInstallTest {
    static final long SIZE = 160L << 20;

    @TempDir
    Path tmp;

    Path card;
    final List<String> questions = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    int installs;

    @BeforeEach
    void staleCard() throws Exception {
        DiskFixtures.assumeTools();
        card = tmp.resolve("card");
        byte[] mib = new byte[1 << 20];
        Arrays.fill(mib, (byte) 0x5a);
        try (FileChannel ch = FileChannel.open(card, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long at = 0; at < SIZE; at += mib.length) ch.write(ByteBuffer.wrap(mib), at);
            // An old FAT boot sector where the small layout's rootfs (ext4) will start: a blkid
            // that saw both would call the partition ambivalent and mounting by label would fail.
            byte[] fat = new byte[512];
            System.arraycopy("FAT32   ".getBytes(StandardCharsets.US_ASCII), 0, fat, 0x52, 8);
            fat[510] = 0x55;
            fat[511] = (byte) 0xaa;
            ch.write(ByteBuffer.wrap(fat), 41L << 20);
        }
    }

    private InstallResult install(DiskLayout layout, boolean format, boolean answer) throws Exception {
        int n = installs++;
        BlockDevice fake = new BlockDevice(card, "sdx", "8:16", Files.size(card), "Fake Card", true, false, Map.of());
        return DeviceInstall.install(new DeviceInstall.Request(DiskFixtures.source(
                        DiskFixtures.piImages(tmp.resolve("images-" + n), "kernel " + n + "\n"), "pi/common"),
                        layout, card, format, tmp.resolve("scratch")),
                node -> fake, TOOLS, q -> {
                    questions.add(q);
                    return answer;
                }, log::add);
    }

    @Test
    void formatsAStaleCardCleanly() throws Exception {
        DiskLayout layout = DiskFixtures.smallPiLayout(tmp);
        InstallResult r = install(layout, false, true);

        assertTrue(r.formatted(), "no partition table on the card: formatted");
        assertEquals(1, questions.size());
        assertTrue(questions.get(0).startsWith("ERASE ALL DATA on " + card + " (sdx): Fake Card, 160 MiB, removable"),
                questions.get(0));
        assertTrue(log.contains("Device " + card + " (sdx): Fake Card, 160 MiB, removable"), log.toString());
        assertEquals(3, DiskFixtures.sfdisk(card).path("partitions").size());
        assertEquals("kernel 0\n", mtype(card, offset(card, 1), "/Image"));
        DiskFixtures.fsckFat(card, offset(card, 1), length(card, 1), tmp);
        DiskFixtures.fsck(card, offset(card, 2), length(card, 2), tmp);
        DiskFixtures.fsck(card, offset(card, 3), length(card, 3), tmp);
        Path rootfs = tmp.resolve("rootfs.part");
        DiskFixtures.extract(card, offset(card, 2), length(card, 2), rootfs);
        assertEquals("ext4", TOOLS.run(List.of("blkid", "-p", "-o", "value", "-s", "TYPE", rootfs.toString()), null).trim(),
                "the stale FAT signature is gone");
        assertTrue(r.bytesSkipped() > 0, r.summary());
        assertFalse(Files.list(tmp.resolve("scratch")).findAny().isPresent(), "the temporary disk image is removed");
    }

    @Test
    void notConfirmedWritesNothing() throws Exception {
        String before = sha256(card);
        SkiffException e = assertThrows(SkiffException.class, () -> install(DiskFixtures.smallPiLayout(tmp), false, false));
        assertEquals("Not confirmed: nothing was written to " + card + ".", e.getMessage());
        assertEquals(before, sha256(card));
    }

    @Test
    void reinstallKeepsPersist() throws Exception {
        DiskLayout layout = DiskFixtures.smallPiLayout(tmp);
        install(layout, false, true);
        long persist = offset(card, 3);
        long persistLen = length(card, 3);
        Path marker = Files.writeString(tmp.resolve("marker"), "on the card\n");
        DiskFixtures.debugfsWrite(card, persist, marker, "/marker");
        String before = sha256(card, persist, persistLen);

        InstallResult r = install(layout, false, true);

        assertFalse(r.formatted());
        assertTrue(questions.get(1).startsWith("Re-install " + card), questions.get(1));
        assertTrue(questions.get(1).endsWith("rebuild BOOT, rootfs and keep persist?"), questions.get(1));
        assertEquals(before, sha256(card, persist, persistLen));
        assertEquals("on the card\n", debugfs(card, persist, "cat /marker"));
        assertEquals("kernel 1\n", mtype(card, offset(card, 1), "/Image"));
        DiskFixtures.fsck(card, offset(card, 2), length(card, 2), tmp);

        // -Dskiff.format recreates persist.
        install(layout, true, true);
        assertFalse(debugfs(card, persist, "ls /").contains("marker"));
    }

    @Test
    void aCardWithAnotherLayoutNeedsFormat() throws Exception {
        install(DiskFixtures.smallPiLayout(tmp), false, true);
        String before = sha256(card);
        SkiffException e = assertThrows(SkiffException.class, () -> install(DiskFixtures.smallAbLayout(tmp, "virt/qemu"), false, true));
        assertTrue(e.getMessage().contains("does not match the layout"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dskiff.format"), e.getMessage());
        assertEquals(before, sha256(card));
        assertEquals(1, questions.size(), "refused before asking");
    }
}
