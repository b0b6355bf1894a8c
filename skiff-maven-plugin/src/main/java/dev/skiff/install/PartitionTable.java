package dev.skiff.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A partition table with byte offsets: either planned from a {@link DiskLayout} for a disk size,
 * or read back from an image file or a device with {@code sfdisk --json}.
 *
 * <p>Geometry: the first partition starts at 1 MiB, every partition starts on a 1 MiB boundary,
 * and a {@code rest} partition ends on the last whole MiB before the end of the disk (before the
 * backup GPT on gpt disks).
 *
 * @param label {@code gpt} or {@code dos}, as sfdisk names them
 * @param diskSize the size of the disk in bytes
 */
public record PartitionTable(String label, long diskSize, List<Slot> slots) {
    public static final long SECTOR = 512;
    public static final long MIB = 1L << 20;
    public static final long FIRST_PARTITION = MIB;
    /** Room kept at the end of the disk: the backup GPT (33 sectors) rounded up. */
    public static final long TAIL_RESERVE = MIB;
    /** Sectors at the end of a gpt disk that hold the backup header and entries. */
    static final long GPT_BACKUP = 33 * SECTOR;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One partition, in bytes.
     *
     * @param type as sfdisk reports it: upper-case GUID for gpt, lower-case hex id for dos
     * @param name the GPT partition name, or null
     */
    public record Slot(long start, long size, String type, String name) {
        public long end() {
            return start + size;
        }
    }

    public PartitionTable {
        slots = List.copyOf(slots);
    }

    static long alignUp(long v) {
        return (v + MIB - 1) / MIB * MIB;
    }

    /** Places the layout's partitions on a disk of {@code diskSize} bytes. */
    public static PartitionTable plan(DiskLayout layout, long diskSize, String disk) {
        boolean gpt = layout.table() == DiskLayout.Table.GPT;
        long usableEnd = (gpt ? diskSize - GPT_BACKUP - SECTOR : diskSize) / MIB * MIB;
        List<Slot> slots = new ArrayList<>();
        long next = FIRST_PARTITION;
        for (Partition p : layout.partitions()) {
            long start = alignUp(next);
            long size = p.size() == null ? usableEnd - start : p.size();
            if (size < MIB || start + size > usableEnd) {
                throw new SkiffException(disk + " is " + human(diskSize) + ", too small for the layout "
                        + layout.file() + ": partition " + p.label() + " would end at "
                        + human(start + Math.max(size, MIB)) + ". The layout needs at least "
                        + human(layout.minimumDiskSize()) + ".");
            }
            slots.add(new Slot(start, size, p.type(), gpt ? p.label() : null));
            next = start + size;
        }
        return new PartitionTable(layout.table().sfdiskName(), diskSize, slots);
    }

    /** The script that makes sfdisk write this table. */
    public String sfdiskScript() {
        StringBuilder s = new StringBuilder();
        s.append("label: ").append(label).append('\n');
        s.append("unit: sectors\n");
        if (label.equals("gpt")) {
            s.append("first-lba: ").append(FIRST_PARTITION / SECTOR).append('\n');
        }
        s.append('\n');
        for (Slot slot : slots) {
            s.append("start=").append(slot.start() / SECTOR)
                    .append(", size=").append(slot.size() / SECTOR)
                    .append(", type=").append(slot.type());
            if (slot.name() != null) s.append(", name=\"").append(slot.name()).append('"');
            s.append('\n');
        }
        return s.toString();
    }

    /**
     * Reads the table of an image file or device, or returns null if it has none.
     *
     * @param diskSize the size of the file or device in bytes
     */
    public static PartitionTable read(Tools tools, Path disk, long diskSize) {
        Tools.Result r = tools.runAllowingFailure(List.of("sfdisk", "--json", disk.toString()), null);
        if (r.exitCode() != 0) {
            if (r.output().contains("does not contain a recognized partition table")) return null;
            throw new SkiffException("cannot read the partition table of " + disk + " with sfdisk --json:\n"
                    + r.output().strip());
        }
        return parseJson(r.output(), diskSize, disk.toString());
    }

    static PartitionTable parseJson(String json, long diskSize, String disk) {
        try {
            JsonNode t = JSON.readTree(json).path("partitiontable");
            if (t.isMissingNode()) return null;
            long sector = t.path("sectorsize").asLong(SECTOR);
            List<Slot> slots = new ArrayList<>();
            for (JsonNode p : t.path("partitions")) {
                slots.add(new Slot(p.path("start").asLong() * sector, p.path("size").asLong() * sector,
                        p.path("type").asText().toLowerCase(Locale.ROOT),
                        p.has("name") ? p.path("name").asText() : null));
            }
            return new PartitionTable(t.path("label").asText(), diskSize, slots);
        } catch (IOException e) {
            throw new SkiffException("sfdisk --json printed something that is not JSON for " + disk + ": " + e.getMessage(), e);
        }
    }

    /**
     * Why {@code actual} (read from the target) cannot be re-installed with this plan, or null
     * if the tables agree on label, partitions, starts, sizes, types and GPT names.
     */
    public String mismatch(PartitionTable actual) {
        if (!label.equals(actual.label())) {
            return "the target has a " + actual.label() + " table, the layout wants " + label;
        }
        if (slots.size() != actual.slots().size()) {
            return "the target has " + actual.slots().size() + " partitions, the layout wants " + slots.size();
        }
        for (int i = 0; i < slots.size(); i++) {
            Slot want = slots.get(i);
            Slot have = actual.slots().get(i);
            String n = "partition " + (i + 1);
            if (want.start() != have.start() || want.size() != have.size()) {
                return n + " is at " + have.start() + "+" + have.size() + " bytes, the layout wants "
                        + want.start() + "+" + want.size();
            }
            if (!want.type().equalsIgnoreCase(have.type())) {
                return n + " has type " + have.type() + ", the layout wants " + want.type();
            }
            if (want.name() != null && !want.name().equals(have.name())) {
                return n + " is named " + have.name() + ", the layout wants " + want.name();
            }
        }
        return null;
    }

    /** Bytes in binary units for messages: 1.5 GiB, 256 MiB, 8 KiB, 100 bytes. */
    static String human(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) return bytes + " bytes";
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }
}
