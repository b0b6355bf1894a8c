package dev.skiff.install;

import dev.skiff.FileTree;
import dev.skiff.SkiffException;
import dev.skiff.image.ImageSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes an image to a disk image file, without root: {@code sfdisk} on the file, file systems
 * built in temporary files ({@code mkfs.vfat} plus {@code mcopy}, {@code mke2fs -d}) and copied in
 * at their partition offsets, skipping zero blocks. The result is the same bytes a card written
 * with the same layout would hold, so it boots wherever such a card boots.
 *
 * <p>No partial state: the new image is built in a temporary file beside the target and moved
 * into place only when complete and verified; on any failure the previous file is unchanged.
 *
 * <p>Format or re-install: a missing or empty target is formatted; so is any target with
 * {@code format}. A target whose partition table matches the layout is re-installed: its boot
 * and rootfs partitions are rebuilt, everything else (persist, bootloader gap) is carried over
 * byte for byte, apart from persist files the layout itself names ({@link DiskLayout}). Any other
 * existing file is refused, so a mistyped path never overwrites something else; so is anything
 * that is not a regular file (a device node, FIFO, socket or symbolic link), which would be
 * replaced by the new file: disks and SD cards are {@link DeviceInstall}'s.
 */
public final class ImageFileInstall {
    private ImageFileInstall() {}

    /**
     * @param size the size of a newly created image file in bytes, or null for the layout's size
     */
    public record Request(ImageSource image, DiskLayout layout, Path target, boolean format, Long size) {
        public Request {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(target, "target");
        }
    }

