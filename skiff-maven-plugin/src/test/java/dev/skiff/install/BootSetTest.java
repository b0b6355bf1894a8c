package dev.skiff.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout's push: block and the boot set it selects for skiff:push. */
class BootSetTest {
    @TempDir
    Path tmp;

    private String error(String text) throws Exception {
        Path f = tmp.resolve("layout.yaml");
        Files.writeString(f, text);
        SkiffException e = assertThrows(SkiffException.class, () -> DiskLayoutParser.parse(f));
        assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
        return e.getMessage().substring(f.toString().length());
    }

    @Test
    void piPushesItsBootPartitionFilesToMntBoot() throws Exception {
        DiskLayout layout = DiskFixtures.stockLayout("pi/common");
        assertEquals("/mnt/boot", layout.push().dir());
        Path images = DiskFixtures.piImages(tmp.resolve("images"), "kernel\n");
        List<String> paths = BootSet.resolve(layout, DiskFixtures.source(images, "pi/4")).stream()
                .map(BootSet.Entry::path).sorted().toList();
        // The same places a fresh install puts them: firmware at the top, not under rpi-firmware/.
        assertTrue(paths.contains("start4.elf") && paths.contains("config.txt") && paths.contains("overlays/vc4-kms-v3d.dtbo"), paths.toString());
        assertTrue(paths.contains("Image") && paths.contains("rootfs.cpio.gz") && paths.contains("bcm2711-rpi-4-b.dtb"), paths.toString());
        assertTrue(!paths.contains("rootfs.ext2") && paths.stream().noneMatch(p -> p.startsWith("rpi-firmware")), paths.toString());
    }

    @Test
    void anAbLayoutsSetIsSlotAsPartitionFromItsTop() throws Exception {
        DiskLayout layout = DiskFixtures.stockLayout("virt/qemu");
        assertEquals(null, layout.push());
        assertEquals("/mnt/boot-a", layout.slots().orElseThrow().dirA());
        Path images = DiskFixtures.x86Images(tmp.resolve("images"), "bz\n");
        List<BootSet.Entry> set = BootSet.resolve(layout, DiskFixtures.source(images, "virt/qemu"));
        assertEquals(List.of("bzImage", "modules.squashfs", "rootfs.cpio.gz"), set.stream().map(BootSet.Entry::path).sorted().toList());
        BootSet.Entry bz = set.stream().filter(e -> e.path().equals("bzImage")).findFirst().orElseThrow();
        assertEquals(3, bz.image().size());
    }

    @Test
    void pushBlockErrorsNameTheLine() throws Exception {
        String base = String.join("\n", "table: gpt", "partitions:", "  - label: persist", "    role: persist",
                "    filesystem: ext4", "    size: rest", "push:", "");
        assertTrue(error(base + "  partition: boot\n  dir: /mnt/boot\n").startsWith(":8: push.partition: the layout has no boot partition"));
        assertTrue(error(base + "  partition: persist\n  dir: mnt/boot\n").startsWith(":9: push.dir: 'mnt/boot' must be the absolute directory"));
        assertTrue(error(base + "  partition: persist\n  from: boot\n  dir: /mnt/persist/boot\n").startsWith(":9: push.from:"));
        String m = error(base + "  partition: persist\n  dri: /mnt/boot\n");
        assertTrue(m.contains("unknown field 'dri'") && m.contains("Did you mean dir?"), m);
        assertTrue(error(base + "  partition: persist\n").contains("required field 'dir'"));
    }

    @Test
    void aLayoutWithoutPushSaysHowToAddOne() throws Exception {
        Path f = tmp.resolve("layout.yaml");
        Files.writeString(f, String.join("\n", "table: gpt", "partitions:", "  - label: persist", "    role: persist",
                "    filesystem: ext4", "    size: rest", ""));
        DiskLayout l = DiskLayoutParser.parse(f);
        assertNull(l.push());
        Path images = DiskFixtures.x86Images(tmp.resolve("images"), "bz\n");
        SkiffException e = assertThrows(SkiffException.class, () -> BootSet.resolve(l, DiskFixtures.source(images, "x/y")));
        assertTrue(e.getMessage().contains("has no push: block"), e.getMessage());
    }
}
