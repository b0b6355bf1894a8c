package dev.skiff.install;

import dev.skiff.NearestNames;
import dev.skiff.SkiffException;
import dev.skiff.YamlReader;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a {@code layout.yaml} strictly (format: {@link DiskLayout}), from snakeyaml's node tree
 * so every error names the file and line: an unknown field (with the nearest valid one), a size
 * such as {@code 12XB}, an unknown role, file system or type, two partitions with one role, a
 * {@code rest} size that is not last, a FAT label that would not work, a path leaving its root.
 */
public final class DiskLayoutParser extends YamlReader {
    static final Set<String> TOP = ordered("table", "size", "partitions", "bootloader", "push", "slots");
    static final Set<String> SLOTS = ordered("scheme", "a", "b", "dirs");
    static final Set<String> SLOT_DIRS = ordered("a", "b");
    static final Set<String> SCHEMES = ordered(SlotLayout.PI_TRYBOOT, SlotLayout.GRUB);
    static final Set<String> PUSH = ordered("partition", "from", "dir");
    static final Set<String> PARTITION = ordered("label", "role", "filesystem", "size", "type", "contents");
    static final Set<String> CONTENT = ordered("from", "to", "required");
    static final Set<String> BOOTLOADER = ordered("file", "offset");
    static final Set<String> TABLES = ordered("msdos", "gpt");
    static final Set<String> ROLES = ordered("boot", "boot-b", "loader", "rootfs", "persist");
    static final Set<String> FILESYSTEMS = ordered("vfat", "ext4");
    static final Set<String> TYPE_NAMES = ordered("efi", "linux", "fat32");

    static final String GPT_EFI = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    static final String GPT_LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    static final String GPT_BASIC_DATA = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7";

    /** FAT32 needs 65525 clusters; mkfs.vfat warns below this size. */
    static final long VFAT_MINIMUM = 33 * PartitionTable.MIB;
    static final int MSDOS_MAX_PARTITIONS = 4;

    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*(?:([KMGTkmgt])(?:i?B)?)?");
    private static final Pattern GUID = Pattern.compile("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");
    private static final Pattern MBR_ID = Pattern.compile("(?:0x)?([0-9A-Fa-f]{1,2})");
    private static final Pattern VFAT_LABEL = Pattern.compile("[A-Z0-9_-]{1,11}");
    private static final Pattern EXT4_LABEL = Pattern.compile("[A-Za-z0-9_.-]{1,16}");

    private DiskLayoutParser(Path file) {
        super(file);
    }

