package dev.skiff.ota;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fake root ({@code SKIFF_ROOT}) standing in for a Raspberry Pi 4 with A/B slots, freshly
 * installed: the base layer's real {@code skiff-slot}, {@code /etc/skiff/slots.conf} as the pi/4
 * layer ships it (slots at /mnt/boot-a and /mnt/boot-b, partitions 2 and 3, autoboot.txt on
 * /mnt/control), slot a the default and booted, slot b empty. {@link #sshd} serves it with the
 * {@code pi-firmware-reboot} model as {@code reboot} on the sessions' PATH.
 */
final class FakePiDevice {
    static final Path SKIFF_SLOT = Path.of(System.getProperty("skiff.stockLayers", "../skiff-layers/src/main/layers"),
            "base/pre/root_overlay/usr/lib/skiff/skiff-slot");

    private FakePiDevice() {}

    /** Lays out the fake root in {@code root}. */
    static void create(Path root) throws IOException {
        if (!Files.isRegularFile(SKIFF_SLOT)) throw new IllegalStateException("the base layer lacks " + SKIFF_SLOT);
        Files.createDirectories(root.resolve("usr/lib/skiff"));
        Files.copy(SKIFF_SLOT, root.resolve("usr/lib/skiff/skiff-slot"));
        write(root, "etc/skiff/slots.conf", "scheme=pi-tryboot\ndir_a=/mnt/boot-a\ndir_b=/mnt/boot-b\ncontrol=/mnt/control\n"
                + "part_a=2\npart_b=3\n"
                // A failed trial stays up for the tests to look at; the one about the fallback sets a delay.
                + "fallback_reboot=off\n");
        write(root, "mnt/control/autoboot.txt", "[all]\ntryboot_a_b=1\nboot_partition=2\n[tryboot]\nboot_partition=3\n");
        Files.createDirectories(root.resolve("proc/device-tree/chosen/bootloader"));
        Files.write(root.resolve("proc/device-tree/chosen/bootloader/partition"), new byte[] {0, 0, 0, 2});
        write(root, "proc/sys/kernel/random/boot_id", "boot-1\n");
        Files.createDirectories(root.resolve("mnt/boot-a"));
        Files.createDirectories(root.resolve("mnt/boot-b"));
        Files.createDirectories(root.resolve("test"));
    }

    /** A real sshd whose sessions see {@code root} as SKIFF_ROOT and the firmware model as reboot. */
    static TestSshd sshd(Path dir, Path root) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        try (InputStream in = FakePiDevice.class.getResourceAsStream("pi-firmware-reboot")) {
            Files.copy(in, bin.resolve("reboot"));
        }
        bin.resolve("reboot").toFile().setExecutable(true);
        return TestSshd.start(dir.resolve("sshd"), Map.of("SKIFF_ROOT", root.toString(), "PATH", bin + ":/usr/bin:/bin"));
    }

    static void write(Path root, String path, String text) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
