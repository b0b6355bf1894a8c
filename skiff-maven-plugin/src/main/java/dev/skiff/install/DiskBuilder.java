package dev.skiff.install;

import dev.skiff.FileTree;
import dev.skiff.Sha256;
import dev.skiff.SkiffException;
import dev.skiff.image.ImageFile;
import dev.skiff.image.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The work shared by image-file and device installs: resolving and staging each partition's
 * files, building file systems in temporary files with the standard tools, placing them into a
 * disk image at their offsets, raw bootloader writes, and updating the persist partition's own
 * files in place on a re-install.
 */
final class DiskBuilder {
    private final Tools tools;
    private final DiskLayout layout;
    private final ImageSource image;
    private final Path work;
    private final Consumer<String> log;
    private final Map<Partition, PartitionContents> contents = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final Map<BootloaderWrite, ImageFile> bootloader = new LinkedHashMap<>();

    /** A range of a disk image that was written, and how it may be copied on. */
    record Region(String what, long offset, long length, SparseCopy.Mode mode) {}

    /**
     * Resolves every partition's contents and checks the bootloader files, before anything is
     * written: a required file that is missing fails here.
     */
    DiskBuilder(Tools tools, DiskLayout layout, ImageSource image, Path work, Consumer<String> log) {
        this.tools = tools;
        this.layout = layout;
        this.image = image;
        this.work = work;
        this.log = log;
        for (Partition p : layout.partitions()) {
            PartitionContents c = PartitionContents.resolve(p, image);
            contents.put(p, c);
            warnings.addAll(c.warnings());
        }
        List<long[]> taken = new ArrayList<>();
        for (BootloaderWrite b : layout.bootloader()) {
            ImageFile f = bootloaderFile(b);
            bootloader.put(b, f);
            long size = f.size();
            if (b.offset() + size > PartitionTable.FIRST_PARTITION) {
                throw new SkiffException(layout.file() + ":" + b.line() + ": bootloader file " + b.file() + " ("
                        + size + " bytes at offset " + b.offset() + ") runs into the first partition at 1M.");
            }
            for (long[] t : taken) {
                if (b.offset() < t[1] && t[0] < b.offset() + size) {
                    throw new SkiffException(layout.file() + ":" + b.line() + ": bootloader file " + b.file()
                            + " overlaps the bootloader write at line " + t[2] + ".");
                }
            }
            taken.add(new long[] {b.offset(), b.offset() + size, b.line()});
        }
    }