    private static Set<String> ordered(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    /** Parses and checks {@code file}. */
    public static DiskLayout parse(Path file) {
        Node root = compose(file, "disk layout");
        return new DiskLayoutParser(file).layout(root);
    }

    private DiskLayout layout(Node root) {
        if (root == null) {
            throw new SkiffException(file + ":1: empty disk layout; expected table, partitions and optionally size"
                    + " and bootloader (see the comment at the top of a stock layout.yaml).");
        }
        Map<String, Node> top = fields(root, "layout", TOP);
        DiskLayout.Table table = DiskLayout.Table.valueOf(
                trimmedOneOf(requiredNode(top, "table", "layout", root), "table", TABLES).toUpperCase(Locale.ROOT));
        Long size = top.containsKey("size") ? wholeMib(top.get("size"), "size", false) : null;

        List<Node> partNodes = list(requiredNode(top, "partitions", "layout", root), "partitions");
        if (partNodes.isEmpty()) throw error(top.get("partitions"), "partitions", "the list is empty; give at least one partition.");
        if (table == DiskLayout.Table.MSDOS && partNodes.size() > MSDOS_MAX_PARTITIONS) {
            throw error(partNodes.get(MSDOS_MAX_PARTITIONS), "partitions", "an msdos table holds at most "
                    + MSDOS_MAX_PARTITIONS + " partitions, this layout has " + partNodes.size() + ". Use table: gpt.");
        }
        List<Partition> partitions = new ArrayList<>();
        long end = PartitionTable.FIRST_PARTITION; // where the next partition starts, exactly
        Map<Partition.Role, Partition> byRole = new EnumMap<>(Partition.Role.class);
        Map<String, Partition> byLabel = new HashMap<>();
        for (int i = 0; i < partNodes.size(); i++) {
            Node n = partNodes.get(i);
            Partition p = partition(n, "partitions[" + i + "]", table);
            Partition sameRole = byRole.putIfAbsent(p.role(), p);
            if (sameRole != null) {
                throw error(fields(n, "partitions[" + i + "]", PARTITION).get("role"), "partitions[" + i + "].role", "a second " + p.role().yamlName() + " partition ("
                        + p.label() + "); the first is " + sameRole.label() + " at line " + sameRole.line()
                        + ". Each role (" + String.join(", ", ROLES) + ") appears at most once.");
            }
            Partition sameLabel = byLabel.putIfAbsent(p.label().toLowerCase(Locale.ROOT), p);
            if (sameLabel != null) {
                throw error(fields(n, "partitions[" + i + "]", PARTITION).get("label"), "partitions[" + i + "].label", "label '" + p.label() + "' is already used by the partition at line "
                        + sameLabel.line() + "; labels must differ (mounting by label would be ambiguous).");
            }
            if (!partitions.isEmpty() && partitions.get(partitions.size() - 1).size() == null) {
                Partition rest = partitions.get(partitions.size() - 1);
                throw error(fields(partNodes.get(i - 1), "partitions[" + (i - 1) + "]", PARTITION).get("size"),
                        "partitions[" + (i - 1) + "].size", "'rest' fills the disk, so it must be the last partition, but "
                        + rest.label() + " is followed by " + p.label() + " (line " + p.line() + "). Give "
                        + rest.label() + " a fixed size or move it last.");
            }
            if (p.size() != null) end = addressable(end, p.size(), table, fields(n, "partitions[" + i + "]", PARTITION).get("size"),
                    "partitions[" + i + "].size");
            partitions.add(p);
        }
        if (size != null && size > maxDisk(table)) {
            throw error(top.get("size"), "size", layoutSize(size) + " is more than " + table.yamlName() + " addresses ("
                    + PartitionTable.human(maxDisk(table)) + "). Use size: " + layoutSize(maxDisk(table)) + " or less"
                    + (table == DiskLayout.Table.MSDOS ? ", or table: gpt." : "."));
        }

        List<BootloaderWrite> bootloader = new ArrayList<>();
        if (top.containsKey("bootloader")) {
            List<Node> bl = list(top.get("bootloader"), "bootloader");
            for (int i = 0; i < bl.size(); i++) bootloader.add(bootloaderWrite(bl.get(i), "bootloader[" + i + "]", table));
        }
        PushTarget push = top.containsKey("push") ? push(top.get("push"), byRole) : null;
        SlotLayout slots = null;
        if (top.containsKey("slots")) {
            slots = slots(top.get("slots"), partitions, partNodes, byRole);
            // Slot b starts as a copy of slot a: without rules of its own it gets a's.
            Partition b = byRole.get(Partition.Role.BOOT_B);
            if (b.contents().isEmpty()) {
                Partition a = byRole.get(Partition.Role.BOOT);
                partitions.set(partitions.indexOf(b), new Partition(b.label(), b.role(), b.filesystem(), b.size(), b.type(),
                        a.contents(), b.line()));
            }
        } else {
            for (Partition.Role r : List.of(Partition.Role.BOOT_B, Partition.Role.LOADER)) {
                Partition p = byRole.get(r);
                if (p != null) {
                    throw error(fields(partNodes.get(partitions.indexOf(p)), "partitions[" + partitions.indexOf(p) + "]", PARTITION).get("role"),
                            "partitions[" + partitions.indexOf(p) + "].role", "role " + r.yamlName() + " (" + p.label()
                            + ") belongs to an A/B layout, but the layout has no slots: block. Add slots: (scheme, a, b, dirs)"
                            + " or use role boot, rootfs or persist.");
                }
            }
        }
        DiskLayout layout = new DiskLayout(file, table, size, partitions, bootloader, push, slots);
        if (size != null && layout.minimumDiskSize() > size) {
            throw error(top.get("size"), "size", PartitionTable.human(size) + " is too small for the partitions, which need "
                    + PartitionTable.human(layout.minimumDiskSize()) + " (1 MiB before the first, alignment, 1 MiB at the end). Use size: "
                    + (layout.minimumDiskSize() + PartitionTable.MIB - 1) / PartitionTable.MIB + "M or more.");
        }
        return layout;
    }

    /** {@code push: {partition: <role>, from: /dir, dir: /mnt/boot}}: what skiff:push sends where. */
    private PushTarget push(Node node, Map<Partition.Role, Partition> byRole) {
        Map<String, Node> f = fields(node, "push", PUSH);
        Node roleNode = requiredNode(f, "partition", "push", node);
        Partition.Role role = Partition.Role.ofYamlName(trimmedOneOf(roleNode, "push.partition", ROLES));
        if (!byRole.containsKey(role)) {
            throw error(roleNode, "push.partition", "the layout has no " + role.yamlName() + " partition; it has "
                    + String.join(", ", byRole.keySet().stream().map(Partition.Role::yamlName).toList()) + ".");
        }
        String from = f.containsKey("from") ? scalar(f.get("from"), "push.from") : "/";
        if (!from.startsWith("/") || from.contains("..")) {
            throw error(f.get("from"), "push.from", "'" + from + "' must be an absolute directory inside the partition, such as / or /boot.");
        }
        Node dirNode = requiredNode(f, "dir", "push", node);
        String dir = scalar(dirNode, "push.dir");
        if (!dir.startsWith("/") || dir.contains("..") || dir.contains(" ") || dir.equals("/")) {
            throw error(dirNode, "push.dir", "'" + dir + "' must be the absolute directory where the device mounts it, such as /mnt/boot.");
        }
        return new PushTarget(role, from, dir, line(node));
    }

    /**
     * {@code slots: {scheme, a, b, dirs: {a, b}}}: slot a is the role boot partition, slot b the
     * role boot-b one, both named by label; a role loader partition holds the switch.
     */
    private SlotLayout slots(Node node, List<Partition> partitions, List<Node> partNodes, Map<Partition.Role, Partition> byRole) {
        Map<String, Node> f = fields(node, "slots", SLOTS);
        String scheme = trimmedOneOf(requiredNode(f, "scheme", "slots", node), "slots.scheme", SCHEMES);
        Partition a = slotPartition(f, "a", Partition.Role.BOOT, node, partitions);
        Partition b = slotPartition(f, "b", Partition.Role.BOOT_B, node, partitions);
        Partition loader = byRole.get(Partition.Role.LOADER);
        if (loader == null) {
            throw error(node, "slots", "an A/B layout needs a partition with role loader, which the bootloader reads first: "
                    + (scheme.equals(SlotLayout.PI_TRYBOOT) ? "a small vfat partition 1 for autoboot.txt."
                    : "the EFI system partition holding GRUB and grubenv."));
        }
        if (loader.filesystem() != Partition.Filesystem.VFAT) {
            throw error(partitionField(partNodes, partitions, loader, "filesystem"), "partitions[" + partitions.indexOf(loader) + "].filesystem",
                    "the loader partition " + loader.label() + " must be vfat: the firmware reads it.");
        }
        if (scheme.equals(SlotLayout.PI_TRYBOOT)) {
            if (partitions.indexOf(loader) != 0) {
                throw error(partitionField(partNodes, partitions, loader, "role"), "partitions[" + partitions.indexOf(loader) + "].role",
                        "with scheme pi-tryboot the loader partition (" + loader.label() + ") must be the first partition:"
                        + " the Pi firmware reads autoboot.txt from partition 1 only. Move it first.");
            }
            for (Partition p : List.of(a, b)) {
                if (p.filesystem() != Partition.Filesystem.VFAT) {
                    throw error(partitionField(partNodes, partitions, p, "filesystem"), "partitions[" + partitions.indexOf(p) + "].filesystem",
                            "slot partition " + p.label() + " must be vfat: the Pi firmware loads config.txt and the kernel from FAT only.");
                }
            }
        }
        if (a.size() != null && b.size() != null && b.size() < a.size()) {
            throw error(f.get("b"), "slots.b", "slot b (" + b.label() + ", " + PartitionTable.human(b.size())
                    + ") is smaller than slot a (" + a.label() + ", " + PartitionTable.human(a.size())
                    + "); it must hold the same sets. Give it size: " + PartitionTable.human(a.size()) + " or more.");
        }
        Node dirsNode = requiredNode(f, "dirs", "slots", node);
        Map<String, Node> dirs = fields(dirsNode, "slots.dirs", SLOT_DIRS);
        String dirA = slotDir(dirs, "a", dirsNode);
        String dirB = slotDir(dirs, "b", dirsNode);
        if (dirA.equals(dirB)) {
            throw error(dirs.get("b"), "slots.dirs.b", "'" + dirB + "' is slot a's directory too; each slot needs its own, such as /mnt/boot-a and /mnt/boot-b.");
        }
        return new SlotLayout(scheme, a.label(), b.label(), dirA, dirB);
    }

    /** The node of {@code field} in partition {@code p}'s mapping, for an error's line. */
    private Node partitionField(List<Node> partNodes, List<Partition> partitions, Partition p, String field) {
        int i = partitions.indexOf(p);
        return fields(partNodes.get(i), "partitions[" + i + "]", PARTITION).get(field);
    }

    private Partition slotPartition(Map<String, Node> f, String slot, Partition.Role role, Node parent, List<Partition> partitions) {
        Node n = requiredNode(f, slot, "slots", parent);
        String label = scalar(n, "slots." + slot).trim();
        List<String> labels = partitions.stream().map(Partition::label).toList();
        Partition p = partitions.stream().filter(x -> x.label().equals(label)).findFirst().orElseThrow(() -> error(n, "slots." + slot,
                "no partition is labelled '" + label + "'; the labels are " + String.join(", ", labels) + "."
                + dev.skiff.NearestNames.hint(label, labels)));
        if (p.role() != role) {
            throw error(n, "slots." + slot, "partition " + label + " (line " + p.line() + ") has role " + p.role().yamlName()
                    + "; slot " + slot + " must be the partition with role " + role.yamlName() + ".");
        }
        return p;
    }

    private String slotDir(Map<String, Node> dirs, String slot, Node parent) {
        Node n = requiredNode(dirs, slot, "slots.dirs", parent);
        String dir = scalar(n, "slots.dirs." + slot).trim();
        if (!dir.startsWith("/") || hasDotDot(dir) || dir.contains(" ") || dir.equals("/") || dir.endsWith("/")) {
            throw error(n, "slots.dirs." + slot, "'" + dir + "' must be the absolute directory where the device mounts slot "
                    + slot + ", such as /mnt/boot-" + slot + ".");
        }
        return dir;
    }

    private Partition partition(Node node, String path, DiskLayout.Table table) {
        Map<String, Node> f = fields(node, path, PARTITION);
        String label = scalar(requiredNode(f, "label", path, node), path + ".label");
        Partition.Role role = Partition.Role.ofYamlName(trimmedOneOf(requiredNode(f, "role", path, node), path + ".role", ROLES));
        Partition.Filesystem fs = Partition.Filesystem.valueOf(
                trimmedOneOf(requiredNode(f, "filesystem", path, node), path + ".filesystem", FILESYSTEMS).toUpperCase(Locale.ROOT));
        checkLabel(f.get("label"), path + ".label", label, fs);
        Node sizeNode = requiredNode(f, "size", path, node);
        Long size = wholeMib(sizeNode, path + ".size", true);
        if (fs == Partition.Filesystem.VFAT && size != null && size < VFAT_MINIMUM) {
            throw error(sizeNode, path + ".size", "vfat partitions are FAT32, which needs at least 33M; "
                    + PartitionTable.human(size) + " is too small. Use size: 33M or more.");
        }
        String type = f.containsKey("type") ? type(f.get("type"), path + ".type", table) : defaultType(fs, table);
        List<ContentRule> contents = new ArrayList<>();
        if (f.containsKey("contents")) {
            List<Node> cs = list(f.get("contents"), path + ".contents");
            for (int i = 0; i < cs.size(); i++) contents.add(content(cs.get(i), path + ".contents[" + i + "]"));
        }
        return new Partition(label, role, fs, size, type, contents, line(node));
    }

    private void checkLabel(Node node, String path, String label, Partition.Filesystem fs) {
        if (fs == Partition.Filesystem.VFAT && !VFAT_LABEL.matcher(label).matches()) {
            String fixed = label.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_-]", "_");
            if (fixed.length() > 11) fixed = fixed.substring(0, 11);
            throw error(node, path, "'" + label + "' is not a usable FAT label: at most 11 characters, upper-case letters,"
                    + " digits, '_' or '-' (firmware and Windows upper-case FAT labels). Use '" + fixed + "'.");
        }
        if (fs == Partition.Filesystem.EXT4 && !EXT4_LABEL.matcher(label).matches()) {
            String fixed = label.replaceAll("[^A-Za-z0-9_.-]", "_");
            if (fixed.length() > 16) fixed = fixed.substring(0, 16);
            throw error(node, path, "'" + label + "' is not a usable ext4 label: at most 16 characters, letters, digits,"
                    + " '_', '.' or '-'. Use '" + fixed + "'.");
        }
    }