    public static InstallResult install(Request req, Tools tools, Consumer<String> log) {
        long t0 = System.nanoTime();
        Path target = req.target().toAbsolutePath().normalize();
        DiskLayout layout = req.layout();
        tools.require(DiskBuilder.requiredTools(layout), "writing an image file");
        BasicFileAttributes existing = existingTarget(target);
        boolean format = req.format() || existing == null || existing.size() == 0;
        long diskSize;
        if (format) {
            Long s = req.size() != null ? req.size() : layout.size();
            if (s == null) {
                throw new SkiffException("the layout " + layout.file() + " gives no size for a new image file; add"
                        + " 'size: 4G' to it or pass -Dskiff.imageSize=4G.");
            }
            diskSize = s;
        } else {
            diskSize = existing.size();
        }
        PartitionTable plan;
        if (format) {
            plan = PartitionTable.plan(layout, diskSize, target.toString());
        } else {
            PartitionTable actual = diskSize < PartitionTable.FIRST_PARTITION ? null
                    : PartitionTable.read(tools, target, diskSize);
            if (actual == null) {
                throw new SkiffException(target + " exists and holds no partition table, so it is not an image written"
                        + " with this layout. Refusing to overwrite it; pass -Dskiff.format to replace it, or choose"
                        + " another -Dskiff.imageFile.");
            }
            String why;
            try {
                plan = PartitionTable.plan(layout, diskSize, target.toString());
                why = plan.mismatch(actual);
            } catch (SkiffException e) {
                plan = null;
                why = actual.label().equals(layout.table().sfdiskName()) ? e.getMessage()
                        : "the target has a " + actual.label() + " table, the layout wants " + layout.table().sfdiskName();
            }
            if (why != null) {
                throw new SkiffException(target + " does not match the layout " + layout.file() + ": " + why
                        + ". A re-install keeps the partitions as they are; pass -Dskiff.format to repartition it"
                        + " (this erases the persist partition).");
            }
        }
        if (req.size() != null && !format && req.size() != diskSize) {
            log.accept("Keeping the existing size " + PartitionTable.human(diskSize) + " of " + target
                    + " (skiff.imageSize applies to new images and -Dskiff.format).");
        }

        Path parent = target.getParent();
        Path work = null;
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            work = Files.createTempDirectory(parent, "." + target.getFileName() + ".work-");
            DiskBuilder builder = new DiskBuilder(tools, layout, req.image(), work, log);
            tmp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".partial");
            SparseCopy.createSparse(tmp, diskSize);
            SparseCopy.Result[] total = {SparseCopy.Result.NONE};
            List<String> rebuilt = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            if (format) {
                builder.writeTable(tmp, plan);
            }
            try (FileChannel disk = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (!format) carryOver(target, disk, plan, layout, total, tools);
                for (int i = 0; i < layout.partitions().size(); i++) {
                    Partition p = layout.partitions().get(i);
                    if (format || p.rebuiltOnReinstall()) {
                        builder.writePartition(disk, plan, i, total);
                        rebuilt.add(p.label());
                    } else {
                        kept.add(p.label());
                    }
                }
                builder.writeBootloader(disk, total);
                SparseCopy.sync(disk);
            }
            if (!format) {
                for (int i = 0; i < layout.partitions().size(); i++) {
                    Partition p = layout.partitions().get(i);
                    if (builder.hasFilesToUpdate(p)) builder.updateInPlace(tmp, p, plan.slots().get(i).start());
                }
                try (FileChannel disk = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    SparseCopy.sync(disk);
                }
            }
            // createTempFile makes the file owner-only; keep the old file's mode, or an ordinary one.
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, existing != null ? Files.getPosixFilePermissions(target)
                        : PosixFilePermissions.fromString("rw-r--r--"));
            }
            moveIntoPlace(tmp, target);
            tmp = null;
            return new InstallResult(target, format, layout.file(), diskSize, rebuilt, kept, total[0].written(),
                    total[0].skipped(), System.nanoTime() - t0, builder.warnings());
        } catch (IOException e) {
            throw new SkiffException("cannot write image file " + target + ": " + e.getMessage()
                    + ". Check free space and permissions in " + parent + "; the previous file is unchanged.", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The original failure is what the user needs to see.
                }
            }
            FileTree.deleteQuietly(work);
        }
    }

    /**
     * Copies everything of the old image that is not rebuilt (table, bootloader gap, persist,
     * backup GPT) into the new sparse file, byte for byte, and reads it back.
     */
    private static void carryOver(Path old, FileChannel disk, PartitionTable plan, DiskLayout layout,
                                  SparseCopy.Result[] total, Tools tools) throws IOException {
        List<long[]> map = DataMap.of(tools, old);
        try (FileChannel src = FileChannel.open(old, StandardOpenOption.READ)) {
            long pos = 0;
            List<long[]> ranges = new ArrayList<>();
            for (int i = 0; i < layout.partitions().size(); i++) {
                if (!layout.partitions().get(i).rebuiltOnReinstall()) continue;
                PartitionTable.Slot s = plan.slots().get(i);
                if (s.start() > pos) ranges.add(new long[] {pos, s.start() - pos});
                pos = s.end();
            }
            if (plan.diskSize() > pos) ranges.add(new long[] {pos, plan.diskSize() - pos});
            for (long[] r : ranges) {
                // The new file reads as zeros where nothing is written: copying data blocks keeps
                // every byte, and comparing them proves it.
                total[0] = total[0].plus(SparseCopy.copy(src, r[0], r[1], disk, r[0], SparseCopy.Mode.SKIP_ZERO, map));
                SparseCopy.verify(src, r[0], r[1], disk, r[0], SparseCopy.Mode.SKIP_ZERO, "the kept range at " + r[0], map);
            }
        }
    }

    static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can sync a directory; the file itself is synced already.
        }
    }

    /**
     * The attributes of an existing target, read without following links, or null if there is
     * none. Anything but a regular file is refused: the new image is moved into place over the
     * target, so a device node ({@code /dev/sdb} typed here instead of {@code skiff.device}),
     * FIFO or socket would be replaced by a file, and a link by a file where the link was. A
     * character device reports size 0, which would otherwise count as an empty target to format.
     */
    static BasicFileAttributes existingTarget(Path target) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SkiffException("cannot read skiff.imageFile " + target + ": " + e.getMessage(), e);
        }
        if (a.isRegularFile()) return a;
        if (a.isDirectory()) {
            throw new SkiffException("skiff.imageFile " + target + " is a directory; name the image file to write, e.g. "
                    + target.resolve("disk.img") + ".");
        }
        if (a.isSymbolicLink()) {
            String to;
            try {
                to = Files.readSymbolicLink(target).toString();
            } catch (IOException e) {
                to = "?";
            }
            throw new SkiffException("skiff.imageFile " + target + " is a symbolic link (to " + to + "). Refusing to"
                    + " replace it: name the image file itself, not a link to it. To write a disk or SD card, use"
                    + " -Dskiff.device=/dev/sdX instead.");
        }
        throw new SkiffException("skiff.imageFile " + target + " is " + kind(target) + ", not a disk image file."
                + " Refusing to replace it with one. To write a disk or SD card, use -Dskiff.device=" + target
                + " instead: it checks that the device is a whole disk that is not mounted or in use, and asks"
                + " before writing.");
    }

    /** What a non-regular file is, for messages: {@code a character device}, {@code a FIFO}, ... */
    private static String kind(Path p) {
        try {
            int type = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            return switch (type) {
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0010000 -> "a FIFO (named pipe)";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a device or other special file";
        }
    }
}
