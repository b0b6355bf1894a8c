package dev.skiff.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskLayoutParserTest {
    @TempDir
    Path tmp;

    static final String VALID = String.join("\n",
            "table: msdos",                     // 1
            "size: 2G",                         // 2
            "partitions:",                      // 3
            "  - label: BOOT",                  // 4
            "    role: boot",                   // 5
            "    filesystem: vfat",             // 6
            "    size: 256M",                   // 7
            "    contents:",                    // 8
            "      - from: \"*.dtb\"",          // 9
            "        to: /",                    // 10
            "      - from: rpi-firmware/",      // 11
            "      - from: bzImage",            // 12
            "        to: /boot/bzImage",        // 13
            "        required: true",           // 14
            "  - label: rootfs",                // 15
            "    role: rootfs",                 // 16
            "    filesystem: ext4",             // 17
            "    size: 1G",                     // 18
            "  - label: persist",               // 19
            "    role: persist",                // 20
            "    filesystem: ext4",             // 21
            "    size: rest",                   // 22
            "bootloader:",                      // 23
            "  - file: u-boot.bin",             // 24
            "    offset: 8K",                   // 25
            "");

    private Path write(String text) throws Exception {
        Path f = tmp.resolve("layout.yaml");
        Files.writeString(f, text);
        return f;
    }

    /** The error for {@code text}, after the file name: ":line: field: message". */
    private String error(String text) throws Exception {
        Path f = write(text);
        SkiffException e = assertThrows(SkiffException.class, () -> DiskLayoutParser.parse(f));
        assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
        return e.getMessage().substring(f.toString().length());
    }

    private static String replace(String text, String from, String to) {
        assertTrue(text.contains(from), from);
        return text.replace(from, to);
    }

    @Test
    void parsesAValidLayout() throws Exception {
        DiskLayout l = DiskLayoutParser.parse(write(VALID));
        assertEquals(DiskLayout.Table.MSDOS, l.table());
        assertEquals(2L << 30, l.size());
        assertEquals(3, l.partitions().size());
        Partition boot = l.partitions().get(0);
        assertEquals("BOOT", boot.label());
        assertEquals(Partition.Role.BOOT, boot.role());
        assertEquals(Partition.Filesystem.VFAT, boot.filesystem());
        assertEquals(256L << 20, boot.size());
        assertEquals("c", boot.type());
        assertEquals(4, boot.line());
        assertEquals(List.of("*.dtb", "rpi-firmware/", "bzImage"), boot.contents().stream().map(ContentRule::from).toList());
        ContentRule kernel = boot.contents().get(2);
        assertEquals("/boot/bzImage", kernel.to());
        assertTrue(kernel.required());
        assertFalse(kernel.intoDirectory());
        assertEquals(12, kernel.line());
        assertEquals("/", boot.contents().get(1).to(), "to defaults to /");
        assertTrue(boot.contents().get(1).intoDirectory());
        assertFalse(boot.contents().get(0).required(), "required defaults to false");
        assertEquals("83", l.partitions().get(1).type());
        assertNull(l.partitions().get(2).size(), "rest");
        assertEquals(List.of(new BootloaderWrite("u-boot.bin", 8192, 24)), l.bootloader());
    }

    @Test
    void gptTypesAndShorthands() throws Exception {
        String gpt = replace(VALID, "table: msdos", "table: gpt");
        gpt = replace(gpt, "    filesystem: vfat\n", "    filesystem: vfat\n    type: efi\n");
        gpt = replace(gpt, "bootloader:\n  - file: u-boot.bin\n    offset: 8K\n", "");
        DiskLayout l = DiskLayoutParser.parse(write(gpt));
        assertEquals(DiskLayoutParser.GPT_EFI, l.partitions().get(0).type());
        assertEquals(DiskLayoutParser.GPT_LINUX, l.partitions().get(1).type());
        String msdosEfi = replace(VALID, "    filesystem: vfat\n", "    filesystem: vfat\n    type: 0xEF\n");
        assertEquals("ef", DiskLayoutParser.parse(write(msdosEfi)).partitions().get(0).type());
    }

    @Test
    void sizes() {
        assertEquals(512, DiskLayoutParser.parseSize("512"));
        assertEquals(8192, DiskLayoutParser.parseSize("8K"));
        assertEquals(256L << 20, DiskLayoutParser.parseSize("256MiB"));
        assertEquals(3L << 30, DiskLayoutParser.parseSize("3g"));
        assertEquals(1L << 40, DiskLayoutParser.parseSize("1T"));
        assertEquals(-1, DiskLayoutParser.parseSize("12XB"));
        assertEquals(-1, DiskLayoutParser.parseSize("1.5G"));
        assertEquals(-1, DiskLayoutParser.parseSize("-1M"));
    }

    @Test
    void invalidYamlNamesTheLine() throws Exception {
        String e = error("table: msdos\npartitions:\n  - label: [BOOT\n");
        assertTrue(e.startsWith(":4: invalid YAML") || e.startsWith(":3: invalid YAML"), e);
    }

    @Test
    void emptyFile() throws Exception {
        assertTrue(error("# nothing\n").contains("empty disk layout"));
    }

    @Test
    void unknownTopLevelFieldWithSuggestion() throws Exception {
        String e = error(replace(VALID, "table: msdos", "tabel: msdos"));
        assertTrue(e.startsWith(":1: layout.tabel: unknown field 'tabel'. Did you mean table?"), e);
    }

    @Test
    void unknownPartitionFieldWithSuggestion() throws Exception {
        String e = error(replace(VALID, "    filesystem: ext4\n    size: 1G", "    filesytem: ext4\n    size: 1G"));
        assertTrue(e.startsWith(":17: partitions[1].filesytem: unknown field 'filesytem'. Did you mean filesystem?"), e);
    }

    @Test
    void unknownContentFieldWithSuggestion() throws Exception {
        String e = error(replace(VALID, "        required: true", "        requird: true"));
        assertTrue(e.startsWith(":14: partitions[0].contents[2].requird: unknown field 'requird'. Did you mean required?"), e);
    }

    @Test
    void unknownBootloaderFieldWithSuggestion() throws Exception {
        String e = error(replace(VALID, "    offset: 8K", "    ofset: 8K"));
        assertTrue(e.startsWith(":25: bootloader[0].ofset: unknown field 'ofset'. Did you mean offset?"), e);
    }

    @Test
    void badSize() throws Exception {
        String e = error(replace(VALID, "size: 256M", "size: 12XB"));
        assertTrue(e.startsWith(":7: partitions[0].size: '12XB' is not a size."), e);
        assertTrue(e.contains("such as 12M or 12G"), e);
    }

    @Test
    void sizeNotWholeMib() throws Exception {
        String e = error(replace(VALID, "size: 1G", "size: 1500K"));
        assertTrue(e.startsWith(":18: partitions[1].size: '1500K' is not a whole number of MiB"), e);
        assertTrue(e.contains("Use 1M or 2M"), e);
    }

    @Test
    void twoPersistPartitions() throws Exception {
        String e = error(replace(VALID, "    role: rootfs", "    role: persist"));
        assertTrue(e.startsWith(":20: partitions[2].role: a second persist partition (persist); the first is rootfs at line 15."), e);
    }

    @Test
    void unknownRoleWithSuggestion() throws Exception {
        String e = error(replace(VALID, "    role: rootfs", "    role: rootf"));
        assertTrue(e.startsWith(":16: partitions[1].role: 'rootf' is not one of boot, boot-b, loader, rootfs, persist. Did you mean rootfs"), e);
    }

    @Test
    void unknownFilesystemWithSuggestion() throws Exception {
        String e = error(replace(VALID, "    filesystem: ext4\n    size: 1G", "    filesystem: ext3\n    size: 1G"));
        assertTrue(e.startsWith(":17: partitions[1].filesystem: 'ext3' is not one of vfat, ext4. Did you mean ext4?"), e);
    }

    @Test
    void unknownTable() throws Exception {
        String e = error(replace(VALID, "table: msdos", "table: mbr"));
        assertTrue(e.startsWith(":1: table: 'mbr' is not one of msdos, gpt."), e);
    }

    @Test
    void restMustBeLast() throws Exception {
        String e = error(replace(VALID, "size: 1G", "size: rest"));
        assertTrue(e.startsWith(":18: partitions[1].size: 'rest' fills the disk, so it must be the last partition, but rootfs is followed by persist (line 19)."), e);
    }

    @Test
    void restOnlyForPartitions() throws Exception {
        String e = error(replace(VALID, "size: 2G", "size: rest"));
        assertTrue(e.startsWith(":2: size: 'rest' only applies to the size of the last partition"), e);
    }

    @Test
    void missingRequiredField() throws Exception {
        String e = error(replace(VALID, "    role: boot\n", ""));
        assertTrue(e.startsWith(":4: partitions[0]: is missing the required field 'role'."), e);
        assertTrue(error(replace(VALID, "table: msdos\n", "")).contains("is missing the required field 'table'"));
    }

    @Test
    void wrongShape() throws Exception {
        String e = error(replace(VALID, "partitions:\n", "partitions: BOOT\nx:\n"));
        assertTrue(e.contains("unknown field 'x'") || e.contains("expected a list"), e);
        String e2 = error("table: msdos\npartitions: BOOT\n");
        assertTrue(e2.startsWith(":2: partitions: expected a list (lines starting with '- '), found a single value."), e2);
    }

    @Test
    void fatLabelRules() throws Exception {
        String e = error(replace(VALID, "label: BOOT", "label: boot"));
        assertTrue(e.startsWith(":4: partitions[0].label: 'boot' is not a usable FAT label"), e);
        assertTrue(e.contains("Use 'BOOT'."), e);
        String e2 = error(replace(VALID, "label: BOOT", "label: RASPBERRYPIBOOT"));
        assertTrue(e2.contains("Use 'RASPBERRYPI'."), e2);
    }

    @Test
    void ext4LabelRules() throws Exception {
        String e = error(replace(VALID, "label: persist", "label: persistent-storage-01"));
        assertTrue(e.startsWith(":19: partitions[2].label: 'persistent-storage-01' is not a usable ext4 label"), e);
    }

    @Test
    void duplicateLabels() throws Exception {
        String e = error(replace(VALID, "label: persist", "label: rootfs"));
        assertTrue(e.startsWith(":19: partitions[2].label: label 'rootfs' is already used by the partition at line 15"), e);
    }

    @Test
    void fat32Minimum() throws Exception {
        String e = error(replace(VALID, "size: 256M", "size: 16M"));
        assertTrue(e.startsWith(":7: partitions[0].size: vfat partitions are FAT32, which needs at least 33M"), e);
    }

    @Test
    void msdosHoldsFourPartitions() throws Exception {
        String extra = "  - label: a\n    role: boot\n    filesystem: ext4\n    size: 1M\n";
        String text = VALID.replace("  - label: persist", extra.replace("a\n", "x1\n").replace("boot", "rootfs")
                + "  - label: persist");
        String e = error(text.replace("  - label: rootfs\n    role: rootfs\n    filesystem: ext4\n    size: 1G\n",
                "  - label: y1\n    role: rootfs\n    filesystem: ext4\n    size: 1G\n  - label: z1\n    role: rootfs\n    filesystem: ext4\n    size: 1G\n"));
        assertTrue(e.contains("an msdos table holds at most 4 partitions, this layout has 5. Use table: gpt."), e);
    }

    @Test
    void emptyPartitionList() throws Exception {
        assertTrue(error("table: gpt\npartitions: []\n").startsWith(":2: partitions: the list is empty"));
    }

    @Test
    void unknownTypeWithSuggestion() throws Exception {
        String e = error(replace(VALID, "    filesystem: vfat\n", "    filesystem: vfat\n    type: ef1\n"));
        assertTrue(e.startsWith(":7: partitions[0].type: unknown partition type 'ef1'"), e);
        assertTrue(e.contains("Did you mean efi?"), e);
        String guid = error(replace(VALID, "    filesystem: vfat\n", "    filesystem: vfat\n    type: " + DiskLayoutParser.GPT_EFI + "\n"));
        assertTrue(guid.contains("GUIDs apply to gpt tables only"), guid);
    }

    @Test
    void contentPathsStayInside() throws Exception {
        String e = error(replace(VALID, "from: bzImage", "from: ../bzImage"));
        assertTrue(e.startsWith(":12: partitions[0].contents[2].from: '../bzImage' must be relative"), e);
        String e2 = error(replace(VALID, "to: /boot/bzImage", "to: boot/bzImage"));
        assertTrue(e2.startsWith(":13: partitions[0].contents[2].to: 'boot/bzImage' must be an absolute path"), e2);
        String e3 = error(replace(VALID, "from: rpi-firmware/", "from: \"rpi-*/\""));
        assertTrue(e3.contains("cannot be a glob"), e3);
        String e4 = error(replace(VALID, "from: \"*.dtb\"", "from: \"{a,b\""));
        assertTrue(e4.startsWith(":9: partitions[0].contents[0].from: '{a,b' is not a valid glob"), e4);
    }

    @Test
    void requiredIsBoolean() throws Exception {
        String e = error(replace(VALID, "required: true", "required: yes please"));
        assertTrue(e.startsWith(":14: partitions[0].contents[2].required: expected true or false, found 'yes please'."), e);
    }

    @Test
    void sizesPastWhatTheTableAddressesAreRefusedExactly() throws Exception {
        // 8796093022207M is just under 2^63 bytes: it fits a long, and the partition plan's sums
        // used to wrap around to a negative start.
        String e = error(replace(VALID, "size: 1G", "size: 8796093022207M"));
        assertTrue(e.startsWith(":18: partitions[1].size: 8796093022207M starting at 257 MiB ends past what msdos addresses (2 TiB)."
                + " Use size: 2096895M or less, or table: gpt."), e);
        String gpt = replace(replace(VALID, "table: msdos", "table: gpt"), "bootloader:\n  - file: u-boot.bin\n    offset: 8K\n", "");
        e = error(replace(gpt, "size: 1G", "size: 8796093022207M"));
        assertTrue(e.startsWith(":18: partitions[1].size: 8796093022207M starting at 257 MiB ends past what gpt addresses (4194304 TiB)."
                + " Use size: 4398046510847M or less."), e);
        e = error(replace(VALID, "size: 2G", "size: 3T"));
        assertTrue(e.startsWith(":2: size: 3T is more than msdos addresses (2 TiB). Use size: 2T or less, or table: gpt."), e);
        // What the tables do address still parses: 3T on GPT, 2T on msdos.
        assertEquals(3L << 40, DiskLayoutParser.parse(write(replace(gpt, "size: 2G", "size: 3T"))).size());
        assertEquals(2L << 40, DiskLayoutParser.parse(write(replace(VALID, "size: 2G", "size: 2T"))).size());
    }

    @Test
    void layoutSizeMustHoldThePartitions() throws Exception {
        String e = error(replace(VALID, "size: 2G", "size: 1G"));
        assertTrue(e.startsWith(":2: size: 1 GiB is too small for the partitions"), e);
    }

    @Test
    void bootloaderOffsetRules() throws Exception {
        assertTrue(error(replace(VALID, "offset: 8K", "offset: 100")).contains("100 bytes is not a multiple of 512"));
        assertTrue(error(replace(VALID, "offset: 8K", "offset: 0")).contains("must lie between the partition table"));
        assertTrue(error(replace(VALID, "offset: 8K", "offset: 2M")).contains("must lie between the partition table"));
        String gpt = replace(replace(VALID, "table: msdos", "table: gpt"), "offset: 8K", "offset: 8K");
        String e = error(gpt);
        assertTrue(e.startsWith(":25: bootloader[0].offset: must lie between the partition table (which ends at 17408 bytes on gpt)"), e);
        assertTrue(error(replace(VALID, "file: u-boot.bin", "file: /boot/u-boot.bin")).contains("must name a file relative"));
    }

    @Test
    void duplicateKey() throws Exception {
        String e = error(replace(VALID, "size: 2G", "size: 2G\nsize: 3G"));
        assertTrue(e.startsWith(":3: layout.size: is defined twice."), e);
    }

    private static List<String> rules(Partition p) {
        return p.contents().stream().map(c -> c.from() + " -> " + c.to() + (c.required() ? " (required)" : "")).toList();
    }

    @Test
    void shippedLayoutsParse() {
        Path stock = Path.of(System.getProperty("skiff.stockLayers", "../skiff-layers/src/main/layers"));
        DiskLayout pi = DiskLayoutParser.parse(stock.resolve("pi/common/layout.yaml"));
        assertEquals(DiskLayout.Table.MSDOS, pi.table());
        assertEquals(List.of("BOOT", "rootfs", "persist"), pi.partitions().stream().map(Partition::label).toList());
        assertEquals(Partition.Filesystem.VFAT, pi.partitions().get(0).filesystem());
        assertTrue(pi.slots().isEmpty(), "pi/common serves the Pi 0-3 too, which have no tryboot");
        for (String board : List.of("intel/desktop", "virt/qemu")) {
            DiskLayout l = DiskLayoutParser.parse(stock.resolve(board + "/layout.yaml"));
            assertEquals(DiskLayout.Table.GPT, l.table(), board);
            assertEquals(List.of("EFI", "BOOTA", "BOOTB", "persist"), l.partitions().stream().map(Partition::label).toList(), board);
            assertEquals(DiskLayoutParser.GPT_EFI, l.partitions().get(0).type(), board);
            assertEquals(Partition.Role.LOADER, l.partitions().get(0).role(), board);
            assertEquals(new SlotLayout("grub", "BOOTA", "BOOTB", "/mnt/boot-a", "/mnt/boot-b"), l.slots().orElseThrow(), board);
            assertEquals(l.partitions().get(1).contents(), l.partitions().get(2).contents(), board + ": slot b is a copy of slot a");
            assertTrue(l.partitions().get(3).contents().isEmpty(), board + ": the slots hold the kernels, persist none");
        }
        for (String board : List.of("pi/4", "pi/5")) {
            DiskLayout l = DiskLayoutParser.parse(stock.resolve(board + "/layout.yaml"));
            assertEquals(DiskLayout.Table.MSDOS, l.table(), board);
            assertEquals(List.of("AUTOBOOT", "BOOTA", "BOOTB", "persist"), l.partitions().stream().map(Partition::label).toList(), board);
            assertEquals(new SlotLayout("pi-tryboot", "BOOTA", "BOOTB", "/mnt/boot-a", "/mnt/boot-b"), l.slots().orElseThrow(), board);
            assertEquals(rules(pi.partitions().get(0)), rules(l.partitions().get(1)), board + ": slot a holds what pi/common's BOOT does");
        }
    }

    static final String AB = String.join("\n",
            "table: msdos",                     // 1
            "partitions:",                      // 2
            "  - label: AUTOBOOT",              // 3
            "    role: loader",                 // 4
            "    filesystem: vfat",             // 5
            "    size: 64M",                    // 6
            "  - label: BOOTA",                 // 7
            "    role: boot",                   // 8
            "    filesystem: vfat",             // 9
            "    size: 256M",                   // 10
            "    contents:",                    // 11
            "      - from: Image",              // 12
            "  - label: BOOTB",                 // 13
            "    role: boot-b",                 // 14
            "    filesystem: vfat",             // 15
            "    size: 256M",                   // 16
            "  - label: persist",               // 17
            "    role: persist",                // 18
            "    filesystem: ext4",             // 19
            "    size: rest",                   // 20
            "slots:",                           // 21
            "  scheme: pi-tryboot",             // 22
            "  a: BOOTA",                       // 23
            "  b: BOOTB",                       // 24
            "  dirs: {a: /mnt/boot-a, b: /mnt/boot-b}", // 25
            "");

    @Test
    void parsesSlots() throws Exception {
        DiskLayout l = DiskLayoutParser.parse(write(AB));
        assertEquals(new SlotLayout("pi-tryboot", "BOOTA", "BOOTB", "/mnt/boot-a", "/mnt/boot-b"), l.slots().orElseThrow());
        assertEquals(List.of("Image"), l.partition(Partition.Role.BOOT_B).orElseThrow().contents().stream().map(ContentRule::from).toList(),
                "slot b without rules of its own gets slot a's");
        assertEquals(3, l.number(l.partition(Partition.Role.BOOT_B).orElseThrow()));
        assertTrue(DiskLayoutParser.parse(write(VALID)).slots().isEmpty());
    }

    @Test
    void unknownSchemeNamesTheNearest() throws Exception {
        String e = error(replace(AB, "scheme: pi-tryboot", "scheme: pi-tryboo"));
        assertTrue(e.startsWith(":22: slots.scheme: 'pi-tryboo' is not one of pi-tryboot, grub. Did you mean pi-tryboot"), e);
        e = error(replace(AB, "scheme: pi-tryboot", "scheme: systemd-boot"));
        assertTrue(e.startsWith(":22: slots.scheme: 'systemd-boot' is not one of pi-tryboot, grub."), e);
    }

    @Test
    void unknownSlotsFieldNamesTheNearest() throws Exception {
        String e = error(replace(AB, "  dirs:", "  dir:"));
        assertTrue(e.startsWith(":25: slots.dir: unknown field 'dir'. Did you mean dirs"), e);
    }

    @Test
    void slotLabelMustNameAPartition() throws Exception {
        String e = error(replace(AB, "  b: BOOTB", "  b: BOOTC"));
        assertTrue(e.startsWith(":24: slots.b: no partition is labelled 'BOOTC'; the labels are AUTOBOOT, BOOTA, BOOTB, persist."), e);
        assertTrue(e.contains("Did you mean BOOTA, BOOTB?"), e);
    }

    @Test
    void missingSlotLabel() throws Exception {
        String e = error(replace(AB, "  b: BOOTB\n", ""));
        assertTrue(e.startsWith(":22: slots: is missing the required field 'b'."), e);
    }

    @Test
    void slotPartitionsNeedTheirRoles() throws Exception {
        String e = error(replace(AB, "  a: BOOTA", "  a: BOOTB"));
        assertTrue(e.startsWith(":23: slots.a: partition BOOTB (line 13) has role boot-b; slot a must be the partition with role boot."), e);
    }

    @Test
    void abRolesNeedASlotsBlock() throws Exception {
        String e = error(AB.substring(0, AB.indexOf("slots:")));
        assertTrue(e.startsWith(":14: partitions[2].role: role boot-b (BOOTB) belongs to an A/B layout, but the layout has no slots: block."), e);
    }

    @Test
    void slotsNeedALoaderPartitionFirstForTryboot() throws Exception {
        String e = error(replace(AB, "    role: loader", "    role: rootfs"));
        assertTrue(e.startsWith(":22: slots: an A/B layout needs a partition with role loader"), e);
        String moved = replace(replace(AB, "  - label: AUTOBOOT\n    role: loader\n    filesystem: vfat\n    size: 64M\n", ""),
                "    size: 256M\n  - label: persist", "    size: 256M\n  - label: AUTOBOOT\n    role: loader\n    filesystem: vfat\n    size: 64M\n  - label: persist");
        e = error(moved);
        assertTrue(e.contains("partitions[2].role: with scheme pi-tryboot the loader partition (AUTOBOOT) must be the first partition"), e);
        // GRUB finds the slots by label: the ESP may sit anywhere.
        assertTrue(DiskLayoutParser.parse(write(replace(moved, "scheme: pi-tryboot", "scheme: grub"))).slots().isPresent());
    }

    @Test
    void tryBootSlotsAreFat() throws Exception {
        String e = error(replace(AB, "    role: boot-b\n    filesystem: vfat", "    role: boot-b\n    filesystem: ext4"));
        assertTrue(e.startsWith(":15: partitions[2].filesystem: slot partition BOOTB must be vfat"), e);
        e = error(replace(AB, "    role: loader\n    filesystem: vfat", "    role: loader\n    filesystem: ext4"));
        assertTrue(e.startsWith(":5: partitions[0].filesystem: the loader partition AUTOBOOT must be vfat"), e);
    }

    @Test
    void slotBHoldsWhatSlotAHolds() throws Exception {
        String e = error(replace(AB, "    role: boot-b\n    filesystem: vfat\n    size: 256M", "    role: boot-b\n    filesystem: vfat\n    size: 128M"));
        assertTrue(e.startsWith(":24: slots.b: slot b (BOOTB, 128 MiB) is smaller than slot a (BOOTA, 256 MiB)"), e);
    }

    @Test
    void slotDirsAreAbsoluteAndDistinct() throws Exception {
        String e = error(replace(AB, "b: /mnt/boot-b}", "b: /mnt/boot-a}"));
        assertTrue(e.startsWith(":25: slots.dirs.b: '/mnt/boot-a' is slot a's directory too"), e);
        e = error(replace(AB, "{a: /mnt/boot-a,", "{a: mnt/boot-a,"));
        assertTrue(e.startsWith(":25: slots.dirs.a: 'mnt/boot-a' must be the absolute directory where the device mounts slot a"), e);
        e = error(replace(AB, "  dirs: {a: /mnt/boot-a, b: /mnt/boot-b}", "  dirs: {a: /mnt/boot-a}"));
        assertTrue(e.startsWith(":25: slots.dirs: is missing the required field 'b'."), e);
    }
}