    static String defaultType(Partition.Filesystem fs, DiskLayout.Table table) {
        boolean gpt = table == DiskLayout.Table.GPT;
        return switch (fs) {
            case VFAT -> gpt ? GPT_BASIC_DATA : "c";
            case EXT4 -> gpt ? GPT_LINUX : "83";
        };
    }

    private String type(Node node, String path, DiskLayout.Table table) {
        String v = scalar(node, path).trim();
        boolean gpt = table == DiskLayout.Table.GPT;
        switch (v.toLowerCase(Locale.ROOT)) {
            case "efi": return gpt ? GPT_EFI : "ef";
            case "linux": return gpt ? GPT_LINUX : "83";
            case "fat32": return gpt ? GPT_BASIC_DATA : "c";
            default: break;
        }
        if (gpt && GUID.matcher(v).matches()) return v.toUpperCase(Locale.ROOT);
        Matcher m = MBR_ID.matcher(v);
        if (!gpt && m.matches() && Integer.parseInt(m.group(1), 16) != 0) {
            return Integer.toHexString(Integer.parseInt(m.group(1), 16));
        }
        String forms = gpt ? "efi, linux, fat32 or a GPT type GUID such as " + GPT_LINUX
                : "efi, linux, fat32 or an MBR type id in hex such as 83, c or ef";
        String extra = gpt && m.matches() ? " MBR ids do not apply to a gpt table."
                : !gpt && GUID.matcher(v).matches() ? " GUIDs apply to gpt tables only; this one is msdos." : "";
        throw error(node, path, "unknown partition type '" + v + "'; use " + forms + "." + extra
                + NearestNames.hint(v, TYPE_NAMES));
    }

