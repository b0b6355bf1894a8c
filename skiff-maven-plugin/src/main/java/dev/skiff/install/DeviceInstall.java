package dev.skiff.install;

import dev.skiff.FileTree;
import dev.skiff.SkiffException;
import dev.skiff.image.ImageSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes an image to a disk or SD card.
 *
 * <p>Safety first: the device must be a whole-disk block device that is not mounted, does not
 * hold the running root file system and is not otherwise in use ({@link BlockDevice.Probe}); its
 * model and size are shown and the write must be confirmed ({@link Confirmation}: a prompt on an
 * interactive terminal, or {@code -Dskiff.yes}).
 *
 * <p>The complete disk image is built first as a sparse temporary file of the device's size,
 * exactly as {@link ImageFileInstall} builds one, and then copied to the device writing only
 * blocks that hold data ({@link SparseCopy}). Where stale bytes on the device could matter (the
 * table area, FAT partitions, the first and last MiB of ext4 partitions, where file system
 * signatures live, and the end of the disk with the backup GPT), zero blocks are written too,
 * but only where the device is not zero already. Then fsync, and every written range is read back
 * from the device and compared.
 *
 * <p>A re-install (the device's table matches the layout) writes only the boot and rootfs
 * partitions and the bootloader; persist is not touched, apart from the files the layout puts in
 * it, which are replaced inside its file system.
 */
public final class DeviceInstall {
    private DeviceInstall() {}

    /** Asks the user; false means stop without writing. */
    @FunctionalInterface
    public interface Confirmation {
        boolean confirm(String question);
    }

    /**
     * @param scratch where the temporary disk image is built (sparse: it needs room only for the
     *     data, not the device's size)
     */
    public record Request(ImageSource image, DiskLayout layout, Path device, boolean format, Path scratch) {
        public Request {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(scratch, "scratch");
        }
    }

    public static InstallResult install(Request req, BlockDevice.Probe probe, Tools tools, Confirmation confirmation,
                                        Consumer<String> log) {
        long t0 = System.nanoTime();
        DiskLayout layout = req.layout();
        BlockDevice dev = probe.inspectForWriting(req.device());
        tools.require(DiskBuilder.requiredTools(layout), "writing a device");
        log.accept("Device " + dev.describe());
        PartitionTable plan = PartitionTable.plan(layout, dev.size(), dev.node().toString());
        PartitionTable actual = PartitionTable.read(tools, dev.node(), dev.size());
        boolean format = req.format() || actual == null;
        if (!format) {
            String why = plan.mismatch(actual);
            if (why != null) {
                throw new SkiffException(dev.node() + " does not match the layout " + layout.file() + ": " + why
                        + ". A re-install keeps the partitions as they are; pass -Dskiff.format to repartition it"
                        + " (this erases everything on it, persist included).");
            }
        }
        Path work = null;
        try {
            Files.createDirectories(req.scratch());
            work = Files.createTempDirectory(req.scratch(), "device-install-");
            DiskBuilder builder = new DiskBuilder(tools, layout, req.image(), work, log);
            List<String> rebuilt = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            for (Partition p : layout.partitions()) {
                if (format || p.rebuiltOnReinstall()) rebuilt.add(p.label());
                else kept.add(p.label());
            }
            String question = format
                    ? "ERASE ALL DATA on " + dev.describe() + " and write the image with layout " + layout.file()
                        + " (partitions " + String.join(", ", rebuilt) + ")?"
                    : "Re-install " + dev.describe() + ": rebuild " + String.join(", ", rebuilt)
                        + (kept.isEmpty() ? "" : " and keep " + String.join(", ", kept)) + "?";
            if (!confirmation.confirm(question)) {
                throw new SkiffException("Not confirmed: nothing was written to " + dev.node() + ".");
            }

            Path img = work.resolve("disk.img");
            SparseCopy.createSparse(img, dev.size());
            SparseCopy.Result[] built = {SparseCopy.Result.NONE};
            List<DiskBuilder.Region> regions = new ArrayList<>();
            if (format) regions.add(builder.writeTable(img, plan));
            try (FileChannel disk = FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                for (int i = 0; i < layout.partitions().size(); i++) {
                    if (format || layout.partitions().get(i).rebuiltOnReinstall()) {
                        regions.addAll(deviceRegions(builder.writePartition(disk, plan, i, built)));
                    }
                }
                regions.addAll(builder.writeBootloader(disk, built));
            }
            if (format) {
                long tail = Math.max(0, dev.size() - PartitionTable.TAIL_RESERVE);
                regions.add(new DiskBuilder.Region("end of disk", tail, dev.size() - tail, SparseCopy.Mode.EXACT));
            }

            List<long[]> map = DataMap.of(tools, img);
            log.accept("Writing " + dev.node() + " ...");
            SparseCopy.Result total = SparseCopy.Result.NONE;
            try (FileChannel src = FileChannel.open(img, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(dev.node(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                for (DiskBuilder.Region r : regions) {
                    total = total.plus(SparseCopy.copy(src, r.offset(), r.length(), out, r.offset(), r.mode(), map));
                }
                SparseCopy.sync(out);
            }
            // Drop the kernel's cached copy so that reading back reads the medium (best effort).
            tools.runAllowingFailure(List.of("blockdev", "--flushbufs", dev.node().toString()), null);
            log.accept("Verifying " + dev.node() + " ...");
            try (FileChannel src = FileChannel.open(img, StandardOpenOption.READ);
                 FileChannel back = FileChannel.open(dev.node(), StandardOpenOption.READ)) {
                for (DiskBuilder.Region r : regions) {
                    SparseCopy.verify(src, r.offset(), r.length(), back, r.offset(), r.mode(), r.what() + " of " + dev.node(), map);
                }
            }
            if (!format) {
                for (int i = 0; i < layout.partitions().size(); i++) {
                    Partition p = layout.partitions().get(i);
                    if (builder.hasFilesToUpdate(p)) builder.updateInPlace(dev.node(), p, plan.slots().get(i).start());
                }
                try (FileChannel out = FileChannel.open(dev.node(), StandardOpenOption.WRITE)) {
                    SparseCopy.sync(out);
                }
            }
            if (format) {
                // Let the kernel see the new partitions (best effort; replugging works too).
                tools.runAllowingFailure(List.of("blockdev", "--rereadpt", dev.node().toString()), null);
            }
            return new InstallResult(dev.node(), format, layout.file(), dev.size(), rebuilt, kept, total.written(),
                    total.skipped(), System.nanoTime() - t0, builder.warnings());
        } catch (IOException e) {
            throw new SkiffException("cannot write " + dev.node() + ": " + e.getMessage()
                    + (format ? ". The device is now in an undefined state; run the install again with -Dskiff.format."
                    : ". Run the install again; persist was not touched."), e);
        } finally {
            FileTree.deleteQuietly(work);
        }
    }

    /** ext4: exact first and last MiB (signatures, superblock), sparse middle. FAT: exact. */
    static List<DiskBuilder.Region> deviceRegions(DiskBuilder.Region r) {
        if (r.mode() == SparseCopy.Mode.EXACT || r.length() <= 2 * PartitionTable.MIB) {
            return List.of(new DiskBuilder.Region(r.what(), r.offset(), r.length(), SparseCopy.Mode.EXACT));
        }
        long mib = PartitionTable.MIB;
        return List.of(
                new DiskBuilder.Region(r.what(), r.offset(), mib, SparseCopy.Mode.EXACT),
                new DiskBuilder.Region(r.what(), r.offset() + mib, r.length() - 2 * mib, SparseCopy.Mode.SKIP_ZERO),
                new DiskBuilder.Region(r.what(), r.offset() + r.length() - mib, mib, SparseCopy.Mode.EXACT));
    }
}
