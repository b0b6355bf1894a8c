package dev.skiff.install;

import static dev.skiff.install.DiskFixtures.TOOLS;
import static dev.skiff.install.DiskFixtures.debugfs;
import static dev.skiff.install.DiskFixtures.mdir;
import static dev.skiff.install.DiskFixtures.mtype;
import static dev.skiff.install.DiskFixtures.offset;
import static dev.skiff.install.DiskFixtures.length;
import static dev.skiff.install.DiskFixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.SkiffException;
import dev.skiff.image.ImageBundle;
import dev.skiff.image.ImageMetadata;
import dev.skiff.image.ImageSource;
import dev.skiff.image.ImageVersions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFileInstallTest {
    static final long GIB = 1L << 30;

    @TempDir
    Path tmp;

    final List<String> log = new ArrayList<>();

    @BeforeEach
    void tools() {
        DiskFixtures.assumeTools();
    }

    private InstallResult install(ImageSource src, DiskLayout layout, Path target, boolean format, Long size) {
        return ImageFileInstall.install(new ImageFileInstall.Request(src, layout, target, format, size), TOOLS, log::add);
    }

    private Path piImages(String kernel) throws Exception {
        return DiskFixtures.piImages(tmp.resolve("images-" + kernel.strip().replace(' ', '-')), kernel);
    }

    @Test
    void piImageFileHasTheLayoutAndFiles() throws Exception {
        Path out = tmp.resolve("out/pi.img");
        DiskLayout layout = DiskFixtures.stockLayout("pi/common");
        InstallResult r = install(DiskFixtures.source(piImages("kernel 1\n"), "pi/common", "pi/4x64"), layout, out, false, null);

        assertTrue(r.formatted());
        assertEquals(4 * GIB, Files.size(out), "the layout's default size");
        assertEquals(List.of("BOOT", "rootfs", "persist"), r.rebuilt());
        assertTrue(r.bytesSkipped() > 10 * r.bytesWritten(), r.summary());
        long allocated = DiskFixtures.allocated(out);
        assertTrue(allocated < 256L << 20, "sparse: " + allocated + " bytes allocated");

        JsonNode t = DiskFixtures.sfdisk(out);
        assertEquals("dos", t.path("label").asText());
        JsonNode parts = t.path("partitions");
        assertEquals(3, parts.size());
        assertEquals(2048, parts.get(0).path("start").asLong());
        assertEquals(GIB / 512, parts.get(0).path("size").asLong());
        assertEquals("c", parts.get(0).path("type").asText());
        assertEquals(2048 + GIB / 512, parts.get(1).path("start").asLong());
        assertEquals("83", parts.get(1).path("type").asText());
        assertEquals("83", parts.get(2).path("type").asText());
        long end = parts.get(2).path("start").asLong() + parts.get(2).path("size").asLong();
        assertTrue(end <= 4 * GIB / 512 && end > 4 * GIB / 512 - 2048, "persist fills the rest: ends at " + end);

        long boot = offset(out, 1);
        assertEquals("BOOT", DiskFixtures.fatLabel(out, boot).replace("Volume label is ", "").trim());
        List<String> files = mdir(out, boot, "/").lines().map(String::strip).sorted().toList();
        assertEquals(List.of("::/Image", "::/bcm2711-rpi-4-b.dtb", "::/bcm2711-rpi-400.dtb", "::/cmdline.txt",
                "::/config.txt", "::/fixup4.dat", "::/modules.squashfs", "::/overlays/", "::/overlays/vc4-kms-v3d.dtbo",
                "::/rootfs.cpio.gz", "::/start4.elf"), files);
        assertEquals("kernel 1\n", mtype(out, boot, "/Image"));
        assertTrue(mtype(out, boot, "/config.txt").contains("initramfs rootfs.cpio.gz"));

        long rootfs = offset(out, 2);
        long persist = offset(out, 3);
        assertEquals("rootfs", DiskFixtures.e2label(out, rootfs));
        assertEquals("persist", DiskFixtures.e2label(out, persist));
        assertTrue(debugfs(out, persist, "ls -l /").contains("lost+found"));
        DiskFixtures.fsck(out, persist, length(out, 3), tmp);
        DiskFixtures.fsck(out, rootfs, length(out, 2), tmp);
        DiskFixtures.fsckFat(out, boot, length(out, 1), tmp);
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertNoLeftovers(out.getParent());
    }

    @Test
    void reinstallKeepsPersistByteForByteAndUpdatesBoot() throws Exception {
        Path out = tmp.resolve("pi.img");
        DiskLayout layout = DiskFixtures.smallPiLayout(tmp);
        install(DiskFixtures.source(piImages("kernel 1\n"), "pi/common"), layout, out, false, 192L << 20);
        assertEquals(192L << 20, Files.size(out), "skiff.imageSize");
        long persist = offset(out, 3);
        long persistLen = length(out, 3);
        Path marker = tmp.resolve("marker");
        Files.writeString(marker, "user data\n");
        DiskFixtures.debugfsWrite(out, persist, marker, "/marker");
        String before = sha256(out, persist, persistLen);

        InstallResult r = install(DiskFixtures.source(piImages("kernel 2\n"), "pi/common"), layout, out, false, null);

        assertFalse(r.formatted());
        assertEquals(List.of("BOOT", "rootfs"), r.rebuilt());
        assertEquals(List.of("persist"), r.kept());
        assertEquals(192L << 20, Files.size(out));
        assertEquals(before, sha256(out, persist, persistLen), "persist unchanged byte for byte");
        DiskFixtures.fsck(out, persist, persistLen, tmp);
        assertEquals("user data\n", debugfs(out, persist, "cat /marker"));
        assertEquals("kernel 2\n", mtype(out, offset(out, 1), "/Image"));
        assertNoLeftovers(tmp);
    }

    @Test
    void formatWipesPersist() throws Exception {
        Path out = tmp.resolve("pi.img");
        DiskLayout layout = DiskFixtures.smallPiLayout(tmp);
        ImageSource src = DiskFixtures.source(piImages("kernel 1\n"), "pi/common");
        install(src, layout, out, false, null);
        long persist = offset(out, 3);
        Path marker = tmp.resolve("marker");
        Files.writeString(marker, "user data\n");
        DiskFixtures.debugfsWrite(out, persist, marker, "/marker");
        assertTrue(debugfs(out, persist, "ls /").contains("marker"));

        InstallResult r = install(src, layout, out, true, null);

        assertTrue(r.formatted());
        assertFalse(debugfs(out, persist, "ls /").contains("marker"));
    }

    @Test
    void requiredFileMissingWritesNothing() throws Exception {
        Path images = piImages("kernel 1\n");
        Path out = tmp.resolve("pi.img");
        DiskLayout layout = DiskFixtures.smallPiLayout(tmp);
        install(DiskFixtures.source(images, "pi/common"), layout, out, false, null);
        String before = sha256(out);
        Files.delete(images.resolve("Image"));

        SkiffException e = assertThrows(SkiffException.class,
                () -> install(DiskFixtures.source(images, "pi/common"), layout, out, false, null));

        assertTrue(e.getMessage().startsWith(layout.file() + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("partition BOOT: from '{Image,zImage}' matches nothing"), e.getMessage());
        assertTrue(e.getMessage().contains("The rule is required"), e.getMessage());
        assertEquals(before, sha256(out), "the previous file stays");
        assertNoLeftovers(tmp);
    }

    @Test
    void failureMidwayLeavesThePreviousFile() throws Exception {
        Path out = tmp.resolve("pi.img");
        DiskLayout layout = DiskFixtures.smallPiLayout(tmp);
        install(DiskFixtures.source(piImages("kernel 1\n"), "pi/common"), layout, out, false, null);
        String before = sha256(out);
        Path images = piImages("kernel 2\n");
        byte[] big = new byte[48 << 20]; // more than the 40M BOOT partition holds
        new java.util.Random(3).nextBytes(big);
        Files.write(images.resolve("rootfs.cpio.gz"), big);

        SkiffException e = assertThrows(SkiffException.class,
                () -> install(DiskFixtures.source(images, "pi/common"), layout, out, false, null));

        assertTrue(e.getMessage().startsWith("mcopy "), e.getMessage());
        assertTrue(e.getMessage().contains("failed (exit"), e.getMessage());
        assertEquals(before, sha256(out), "the previous file stays");
        assertNoLeftovers(tmp);
    }

    @Test
    void missingRequiredFileSuggestsTheNearestName() throws Exception {
        Path images = tmp.resolve("images");
        Files.createDirectories(images);
        Files.writeString(images.resolve("bzImage.old"), "k");
        Path layoutFile = tmp.resolve("layout.yaml");
        Files.writeString(layoutFile, "table: gpt\nsize: 64M\npartitions:\n  - label: persist\n    role: persist\n"
                + "    filesystem: ext4\n    size: rest\n    contents:\n      - from: bzImage\n        to: /boot/\n"
                + "        required: true\n");
        Path out = tmp.resolve("x.img");
        SkiffException e = assertThrows(SkiffException.class, () -> install(DiskFixtures.source(images, "virt/qemu"),
                DiskLayoutParser.parse(layoutFile), out, false, null));
        assertTrue(e.getMessage().startsWith(layoutFile + ":9: partition persist: from 'bzImage' matches nothing"), e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean bzImage.old?"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void optionalRuleMatchingNothingWarns() throws Exception {
        Path images = piImages("k\n");
        Files.delete(images.resolve("modules.squashfs"));
        InstallResult r = install(DiskFixtures.source(images, "pi/common"), DiskFixtures.smallPiLayout(tmp),
                tmp.resolve("pi.img"), false, null);
        assertEquals(1, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).contains("from '*.squashfs' matches nothing"), r.warnings().toString());
    }

    @Test
    void fileRuleMatchingSeveralIsAnError() throws Exception {
        Path images = piImages("k\n");
        Path layoutFile = tmp.resolve("layout.yaml");
        Files.writeString(layoutFile, "table: msdos\nsize: 64M\npartitions:\n  - label: BOOT\n    role: boot\n"
                + "    filesystem: vfat\n    size: rest\n    contents:\n      - from: \"*.dtb\"\n        to: /board.dtb\n");
        SkiffException e = assertThrows(SkiffException.class, () -> install(DiskFixtures.source(images, "pi/common"),
                DiskLayoutParser.parse(layoutFile), tmp.resolve("x.img"), false, null));
        assertTrue(e.getMessage().startsWith(layoutFile + ":9: partition BOOT: to '/board.dtb' names one file, but from"
                + " '*.dtb' matches 2 entries"), e.getMessage());
    }

    @Test
    void changedImageFileIsRefused() throws Exception {
        Path images = piImages("k\n");
        ImageSource src = DiskFixtures.source(images, "pi/common");
        Files.writeString(images.resolve("Image"), "tampered\n");
        Path out = tmp.resolve("pi.img");
        SkiffException e = assertThrows(SkiffException.class,
                () -> install(src, DiskFixtures.smallPiLayout(tmp), out, false, null));
        assertTrue(e.getMessage().contains("Image changed or is damaged"), e.getMessage());
        assertFalse(Files.exists(out));
        assertNoLeftovers(tmp);
    }

    @Test
    void bundleWithWrongChecksumIsRefusedBeforeTheTargetIsTouched() throws Exception {
        Path images = piImages("kernel from bundle\n");
        Path bundle = tmp.resolve("pi.tar");
        ImageBundle.write(images, new ImageMetadata(List.of("pi/common", "pi/4x64"), List.of("pi/4"), "default", null,
                new ImageVersions("1.0", "0.1", "2026.02.3", "v1"), null, "test"), 0, bundle);
        // A good bundle installs.
        Path out = tmp.resolve("pi.img");
        try (ImageSource src = ImageSource.fromBundle(bundle, tmp.resolve("scratch"))) {
            install(src, DiskFixtures.smallPiLayout(tmp), out, false, null);
        }
        String before = sha256(out);
        // Corrupt one byte of the kernel's data inside the tar.
        byte[] tar = Files.readAllBytes(bundle);
        int at = new String(tar, StandardCharsets.ISO_8859_1).indexOf("kernel from bundle");
        tar[at] = 'K';
        Files.write(bundle, tar);

        SkiffException e = assertThrows(SkiffException.class, () -> ImageSource.fromBundle(bundle, tmp.resolve("scratch")));
        assertTrue(e.getMessage().contains("is damaged"), e.getMessage());
        assertEquals(before, sha256(out));
        Path fresh = tmp.resolve("fresh.img");
        assertThrows(SkiffException.class, () -> ImageSource.fromBundle(bundle, tmp.resolve("scratch")));
        assertFalse(Files.exists(fresh));
    }

    /**
     * intel/desktop's A/B layout: GPT, the EFI system partition with GRUB and a grubenv whose
     * default is slot a, both slots holding the same set, an empty persist; a re-install rewrites
     * the slots and the switch and keeps persist.
     */
    @Test
    void intelDesktopIsGptWithAnEspAndTwoSlots() throws Exception {
        Path out = tmp.resolve("intel.img");
        DiskLayout layout = DiskFixtures.stockLayout("intel/desktop");
        install(DiskFixtures.source(DiskFixtures.x86Images(tmp.resolve("x1"), "bz 1\n"), "intel/x64", "intel/desktop"),
                layout, out, false, 3 * GIB);

        JsonNode t = DiskFixtures.sfdisk(out);
        assertEquals("gpt", t.path("label").asText());
        JsonNode parts = t.path("partitions");
        assertEquals(4, parts.size());
        assertEquals(DiskLayoutParser.GPT_EFI, parts.get(0).path("type").asText());
        assertEquals(List.of("EFI", "BOOTA", "BOOTB", "persist"),
                List.of(0, 1, 2, 3).stream().map(i -> parts.get(i).path("name").asText()).toList());
        long esp = offset(out, 1);
        assertEquals("grub efi\n", mtype(out, esp, "/EFI/BOOT/bootx64.efi"));
        assertGrubDefault(out, esp, "slot-a");
        assertFalse(mdir(out, esp, "/").contains("::/bzImage"), "the kernels are in the slots");
        for (int slot : List.of(2, 3)) {
            long off = offset(out, slot);
            assertEquals("bz 1\n", mtype(out, off, "/bzImage"), "slot partition " + slot);
            assertEquals("ucode\n", mtype(out, off, "/microcode.cpio"), "slot partition " + slot);
            assertEquals("modules\n", mtype(out, off, "/modules.squashfs"), "slot partition " + slot);
        }
        long persist = offset(out, 4);
        assertFalse(debugfs(out, persist, "ls /").contains("boot"), "persist holds no kernels in the A/B layout");

        // Re-install: the ESP and both slots are rebuilt, user data on persist stays.
        Path marker = tmp.resolve("marker");
        Files.writeString(marker, "keep me\n");
        DiskFixtures.debugfsWrite(out, persist, marker, "/marker");
        InstallResult r = install(DiskFixtures.source(DiskFixtures.x86Images(tmp.resolve("x2"), "bz 2\n"), "intel/desktop"),
                layout, out, false, null);
        assertFalse(r.formatted());
        assertEquals(List.of("EFI", "BOOTA", "BOOTB"), r.rebuilt());
        assertEquals("bz 2\n", mtype(out, offset(out, 2), "/bzImage"));
        assertEquals("bz 2\n", mtype(out, offset(out, 3), "/bzImage"));
        assertEquals("keep me\n", debugfs(out, persist, "cat /marker"));
        DiskFixtures.fsck(out, persist, length(out, 4), tmp);
    }

    /** The grubenv on the ESP, read by GRUB's own grub-editenv when this machine has it. */
    private void assertGrubDefault(Path img, long esp, String slot) throws Exception {
        Path env = tmp.resolve("grubenv-copy");
        Files.deleteIfExists(env);
        DiskFixtures.TOOLS.run(List.of("mcopy", "-i", img + "@@" + esp, "::/EFI/BOOT/grubenv", env.toString()), null);
        assertEquals(1024, Files.size(env), "a GRUB environment block is 1024 bytes");
        String list = Files.readString(env);
        if (new java.io.File("/usr/bin/grub-editenv").canExecute()) {
            list = DiskFixtures.TOOLS.run(List.of("grub-editenv", env.toString(), "list"), null);
        } else {
            System.out.println("SKIPPED (part): grub-editenv not installed; the block is checked as text only");
        }
        assertTrue(list.contains("saved_entry=" + slot + "\n"), list);
        assertFalse(list.contains("next_entry=slot"), list);
    }

    @Test
    void qemuDiskImage() throws Exception {
        Path out = tmp.resolve("qemu.img");
        InstallResult r = install(DiskFixtures.source(DiskFixtures.x86Images(tmp.resolve("x"), "bz\n"), "virt/qemu"),
                DiskFixtures.stockLayout("virt/qemu"), out, false, null);
        assertEquals(8 * GIB, Files.size(out));
        assertEquals(List.of("EFI", "BOOTA", "BOOTB", "persist"), r.rebuilt());
        JsonNode parts = DiskFixtures.sfdisk(out).path("partitions");
        assertEquals(4, parts.size());
        assertGrubDefault(out, offset(out, 1), "slot-a");
        assertEquals("bz\n", mtype(out, offset(out, 2), "/bzImage"));
        assertEquals("bz\n", mtype(out, offset(out, 3), "/bzImage"));
        assertFalse(mdir(out, offset(out, 2), "/").contains("microcode"), "the qemu layout does not ask for it");
        assertEquals("persist", DiskFixtures.e2label(out, offset(out, 4)));
    }

    /**
     * pi/4's A/B layout: partition 1 AUTOBOOT holds autoboot.txt naming partition 2 (BOOTA) as
     * the default and 3 (BOOTB) for tryboot, and both slots hold the same set.
     */
    @Test
    void piAbLayoutWritesAutobootAndBothSlots() throws Exception {
        Path out = tmp.resolve("pi.img");
        InstallResult r = install(DiskFixtures.source(piImages("kernel 1\n"), "pi/common", "pi/4"),
                DiskFixtures.smallAbLayout(tmp, "pi/4"), out, false, null);
        assertTrue(r.formatted());
        JsonNode parts = DiskFixtures.sfdisk(out).path("partitions");
        assertEquals(4, parts.size());
        long autoboot = offset(out, 1);
        assertEquals("[all]\ntryboot_a_b=1\nboot_partition=2\n[tryboot]\nboot_partition=3\n", mtype(out, autoboot, "/autoboot.txt"));
        assertEquals(SlotSwitch.autoboot(2, 3), mtype(out, autoboot, "/autoboot.txt"));
        for (int slot : List.of(2, 3)) {
            String dir = mdir(out, offset(out, slot), "/");
            for (String f : List.of("start4.elf", "config.txt", "Image", "bcm2711-rpi-4-b.dtb", "rootfs.cpio.gz")) {
                assertTrue(dir.contains("::/" + f), "partition " + slot + ": " + f + " in " + dir);
            }
        }
        assertEquals("kernel 1\n", mtype(out, offset(out, 3), "/Image"));
    }

    @Test
    void refusesAFileThatIsNotADiskImage() throws Exception {
        Path out = tmp.resolve("notes.txt");
        Files.writeString(out, "precious");
        SkiffException e = assertThrows(SkiffException.class, () -> install(DiskFixtures.source(piImages("k\n"), "pi/common"),
                DiskFixtures.stockLayout("pi/common"), out, false, null));
        assertTrue(e.getMessage().contains("holds no partition table"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dskiff.format"), e.getMessage());
        assertEquals("precious", Files.readString(out));
    }

    @Test
    void refusesACharacterDeviceAndPointsToSkiffDevice() throws Exception {
        // What `-Dskiff.imageFile=/dev/sdb` meets: a device node. A character device reports
        // size 0, which used to count as an empty target; it was formatted and replaced by a file.
        Path node = tmp.resolve("sdb");
        makeNode(node, "c", "1", "3"); // the null device's numbers: harmless if opened
        assertEquals("character special file", fileType(node));

        SkiffException e = assertThrows(SkiffException.class, () -> install(
                DiskFixtures.source(piImages("k\n"), "pi/common"), DiskFixtures.smallPiLayout(tmp), node, false, null));

        assertTrue(e.getMessage().contains(node + " is a character device, not a disk image file"), e.getMessage());
        assertTrue(e.getMessage().contains("use -Dskiff.device=" + node + " instead"), e.getMessage());
        assertEquals("character special file", fileType(node), "the node is still there");
        assertNoLeftovers(tmp);
    }

    @Test
    void refusesABlockDevice() throws Exception {
        Path node = tmp.resolve("sdc");
        makeNode(node, "b", "7", "200"); // a loop device number; never opened
        SkiffException e = assertThrows(SkiffException.class, () -> install(
                DiskFixtures.source(piImages("k\n"), "pi/common"), DiskFixtures.smallPiLayout(tmp), node, true, null));
        assertTrue(e.getMessage().contains(node + " is a block device"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dskiff.device="), e.getMessage());
        assertEquals("block special file", fileType(node));
    }

    @Test
    void refusesAFifoAndLinksWithoutFollowingThem() throws Exception {
        ImageSource src = DiskFixtures.source(piImages("k\n"), "pi/common");
        DiskLayout layout = DiskFixtures.smallPiLayout(tmp);
        Path fifo = tmp.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        SkiffException e = assertThrows(SkiffException.class, () -> install(src, layout, fifo, false, null));
        assertTrue(e.getMessage().contains(fifo + " is a FIFO (named pipe)"), e.getMessage());
        assertEquals("fifo", fileType(fifo));

        // A link to a device: following it would find size 0 and format; the link would then be
        // replaced by a file.
        Path toNull = Files.createSymbolicLink(tmp.resolve("null.img"), Path.of("/dev/null"));
        e = assertThrows(SkiffException.class, () -> install(src, layout, toNull, false, null));
        assertTrue(e.getMessage().contains(toNull + " is a symbolic link (to /dev/null)"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dskiff.device"), e.getMessage());
        assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(toNull));

        // Even a link to a real image file: name the file itself.
        Path real = tmp.resolve("real.img");
        install(src, layout, real, false, null);
        String before = sha256(real);
        Path toReal = Files.createSymbolicLink(tmp.resolve("link.img"), real);
        e = assertThrows(SkiffException.class, () -> install(src, layout, toReal, true, null));
        assertTrue(e.getMessage().contains("name the image file itself"), e.getMessage());
        assertTrue(Files.isSymbolicLink(toReal));
        assertEquals(before, sha256(real));
        assertNoLeftovers(tmp);
    }

    /** mknod needs root (CAP_MKNOD); without it the device tests are skipped, visibly. */
    private static void makeNode(Path node, String type, String major, String minor) throws Exception {
        Process p = new ProcessBuilder("mknod", node.toString(), type, major, minor).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            System.err.println("SKIPPED: cannot create a device node with mknod (needs root): " + out.strip());
        }
        assumeTrue(Files.exists(node, java.nio.file.LinkOption.NOFOLLOW_LINKS), "mknod failed: " + out.strip());
    }

    private static String fileType(Path p) {
        return TOOLS.run(List.of("stat", "-c", "%F", p.toString()), null).strip();
    }

    @Test
    void refusesATableThatDoesNotMatchTheLayout() throws Exception {
        Path out = tmp.resolve("qemu.img");
        install(DiskFixtures.source(DiskFixtures.x86Images(tmp.resolve("x"), "bz\n"), "virt/qemu"),
                DiskFixtures.smallAbLayout(tmp, "virt/qemu"), out, false, null);
        String before = sha256(out);
        SkiffException e = assertThrows(SkiffException.class, () -> install(DiskFixtures.source(piImages("k\n"), "pi/common"),
                DiskFixtures.smallPiLayout(tmp), out, false, null));
        assertTrue(e.getMessage().contains("does not match the layout"), e.getMessage());
        assertTrue(e.getMessage().contains("the target has a gpt table, the layout wants dos"), e.getMessage());
        assertEquals(before, sha256(out));
    }

    @Test
    void tooSmallForTheLayout() throws Exception {
        SkiffException e = assertThrows(SkiffException.class, () -> install(DiskFixtures.source(piImages("k\n"), "pi/common"),
                DiskFixtures.stockLayout("pi/common"), tmp.resolve("small.img"), false, 1 * GIB));
        assertTrue(e.getMessage().contains("too small for the layout"), e.getMessage());
        assertTrue(e.getMessage().contains("needs at least 2.0 GiB"), e.getMessage());
    }

    @Test
    void bootloaderIsWrittenAtItsOffset() throws Exception {
        Path images = piImages("k\n");
        Files.write(images.resolve("u-boot.bin"), "UBOOT".repeat(1000).getBytes(StandardCharsets.US_ASCII));
        Path layoutFile = tmp.resolve("layout.yaml");
        Files.writeString(layoutFile, "table: msdos\nsize: 64M\npartitions:\n  - label: BOOT\n    role: boot\n"
                + "    filesystem: vfat\n    size: rest\nbootloader:\n  - file: u-boot.bin\n    offset: 8K\n");
        Path out = tmp.resolve("sunxi.img");
        install(DiskFixtures.source(images, "pi/common"), DiskLayoutParser.parse(layoutFile), out, false, null);
        byte[] disk = Files.readAllBytes(out);
        assertEquals("UBOOTUBOOT", new String(disk, 8192, 10, StandardCharsets.US_ASCII));
        assertEquals(0x55, disk[510] & 0xff, "the MBR is intact");
        assertEquals(1, DiskFixtures.sfdisk(out).path("partitions").size());

        Files.write(images.resolve("u-boot.bin"), new byte[2 << 20]);
        SkiffException e = assertThrows(SkiffException.class, () -> install(DiskFixtures.source(images, "pi/common"),
                DiskLayoutParser.parse(layoutFile), out, false, null));
        assertTrue(e.getMessage().startsWith(layoutFile + ":9: bootloader file u-boot.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("runs into the first partition"), e.getMessage());
    }

    @Test
    void missingToolNamesTheDebianPackage() {
        Tools none = new Tools(java.util.Map.of("PATH", tmp.toString()));
        SkiffException e = assertThrows(SkiffException.class, () -> ImageFileInstall.install(new ImageFileInstall.Request(
                DiskFixtures.source(piImages("k\n"), "pi/common"), DiskFixtures.stockLayout("pi/common"),
                tmp.resolve("x.img"), false, null), none, log::add));
        assertTrue(e.getMessage().contains("needs sfdisk, mkfs.vfat, mcopy, mke2fs, debugfs"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install fdisk dosfstools mtools e2fsprogs"), e.getMessage());
    }

    private static void assertNoLeftovers(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> hidden = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertEquals(List.of(), hidden, "temporary files left in " + dir);
        }
    }
}