    private ContentRule content(Node node, String path) {
        Map<String, Node> f = fields(node, path, CONTENT);
        Node fromNode = requiredNode(f, "from", path, node);
        String from = scalar(fromNode, path + ".from").trim();
        if (from.isEmpty()) throw error(fromNode, path + ".from", "must not be empty; name files relative to the images directory.");
        if (from.startsWith("/") || hasDotDot(from)) {
            throw error(fromNode, path + ".from", "'" + from + "' must be relative to the images directory and stay inside it"
                    + " (no leading '/', no '..'), for example bzImage or rpi-firmware/.");
        }
        if (from.endsWith("/") && from.chars().anyMatch(c -> "*?[{".indexOf(c) >= 0)) {
            throw error(fromNode, path + ".from", "'" + from + "' ends with '/', so it names one directory whose contents"
                    + " are copied, and cannot be a glob. Drop the '/' to copy the matches themselves.");
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + from);
        } catch (RuntimeException e) {
            throw error(fromNode, path + ".from", "'" + from + "' is not a valid glob: " + e.getMessage());
        }
        String to = "/";
        if (f.containsKey("to")) {
            to = scalar(f.get("to"), path + ".to").trim();
            if (!to.startsWith("/") || hasDotDot(to)) {
                throw error(f.get("to"), path + ".to", "'" + to + "' must be an absolute path inside the partition without '..',"
                        + " for example / or /boot/ or /boot/bzImage.");
            }
        }
        boolean required = bool(f, "required", path);
        return new ContentRule(from, to, required, file, line(node));
    }

    private static boolean hasDotDot(String p) {
        for (String s : p.split("/")) if (s.equals("..")) return true;
        return false;
    }

    private BootloaderWrite bootloaderWrite(Node node, String path, DiskLayout.Table table) {
        Map<String, Node> f = fields(node, path, BOOTLOADER);
        Node fileNode = requiredNode(f, "file", path, node);
        String name = scalar(fileNode, path + ".file").trim();
        if (name.isEmpty() || name.startsWith("/") || hasDotDot(name) || name.endsWith("/")) {
            throw error(fileNode, path + ".file", "'" + name + "' must name a file relative to the images directory,"
                    + " for example u-boot-sunxi-with-spl.bin.");
        }
        Node offNode = requiredNode(f, "offset", path, node);
        long offset = size(offNode, path + ".offset", false);
        long tableEnd = table == DiskLayout.Table.GPT ? 34 * PartitionTable.SECTOR : PartitionTable.SECTOR;
        if (offset % PartitionTable.SECTOR != 0) {
            throw error(offNode, path + ".offset", offset + " bytes is not a multiple of 512 (a sector). Use "
                    + offset / PartitionTable.SECTOR * PartitionTable.SECTOR + " or " + (offset / PartitionTable.SECTOR + 1) * PartitionTable.SECTOR + ".");
        }
        if (offset < tableEnd || offset >= PartitionTable.FIRST_PARTITION) {
            throw error(offNode, path + ".offset", "must lie between the partition table (which ends at " + tableEnd
                    + " bytes on " + table.yamlName() + ") and the first partition at 1M; " + offset + " bytes does not.");
        }
        return new BootloaderWrite(name, offset, line(node));
    }

    // --- sizes --------------------------------------------------------------------------------

    /**
     * The largest disk a table addresses, in bytes: an msdos entry holds 32-bit sector numbers
     * (2 TiB); GPT's are 64-bit, but a disk image, a block device offset and sfdisk's own
     * arithmetic stop at a signed 64-bit byte count, so 4 EiB (2^62) keeps the partition
     * plan and the backup table in exact {@code long} arithmetic with room to spare.
     */
    static long maxDisk(DiskLayout.Table table) {
        return table == DiskLayout.Table.MSDOS ? (1L << 32) * PartitionTable.SECTOR : 1L << 62;
    }

    /** Whole MiB in the layout's own syntax, in the largest unit that is exact: 2T, 1536G, 100M. */
    static String layoutSize(long bytes) {
        if (bytes % (1L << 40) == 0) return (bytes >> 40) + "T";
        if (bytes % (1L << 30) == 0) return (bytes >> 30) + "G";
        return (bytes >> 20) + "M";
    }

    /** {@code start + size}, refused (file, line, the largest size that fits) past what the table addresses. */
    private long addressable(long start, long size, DiskLayout.Table table, Node node, String path) {
        long max = maxDisk(table);
        if (size > max - start) {
            long room = (max - start) / PartitionTable.MIB * PartitionTable.MIB;
            throw error(node, path, layoutSize(size) + " starting at " + PartitionTable.human(start) + " ends past what "
                    + table.yamlName() + " addresses (" + PartitionTable.human(max) + "). Use size: " + layoutSize(room)
                    + " or less" + (table == DiskLayout.Table.MSDOS ? ", or table: gpt." : "."));
        }
        return start + size;
    }

    /** A size in bytes that must be whole MiB; {@code rest} (null) only where allowed. */
    private Long wholeMib(Node node, String path, boolean restAllowed) {
        String v = scalar(node, path).trim();
        if (v.equals("rest")) {
            if (restAllowed) return null;
            throw error(node, path, "'rest' only applies to the size of the last partition; give a size such as 4G.");
        }
        long bytes = size(node, path, restAllowed);
        if (bytes < PartitionTable.MIB || bytes % PartitionTable.MIB != 0) {
            long mib = bytes / PartitionTable.MIB;
            throw error(node, path, "'" + v + "' is not a whole number of MiB (partitions start on 1 MiB boundaries). Use "
                    + (mib == 0 ? "1M" : mib + "M or " + (mib + 1) + "M") + ".");
        }
        return bytes;
    }

    /**
     * {@code <number>[K|M|G|T][iB]}, binary units, a bare number is bytes (the layout and
     * {@code -Dskiff.imageSize} syntax); -1 if {@code v} is not a size.
     */
    public static long parseSize(String v) {
        Matcher m = SIZE.matcher(v.trim());
        if (!m.matches()) return -1;
        long n = Long.parseLong(m.group(1));
        int shift = m.group(2) == null ? 0 : switch (Character.toUpperCase(m.group(2).charAt(0))) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 40;
        };
        if (n > (Long.MAX_VALUE >> shift)) return -1;
        return n << shift;
    }

    private long size(Node node, String path, boolean restAllowed) {
        String v = scalar(node, path).trim();
        long bytes = parseSize(v);
        if (bytes < 0) {
            Matcher digits = Pattern.compile("^(\\d+)").matcher(v);
            String n = digits.find() ? digits.group(1) : "256";
            throw error(node, path, "'" + v + "' is not a size. Write a number with K, M, G or T (powers of 1024), such as "
                    + n + "M or " + n + "G" + (restAllowed ? ", or rest to fill the disk" : "") + ".");
        }
        return bytes;
    }

    /** Layout keywords are compared without surrounding blanks. */
    private String trimmedOneOf(Node node, String path, Set<String> allowed) {
        return oneOf(scalar(node, path).trim(), node, path, allowed);
    }
}
