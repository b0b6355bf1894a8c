package dev.skiff.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device refusal logic over a fake /sys and /proc: no real block device is touched. */
class BlockDeviceTest {
    @TempDir
    Path tmp;

    Path sys;
    Path proc;
    BlockDevice.SysfsProbe probe;

    static final String OTHER_MOUNTS = String.join("\n",
            "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw",
            "25 22 0:5 / /dev rw,nosuid shared:2 - devtmpfs udev rw",
            "30 22 8:1 / /boot/efi rw,relatime shared:3 - vfat /dev/sda1 rw", "");

    @BeforeEach
    void fakeSystem() throws Exception {
        sys = tmp.resolve("sys");
        proc = tmp.resolve("proc");
        Path sdb = sys.resolve("devices/pci0000:00/usb1/1-1/host6/block/sdb");
        write(sdb.resolve("size"), "62521344\n"); // 29.8 GiB
        write(sdb.resolve("device/vendor"), "SanDisk \n");
        write(sdb.resolve("device/model"), "Ultra           \n");
        write(sdb.resolve("removable"), "1\n");
        write(sdb.resolve("ro"), "0\n");
        write(sdb.resolve("dev"), "8:16\n");
        for (int i = 1; i <= 2; i++) {
            write(sdb.resolve("sdb" + i + "/partition"), i + "\n");
            write(sdb.resolve("sdb" + i + "/dev"), "8:" + (16 + i) + "\n");
        }
        Files.createDirectories(sys.resolve("dev/block"));
        Files.createSymbolicLink(sys.resolve("dev/block/8:16"), sdb);
        Files.createSymbolicLink(sys.resolve("dev/block/8:17"), sdb.resolve("sdb1"));
        Files.createSymbolicLink(sys.resolve("dev/block/8:18"), sdb.resolve("sdb2"));
        mountinfo(OTHER_MOUNTS);
        probe = BlockDevice.probe(sys, proc);
    }

    private static void write(Path f, String text) throws Exception {
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    private void mountinfo(String text) throws Exception {
        write(proc.resolve("self/mountinfo"), text);
    }

    private BlockDevice sdb() {
        return probe.inspect(Path.of("/dev/sdb"), "8:16");
    }

    @Test
    void describesAnUnusedCard() {
        BlockDevice d = sdb();
        probe.checkNotInUse(d);
        assertEquals("sdb", d.name());
        assertEquals(62521344L * 512, d.size());
        assertEquals(Map.of("sdb1", "8:17", "sdb2", "8:18"), d.partitions());
        assertEquals("/dev/sdb (sdb): SanDisk Ultra, 29.8 GiB, removable", d.describe());
    }

    @Test
    void regularFileIsNotABlockDevice() throws Exception {
        Path f = Files.writeString(tmp.resolve("disk.img"), "x");
        SkiffException e = assertThrows(SkiffException.class, () -> probe.inspectForWriting(f));
        assertTrue(e.getMessage().contains("is not a block device: it is a regular file"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dskiff.imageFile="), e.getMessage());
    }

    @Test
    void devNullIsNotABlockDevice() {
        SkiffException e = assertThrows(SkiffException.class, () -> probe.inspectForWriting(Path.of("/dev/null")));
        assertTrue(e.getMessage().contains("/dev/null is not a block device: it is a character device"), e.getMessage());
    }

    @Test
    void missingDevice() {
        SkiffException e = assertThrows(SkiffException.class, () -> probe.inspectForWriting(tmp.resolve("sdz")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void mountedPartitionIsRefused() throws Exception {
        mountinfo(OTHER_MOUNTS + "40 22 8:17 / /media/user/BOOT rw,nosuid - vfat /dev/sdb1 rw\n");
        SkiffException e = assertThrows(SkiffException.class, () -> probe.checkNotInUse(sdb()));
        assertTrue(e.getMessage().contains("/dev/sdb is mounted: /dev/sdb1 on /media/user/BOOT"), e.getMessage());
        assertTrue(e.getMessage().contains("sudo umount /dev/sdb1"), e.getMessage());
    }

    @Test
    void mountPointWithSpacesIsUnescaped() throws Exception {
        mountinfo(OTHER_MOUNTS + "40 22 8:18 / /media/user/my\\040disk rw - ext4 /dev/sdb2 rw\n");
        SkiffException e = assertThrows(SkiffException.class, () -> probe.checkNotInUse(sdb()));
        assertTrue(e.getMessage().contains("/dev/sdb2 on /media/user/my disk"), e.getMessage());
    }

    @Test
    void runningRootFileSystemIsRefused() throws Exception {
        mountinfo("22 1 8:18 / / rw,relatime shared:1 - ext4 /dev/sdb2 rw\n");
        SkiffException e = assertThrows(SkiffException.class, () -> probe.checkNotInUse(sdb()));
        assertTrue(e.getMessage().contains("holds the running root file system (/dev/sdb2 is mounted on /)"), e.getMessage());
    }

    @Test
    void rootFoundBySourceWhenTheDeviceNumberIsAnonymous() throws Exception {
        // btrfs reports an anonymous 0:NN device number; the source names the partition.
        mountinfo("22 1 0:31 /@ / rw,relatime shared:1 - btrfs /dev/sdb2 rw,subvol=/@\n");
        SkiffException e = assertThrows(SkiffException.class, () -> probe.checkNotInUse(sdb()));
        assertTrue(e.getMessage().contains("holds the running root file system"), e.getMessage());
    }

    @Test
    void partitionIsRefusedNamingTheDisk() {
        SkiffException e = assertThrows(SkiffException.class, () -> probe.inspect(Path.of("/dev/sdb1"), "8:17"));
        assertTrue(e.getMessage().contains("/dev/sdb1 is partition 1 of /dev/sdb"), e.getMessage());
        assertTrue(e.getMessage().contains("use -Dskiff.device=/dev/sdb"), e.getMessage());
    }

    @Test
    void swapIsRefused() throws Exception {
        write(proc.resolve("swaps"), "Filename Type Size Used Priority\n/dev/sdb2 partition 1048572 0 -2\n");
        SkiffException e = assertThrows(SkiffException.class, () -> probe.checkNotInUse(sdb()));
        assertTrue(e.getMessage().contains("in use as swap (/dev/sdb2)"), e.getMessage());
    }

    @Test
    void deviceMapperHolderIsRefused() throws Exception {
        Files.createDirectories(sys.resolve("dev/block/8:18/holders/dm-0"));
        SkiffException e = assertThrows(SkiffException.class, () -> probe.checkNotInUse(sdb()));
        assertTrue(e.getMessage().contains("/dev/sdb2 by dm-0"), e.getMessage());
    }

    @Test
    void readOnlyAndEmptyReadersAreRefused() throws Exception {
        Path sdb = sys.resolve("dev/block/8:16").toRealPath();
        Files.writeString(sdb.resolve("ro"), "1\n");
        assertTrue(assertThrows(SkiffException.class, () -> probe.checkNotInUse(sdb())).getMessage().contains("read-only"));
        Files.writeString(sdb.resolve("ro"), "0\n");
        Files.writeString(sdb.resolve("size"), "0\n");
        assertTrue(assertThrows(SkiffException.class, () -> probe.checkNotInUse(sdb())).getMessage().contains("no medium"));
    }

    @Test
    void unknownDeviceNumber() {
        SkiffException e = assertThrows(SkiffException.class, () -> probe.inspect(Path.of("/dev/sdq"), "65:0"));
        assertFalse(e.getMessage().isEmpty());
        assertTrue(e.getMessage().contains("65:0"), e.getMessage());
    }
}