    /**
     * The image file a bootloader write takes, found by its real path: a link inside the image
     * is followed to the file it names, one leading out of the image is refused, and the file
     * must be one the image lists, so that its checksum can be checked when it is written.
     */
    private ImageFile bootloaderFile(BootloaderWrite b) {
        Path f = image.dir().resolve(b.file());
        if (!Files.isRegularFile(f)) {
            throw new SkiffException(layout.file() + ":" + b.line() + ": bootloader file " + b.file() + " is not in "
                    + image.dir() + "." + dev.skiff.NearestNames.hint(b.file(), PartitionContents.listAll(image.dir())));
        }
        try {
            Path root = image.dir().toRealPath();
            Path real = PartitionContents.requireInside(root, f, image.dir());
            ImageFile listed = image.file(root.relativize(real).toString().replace('\\', '/'));
            if (listed == null) {
                throw new SkiffException(layout.file() + ":" + b.line() + ": bootloader file " + b.file() + " leads to "
                        + real + ", which is not one of the image's files; an image may only install its own files.");
            }
            return listed;
        } catch (IOException e) {
            throw new SkiffException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * The bytes of a bootloader file, read once by real path and checked against the image's
     * checksum: exactly these are written, so a file changed or swapped since the image was
     * listed is never put on a disk. Bootloader files end before the first partition at 1 MiB,
     * so they fit in memory.
     */
    private byte[] bootloaderBytes(BootloaderWrite b, ImageFile listed) throws IOException {
        Path real = image.dir().toRealPath().resolve(listed.path());
        byte[] data;
        try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
            data = in.readNBytes((int) Math.min(listed.size() + 1, PartitionTable.FIRST_PARTITION + 1));
        }
        String sha = HexFormat.of().formatHex(Sha256.digest().digest(data));
        if (data.length != listed.size() || !sha.equals(listed.sha256())) {
            throw new SkiffException("bootloader file " + image.dir().resolve(b.file()) + " changed or is damaged: it has"
                    + " sha256 " + sha + " (" + data.length + (data.length > listed.size() ? " bytes or more" : " bytes")
                    + ") but the image lists sha256 " + listed.sha256() + " (" + listed.size() + " bytes). Nothing was"
                    + " installed; rebuild the image or fetch the bundle again.");
        }
        return data;
    }

    List<String> warnings() {
        return warnings;
    }

    /** The tools this layout needs, for a clear message before anything starts. */
    static List<String> requiredTools(DiskLayout layout) {
        List<String> t = new ArrayList<>(List.of("sfdisk"));
        if (layout.partitions().stream().anyMatch(p -> p.filesystem() == Partition.Filesystem.VFAT)) {
            t.addAll(List.of("mkfs.vfat", "mcopy"));
        }
        if (layout.partitions().stream().anyMatch(p -> p.filesystem() == Partition.Filesystem.EXT4)) {
            t.addAll(List.of("mke2fs", "debugfs"));
        }
        return t;
    }

    /** Writes the partition table into the (new, sparse) disk image file and checks it. */
    Region writeTable(Path disk, PartitionTable plan) {
        tools.run(List.of("sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", "--wipe", "always", disk.toString()),
                plan.sfdiskScript());
        PartitionTable back = PartitionTable.read(tools, disk, plan.diskSize());
        String why = back == null ? "no table was written" : plan.mismatch(back);
        if (why != null) throw new SkiffException("sfdisk wrote a different partition table into " + disk + ": " + why + ".");
        return new Region("partition table", 0, PartitionTable.FIRST_PARTITION, SparseCopy.Mode.EXACT);
    }

    /**
     * Builds partition {@code index}'s file system with its files and copies it into
     * {@code disk} at its offset, then reads it back. {@code disk} is a new sparse file there.
     */
    Region writePartition(FileChannel disk, PartitionTable plan, int index, SparseCopy.Result[] total) throws IOException {
        Partition p = layout.partitions().get(index);
        PartitionTable.Slot slot = plan.slots().get(index);
        PartitionContents c = contents.get(p);
        Path staging = work.resolve("staging-" + (index + 1));
        Path fs = work.resolve("partition-" + (index + 1) + "." + p.filesystem().yamlName());
        log.accept("Partition " + (index + 1) + " " + p + ": " + PartitionTable.human(slot.size()) + ", "
                + c.files().size() + " files (" + PartitionTable.human(c.bytes()) + ")");
        c.stage(staging, image);
        if (p.role() == Partition.Role.LOADER && layout.slots().isPresent()) {
            // The slot switch: slot a is the default of a fresh install.
            for (Map.Entry<String, byte[]> e : SlotSwitch.initialFiles(layout).entrySet()) {
                Path f = staging.resolve(e.getKey().substring(1));
                Files.createDirectories(f.getParent());
                Files.write(f, e.getValue());
                log.accept("Partition " + (index + 1) + " " + p.label() + ": " + e.getKey() + " selects slot a ("
                        + layout.slots().get().labelA() + ")");
            }
        }
        buildFilesystem(p, slot.size(), staging, fs);
        // The disk image is a new sparse file, so its range reads as zeros: data blocks suffice.
        List<long[]> map = DataMap.of(tools, fs);
        try (FileChannel src = FileChannel.open(fs, StandardOpenOption.READ)) {
            SparseCopy.Result r = SparseCopy.copy(src, 0, slot.size(), disk, slot.start(), SparseCopy.Mode.SKIP_ZERO, map);
            total[0] = total[0].plus(r);
            SparseCopy.verify(src, 0, slot.size(), disk, slot.start(), SparseCopy.Mode.SKIP_ZERO, "partition " + p.label(), map);
        }
        FileTree.deleteQuietly(staging);
        Files.deleteIfExists(fs);
        // FAT has no separate metadata that may hold stale bytes on a device, so it is copied
        // exactly; ext4 only needs its first and last MiB exact (old file system signatures).
        return new Region("partition " + p.label(), slot.start(), slot.size(),
                p.filesystem() == Partition.Filesystem.VFAT ? SparseCopy.Mode.EXACT : SparseCopy.Mode.SKIP_ZERO);
    }

    private void buildFilesystem(Partition p, long size, Path staging, Path out) throws IOException {
        Files.deleteIfExists(out);
        List<String> entries;
        try (Stream<Path> s = Files.list(staging)) {
            entries = s.map(Path::toString).sorted().toList();
        }
        switch (p.filesystem()) {
            case VFAT -> {
                tools.run(List.of("mkfs.vfat", "-F", "32", "-n", p.label(), "-C", out.toString(),
                        String.valueOf(size / 1024)), null);
                if (!entries.isEmpty()) {
                    List<String> cmd = new ArrayList<>(List.of("mcopy", "-s", "-m", "-i", out.toString()));
                    cmd.addAll(entries);
                    cmd.add("::/");
                    tools.run(cmd, null);
                }
            }
            case EXT4 -> {
                SparseCopy.createSparse(out, size);
                tools.run(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-L", p.label(), "-E", "root_owner=0:0",
                        "-d", staging.toString(), out.toString(), (size / 1024) + "k"), null);
            }
        }
        long built = Files.size(out);
        if (built != size) {
            throw new SkiffException("the " + p.filesystem().yamlName() + " file system for " + p.label() + " is "
                    + built + " bytes, expected " + size + ".");
        }
    }

