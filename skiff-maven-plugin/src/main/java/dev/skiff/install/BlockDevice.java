package dev.skiff.install;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A whole-disk block device as Linux describes it in {@code /sys}, checked before it is written.
 *
 * @param node the device node, e.g. {@code /dev/sdb}
 * @param name the kernel name, e.g. {@code sdb}
 * @param devNumber {@code major:minor}
 * @param size bytes
 * @param model vendor and model from {@code /sys}, or "unknown model"
 * @param partitions kernel name to {@code major:minor} of each partition
 */
public record BlockDevice(Path node, String name, String devNumber, long size, String model, boolean removable,
                          boolean readOnly, Map<String, String> partitions) {
    public BlockDevice {
        partitions = Map.copyOf(partitions);
    }

    /** "SanDisk Ultra, 29.7 GiB, removable" */
    public String describe() {
        return node + " (" + name + "): " + model + ", " + PartitionTable.human(size) + (removable ? ", removable" : "");
    }

    /** Finds a device and refuses it when writing it would be a mistake. */
    @FunctionalInterface
    public interface Probe {
        /**
         * @throws SkiffException if {@code node} is not a whole-disk block device, or it (or a
         *     partition of it) is mounted, holds the running root file system, is used as swap or
         *     by device-mapper, or is read-only
         */
        BlockDevice inspectForWriting(Path node);
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;

    /** The real system: {@code /sys} and {@code /proc}. */
    public static Probe system() {
        return new SysfsProbe(Path.of("/sys"), Path.of("/proc"));
    }

    /** Reads the given {@code /sys} and {@code /proc} trees (tests pass fixtures). */
    public static SysfsProbe probe(Path sysRoot, Path procRoot) {
        return new SysfsProbe(sysRoot, procRoot);
    }

    /** A {@link Probe} over a sysfs and procfs root. */
    public static final class SysfsProbe implements Probe {
        private final Path sys;
        private final Path proc;

        SysfsProbe(Path sys, Path proc) {
            this.sys = sys;
            this.proc = proc;
        }

        @Override
        public BlockDevice inspectForWriting(Path node) {
            String dev = deviceNumber(node);
            BlockDevice d = inspect(node, dev);
            checkNotInUse(d);
            return d;
        }

        /** {@code major:minor} of a block device node, or a refusal naming what it is instead. */
        static String deviceNumber(Path node) {
            int mode;
            long rdev;
            try {
                Map<String, Object> a = Files.readAttributes(node, "unix:mode,rdev");
                mode = (Integer) a.get("mode");
                rdev = (Long) a.get("rdev");
            } catch (NoSuchFileException e) {
                throw new SkiffException("skiff.device " + node + " does not exist. List disks with lsblk and name the"
                        + " whole disk, e.g. /dev/sdb or /dev/mmcblk0.");
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                throw new SkiffException("cannot examine skiff.device " + node + ": " + e.getMessage(), e);
            }
            if ((mode & S_IFMT) != S_IFBLK) {
                String kind = switch (mode & S_IFMT) {
                    case S_IFCHR -> "a character device";
                    case S_IFDIR -> "a directory";
                    case S_IFREG -> "a regular file (to write an image file use -Dskiff.imageFile=" + node + ")";
                    default -> "not a device";
                };
                throw new SkiffException("skiff.device " + node + " is not a block device: it is " + kind
                        + ". Name a whole disk such as /dev/sdb or /dev/mmcblk0 (see lsblk).");
            }
            // Linux's encoding of dev_t (glibc major()/minor()).
            long major = ((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL);
            long minor = ((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL);
            return major + ":" + minor;
        }

        /** The device {@code major:minor} as {@code /sys} describes it. */
        public BlockDevice inspect(Path node, String dev) {
            Path entry = sys.resolve("dev/block").resolve(dev);
            if (!Files.isDirectory(entry)) {
                throw new SkiffException("skiff.device " + node + " (" + dev + ") has no " + entry
                        + "; is it a block device of this machine?");
            }
            Path dir;
            try {
                dir = entry.toRealPath();
            } catch (IOException e) {
                throw new SkiffException("cannot read " + entry + ": " + e.getMessage(), e);
            }
            String name = dir.getFileName().toString();
            if (Files.exists(dir.resolve("partition"))) {
                String disk = dir.getParent() == null ? "the whole disk" : "/dev/" + dir.getParent().getFileName();
                throw new SkiffException("skiff.device " + node + " is partition " + read(dir.resolve("partition"))
                        + " of " + disk + ". Skiff writes a whole disk (partition table included): use -Dskiff.device="
                        + disk + ".");
            }
            long size = parseLong(read(dir.resolve("size"))) * PartitionTable.SECTOR;
            String vendor = read(dir.resolve("device/vendor"));
            String model = read(dir.resolve("device/model"));
            String m = (vendor + " " + model).trim();
            Map<String, String> parts = new java.util.TreeMap<>();
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    if (Files.exists(p.resolve("partition"))) parts.put(p.getFileName().toString(), read(p.resolve("dev")));
                }
            } catch (IOException e) {
                throw new SkiffException("cannot list " + dir + ": " + e.getMessage(), e);
            }
            return new BlockDevice(node, name, dev, size, m.isEmpty() ? "unknown model" : m,
                    "1".equals(read(dir.resolve("removable"))), "1".equals(read(dir.resolve("ro"))), parts);
        }

        /** Refuses a device in use: mounted, the root file system, swap, held by device-mapper, read-only. */
        public void checkNotInUse(BlockDevice d) {
            Map<String, String> numbers = new java.util.LinkedHashMap<>();
            numbers.put(d.devNumber(), d.name());
            d.partitions().forEach((n, dev) -> numbers.put(dev, n));
            List<String> mounts = new ArrayList<>();
            String root = null;
            for (String line : lines(proc.resolve("self/mountinfo"))) {
                // id parent major:minor root mountpoint options ... - fstype source superoptions
                String[] f = line.split(" ");
                if (f.length < 5) continue;
                int dash = line.indexOf(" - ");
                String source = "";
                if (dash >= 0) {
                    String[] tail = line.substring(dash + 3).split(" ");
                    if (tail.length > 1) source = tail[1];
                }
                String which = numbers.get(f[2]);
                if (which == null && source.startsWith("/dev/")) {
                    String base = source.substring(source.lastIndexOf('/') + 1);
                    if (numbers.containsValue(base)) which = base;
                }
                if (which == null) continue;
                String mp = unescape(f[4]);
                if (mp.equals("/")) root = which;
                mounts.add("/dev/" + which + " on " + mp);
            }
            if (root != null) {
                throw new SkiffException("skiff.device " + d.node() + " holds the running root file system (/dev/" + root
                        + " is mounted on /). Refusing to write it: this would destroy the system you are running."
                        + " Check the device name with lsblk.");
            }
            if (!mounts.isEmpty()) {
                throw new SkiffException("skiff.device " + d.node() + " is mounted: " + String.join(", ", mounts)
                        + ". Unmount it first (sudo umount " + String.join(" ", mounts.stream()
                        .map(m -> m.substring(0, m.indexOf(' '))).toList()) + "), then run the install again.");
            }
            for (String line : lines(proc.resolve("swaps"))) {
                String src = line.split("\\s+")[0];
                String base = src.substring(src.lastIndexOf('/') + 1);
                if (numbers.containsValue(base)) {
                    throw new SkiffException("skiff.device " + d.node() + " is in use as swap (" + src + "). Run sudo swapoff "
                            + src + " first.");
                }
            }
            List<String> held = new ArrayList<>();
            for (Map.Entry<String, String> e : numbers.entrySet()) {
                Path holders = sys.resolve("dev/block").resolve(e.getKey()).resolve("holders");
                if (!Files.isDirectory(holders)) continue;
                try (Stream<Path> s = Files.list(holders)) {
                    s.forEach(h -> held.add("/dev/" + e.getValue() + " by " + h.getFileName()));
                } catch (IOException ex) {
                    throw new SkiffException("cannot list " + holders + ": " + ex.getMessage(), ex);
                }
            }
            if (!held.isEmpty()) {
                throw new SkiffException("skiff.device " + d.node() + " is in use by device-mapper, LVM, RAID or"
                        + " encryption: " + String.join(", ", held) + ". Release it first (e.g. vgchange -an,"
                        + " cryptsetup close).");
            }
            if (d.readOnly()) {
                throw new SkiffException("skiff.device " + d.node() + " is read-only (write-protect switch of the card?).");
            }
            if (d.size() == 0) {
                throw new SkiffException("skiff.device " + d.node() + " has size 0: no medium in the reader?");
            }
        }

        private static List<String> lines(Path f) {
            try {
                return Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return List.of();
            } catch (IOException e) {
                throw new SkiffException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }

        private static String read(Path f) {
            try {
                return Files.readString(f, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                return "";
            }
        }

        private static long parseLong(String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        /** mountinfo escapes space, tab, newline and backslash as octal. */
        private static String unescape(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }
}
