package dev.skiff.install;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.image.ImageSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Fake image sets and the real tools' view of the disks written from them. */
final class DiskFixtures {
    static final Tools TOOLS = Tools.system();
    static final Path STOCK = Path.of(System.getProperty("skiff.stockLayers", "../skiff-layers/src/main/layers"));
    private static volatile boolean announced;

    private DiskFixtures() {}

    /** Skips (visibly) when a disk tool is missing; CI installs them all. */
    static void assumeTools() {
        List<String> missing = new ArrayList<>();
        for (String t : List.of("sfdisk", "mkfs.vfat", "mcopy", "mdir", "mlabel", "mke2fs", "debugfs", "dumpe2fs", "e2fsck")) {
            if (TOOLS.find(t) == null) missing.add(t);
        }
        if (!missing.isEmpty() && !announced) {
            announced = true;
            System.err.println("SKIPPED: install tests need " + missing + " (apt-get install fdisk dosfstools mtools e2fsprogs)");
        }
        assumeTrue(missing.isEmpty(), "install tests need " + missing);
    }

    /** A Raspberry Pi images directory with tiny stand-ins for every file. */
    static Path piImages(Path dir, String kernel) throws IOException {
        Files.createDirectories(dir.resolve("rpi-firmware/overlays"));
        Files.writeString(dir.resolve("Image"), kernel);
        Files.writeString(dir.resolve("bcm2711-rpi-4-b.dtb"), "dtb 4b\n");
        Files.writeString(dir.resolve("bcm2711-rpi-400.dtb"), "dtb 400\n");
        Files.writeString(dir.resolve("rpi-firmware/start4.elf"), "start4\n");
        Files.writeString(dir.resolve("rpi-firmware/fixup4.dat"), "fixup4\n");
        Files.writeString(dir.resolve("rpi-firmware/config.txt"), "arm_64bit=1\nkernel=Image\ninitramfs rootfs.cpio.gz followkernel\n");
        Files.writeString(dir.resolve("rpi-firmware/cmdline.txt"), "console=serial0,115200\n");
        Files.writeString(dir.resolve("rpi-firmware/overlays/vc4-kms-v3d.dtbo"), "overlay\n");
        byte[] big = new byte[300_000];
        new java.util.Random(7).nextBytes(big);
        Files.write(dir.resolve("rootfs.cpio.gz"), big);
        Files.writeString(dir.resolve("modules.squashfs"), "squashfs\n");
        Files.writeString(dir.resolve("rootfs.ext2"), "not installed\n");
        return dir;
    }

    /** An intel/desktop (and virt/qemu) images directory. */
    static Path x86Images(Path dir, String kernel) throws IOException {
        Files.createDirectories(dir.resolve("efi-part/EFI/BOOT"));
        Files.writeString(dir.resolve("efi-part/EFI/BOOT/bootx64.efi"), "grub efi\n");
        Files.writeString(dir.resolve("efi-part/EFI/BOOT/grub.cfg"), "linux /bzImage\n");
        Files.writeString(dir.resolve("bzImage"), kernel);
        Files.writeString(dir.resolve("rootfs.cpio.gz"), "initramfs\n");
        Files.writeString(dir.resolve("microcode.cpio"), "ucode\n");
        Files.writeString(dir.resolve("modules.squashfs"), "modules\n");
        return dir;
    }

    static ImageSource source(Path images, String... chain) {
        return ImageSource.fromDirectory(images, List.of(chain));
    }

    static DiskLayout stockLayout(String layer) {
        return DiskLayoutParser.parse(STOCK.resolve(layer).resolve("layout.yaml"));
    }

    /** The stock pi/common layout shrunk to 128M (40M BOOT, 40M rootfs), for fast tests. */
    static DiskLayout smallPiLayout(Path dir) throws IOException {
        String text = Files.readString(STOCK.resolve("pi/common/layout.yaml"));
        Path f = dir.resolve("small-pi-layout.yaml");
        Files.writeString(f, text.replace("size: 4G", "size: 128M").replace("size: 1G", "size: 40M"));
        return DiskLayoutParser.parse(f);
    }