    /** Raw writes of the bootloader files, exactly, into {@code disk}. */
    List<Region> writeBootloader(FileChannel disk, SparseCopy.Result[] total) throws IOException {
        List<Region> regions = new ArrayList<>();
        for (BootloaderWrite b : layout.bootloader()) {
            log.accept("Bootloader " + b.file() + " at offset " + b.offset());
            byte[] data = bootloaderBytes(b, bootloader.get(b));
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) disk.write(buf, b.offset() + buf.position());
            ByteBuffer back = ByteBuffer.allocate(data.length);
            while (back.hasRemaining()) {
                if (disk.read(back, b.offset() + back.position()) < 0) break;
            }
            if (back.hasRemaining() || !Arrays.equals(back.array(), data)) {
                throw new SkiffException("verification failed: bootloader " + b.file() + " at offset " + b.offset()
                        + " reads back differently from what was written.");
            }
            total[0] = total[0].plus(new SparseCopy.Result(data.length, 0));
            regions.add(new Region("bootloader " + b.file(), b.offset(), data.length, SparseCopy.Mode.EXACT));
        }
        return regions;
    }

    /** True if partition {@code p} has files to put in place on a re-install (persist only). */
    boolean hasFilesToUpdate(Partition p) {
        return !p.rebuiltOnReinstall() && !contents.get(p).files().isEmpty();
    }

    /**
     * Replaces the files named by a kept (persist) partition's rules inside its existing ext4 file
     * system with {@code debugfs}, leaving everything else in it untouched, then reads them back.
     *
     * @param disk an image file or device; the partition starts at {@code offset}
     */
    int updateInPlace(Path disk, Partition p, long offset) {
        if (p.filesystem() != Partition.Filesystem.EXT4) {
            throw new SkiffException(layout.file() + ":" + p.line() + ": partition " + p.label() + " is kept on re-install"
                    + " and has contents, which can only be updated in place on ext4. Use filesystem: ext4, or"
                    + " -Dskiff.format to recreate it.");
        }
        PartitionContents c = contents.get(p);
        Path staging = work.resolve("update-" + p.label());
        Map<String, String> hashes = c.stage(staging, image);
        String dev = disk + "?offset=" + offset;
        TreeSet<String> dirs = new TreeSet<>(c.dirs());
        for (String f : c.files().keySet()) {
            for (int i = f.indexOf('/', 1); i > 0; i = f.indexOf('/', i + 1)) dirs.add(f.substring(0, i));
        }
        StringBuilder cmds = new StringBuilder();
        // Only missing directories: debugfs 1.47's mkdir of an existing directory leaks an inode
        // (e2fsck then finds an unconnected directory).
        for (String d : dirs) {
            String stat = tools.run(List.of("debugfs", "-R", "stat " + quote(d), dev), null);
            if (!stat.contains("Inode:")) cmds.append("mkdir ").append(quote(d)).append('\n');
            else if (!stat.contains("Type: directory")) {
                throw new SkiffException(disk + ": partition " + p.label() + " holds a file " + d + " where the layout "
                        + layout.file() + " puts a directory. Remove it, or use -Dskiff.format to recreate the partition.");
            }
        }
        for (String f : c.files().keySet()) {
            cmds.append("rm ").append(quote(f)).append('\n');
            cmds.append("write ").append(quote(staging.resolve(f.substring(1)).toString())).append(' ').append(quote(f)).append('\n');
        }
        log.accept("Partition " + p + ": kept; updating " + c.files().size() + " of its files in place");
        runDebugfs(List.of("-w"), dev, cmds.toString());
        // Read every file back and compare.
        Path back = work.resolve("readback-" + p.label());
        try {
            Files.createDirectories(back);
            StringBuilder dump = new StringBuilder();
            int i = 0;
            Map<String, Path> outs = new LinkedHashMap<>();
            for (String f : c.files().keySet()) {
                Path o = back.resolve("f" + (i++));
                outs.put(f, o);
                dump.append("dump ").append(quote(f)).append(' ').append(quote(o.toString())).append('\n');
            }
            runDebugfs(List.of(), dev, dump.toString());
            for (Map.Entry<String, Path> e : outs.entrySet()) {
                String sha = Files.isRegularFile(e.getValue()) ? sha256(e.getValue()) : "(missing)";
                if (!sha.equals(hashes.get(e.getKey()))) {
                    throw new SkiffException("verification failed: " + e.getKey() + " in partition " + p.label() + " of "
                            + disk + " reads back as " + sha + ", expected " + hashes.get(e.getKey())
                            + ". Is the file system full or damaged? Run e2fsck, or -Dskiff.format to recreate it.");
                }
            }
        } catch (IOException e) {
            throw new SkiffException("cannot read back the files of " + p.label() + ": " + e.getMessage(), e);
        } finally {
            FileTree.deleteQuietly(back);
            FileTree.deleteQuietly(staging);
        }
        return c.files().size();
    }

    private void runDebugfs(List<String> flags, String dev, String commands) {
        Path cmdFile = work.resolve("debugfs.cmd");
        try {
            Files.writeString(cmdFile, commands);
        } catch (IOException e) {
            throw new SkiffException("cannot write " + cmdFile + ": " + e.getMessage(), e);
        }
        List<String> cmd = new ArrayList<>(List.of("debugfs"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-f", cmdFile.toString(), dev));
        String out = tools.run(cmd, null);
        // debugfs exits 0 even when a command fails; "already exists" (mkdir) and "not found"
        // (rm of a new file) are expected, anything else is not.
        for (String line : out.lines().toList()) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("debugfs") || l.startsWith("Allocated inode")) continue;
            if (l.contains("already exists") || l.contains("File not found by ext2_lookup")) continue;
            if (l.contains("error") || l.contains("Could not") || l.contains("No free space") || l.contains("while ")) {
                throw new SkiffException("debugfs on " + dev + " failed: " + l + "\nFull output:\n" + out.strip());
            }
        }
    }

    private static String quote(String s) {
        if (s.contains("\"") || s.contains("\n")) {
            throw new SkiffException("cannot install a file whose path contains a quote or a line break: " + s);
        }
        return "\"" + s + "\"";
    }

    static String sha256(Path p) throws IOException {
        MessageDigest md = Sha256.digest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(p)) {
            int r;
            while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(md.digest());
    }

}