    /**
     * A stock A/B layout ({@code pi/4}, {@code intel/desktop}, {@code virt/qemu}) with every fixed
     * partition shrunk to 34M (FAT32's minimum and then some), for fast tests on a 160M disk.
     */
    static DiskLayout smallAbLayout(Path dir, String layer) throws IOException {
        String text = Files.readString(STOCK.resolve(layer).resolve("layout.yaml"));
        Path f = dir.resolve("small-" + layer.replace('/', '-') + "-layout.yaml");
        Files.writeString(f, text.replaceAll("size: \\d+G\n", "size: 160M\n").replaceAll("size: \\d+[MG]\n", "size: 34M\n")
                .replace("size: 34M\npartitions", "size: 160M\npartitions"));
        return DiskLayoutParser.parse(f);
    }

    static JsonNode sfdisk(Path img) throws IOException {
        return new ObjectMapper().readTree(TOOLS.run(List.of("sfdisk", "--json", img.toString()), null))
                .path("partitiontable");
    }

    /** Byte offset of partition {@code n} (1-based) per sfdisk. */
    static long offset(Path img, int n) throws IOException {
        return sfdisk(img).path("partitions").get(n - 1).path("start").asLong() * 512;
    }

    static long length(Path img, int n) throws IOException {
        return sfdisk(img).path("partitions").get(n - 1).path("size").asLong() * 512;
    }

    /** {@code mdir -b} of a FAT partition inside the image: one path per line. */
    static String mdir(Path img, long offset, String dir) {
        return TOOLS.run(List.of("mdir", "-b", "-/", "-i", img + "@@" + offset, "::" + dir), null);
    }

    static String mtype(Path img, long offset, String file) {
        return TOOLS.run(List.of("mcopy", "-n", "-i", img + "@@" + offset, "::" + file, "-"), null);
    }

    static String fatLabel(Path img, long offset) {
        return TOOLS.run(List.of("mlabel", "-s", "-i", img + "@@" + offset, "::"), null).trim();
    }

    static String debugfs(Path img, long offset, String command) {
        String out = TOOLS.run(List.of("debugfs", "-R", command, img + "?offset=" + offset), null);
        return out.startsWith("debugfs 1.") ? out.substring(out.indexOf('\n') + 1) : out; // the banner
    }

    static void debugfsWrite(Path img, long offset, Path local, String dest) {
        TOOLS.run(List.of("debugfs", "-w", "-R", "write " + local + " " + dest, img + "?offset=" + offset), null);
    }

    /** Bytes the file takes on disk. */
    static long allocated(Path f) {
        return Long.parseLong(TOOLS.run(List.of("stat", "-c", "%b", f.toString()), null).trim()) * 512;
    }

    static String e2label(Path img, long offset) {
        String out = TOOLS.run(List.of("dumpe2fs", "-h", img + "?offset=" + offset), null);
        return out.lines().filter(l -> l.startsWith("Filesystem volume name:")).findFirst().orElse("")
                .substring("Filesystem volume name:".length()).trim();
    }

    static void fsck(Path img, long offset, long length, Path work) throws IOException {
        Path part = work.resolve("fsck-" + offset + ".img");
        extract(img, offset, length, part);
        TOOLS.run(List.of("e2fsck", "-f", "-n", part.toString()), null);
        Files.delete(part);
    }

    static void fsckFat(Path img, long offset, long length, Path work) throws IOException {
        Path part = work.resolve("fsck-" + offset + ".vfat");
        extract(img, offset, length, part);
        TOOLS.run(List.of("fsck.vfat", "-n", part.toString()), null);
        Files.delete(part);
    }

    static void extract(Path img, long offset, long length, Path out) throws IOException {
        try (FileChannel in = FileChannel.open(img); FileChannel o = FileChannel.open(out,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            SparseCopy.copy(in, offset, length, o, 0, SparseCopy.Mode.SKIP_ZERO, DataMap.of(TOOLS, img));
            SparseCopy.setLength(o, length);
        }
    }

    static String sha256(Path f, long offset, long length) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (FileChannel ch = FileChannel.open(f)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            long done = 0;
            while (done < length) {
                b.clear().limit((int) Math.min(b.capacity(), length - done));
                int r = ch.read(b, offset + done);
                if (r < 0) throw new IOException("short");
                b.flip();
                md.update(b);
                done += r;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(Path f) throws Exception {
        return sha256(f, 0, Files.size(f));
    }
}
