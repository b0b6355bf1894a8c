package dev.skiff.bench;

import dev.skiff.image.ImageSource;
import dev.skiff.install.DiskLayout;
import dev.skiff.install.DiskLayoutParser;
import dev.skiff.install.ImageFileInstall;
import dev.skiff.install.InstallResult;
import dev.skiff.install.SparseCopy;
import dev.skiff.install.Tools;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Writing a 2 GiB mostly-empty disk image: Skiff's sparse copy against {@code dd bs=4M
 * conv=fsync} of the same raw image, both to a new file and both including fsync. Throughput is
 * logical bytes (the image's size) per second. The raw image is built first with the real
 * install path (a Pi-style layout: 256 MiB FAT with 64 MiB of incompressible files, 512 MiB
 * ext4, the rest ext4 persist), which is timed too.
 *
 * <p>Run: {@code ./mvnw -q -pl skiff-maven-plugin -am test-compile exec:java -Pbench-install}
 * (args: [work directory] [rounds]; default a temporary directory under target/, 3 rounds).
 */
public final class InstallBenchmark {
    static final long SIZE = 2L << 30;

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Path.of("target");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Files.createDirectories(base);
        Path work = Files.createTempDirectory(base.toAbsolutePath(), "install-bench-");
        Tools tools = Tools.system();
        for (String t : List.of("sfdisk", "mkfs.vfat", "mcopy", "mke2fs", "debugfs", "dd")) {
            if (tools.find(t) == null) {
                System.out.println("Install benchmark skipped: " + t + " is missing (apt-get install fdisk dosfstools mtools e2fsprogs).");
                return;
            }
        }
        try {
            Path images = work.resolve("images");
            Files.createDirectories(images.resolve("rpi-firmware"));
            Random random = new Random(42);
            writeRandom(images.resolve("Image"), 16 << 20, random);
            writeRandom(images.resolve("rootfs.cpio.gz"), 48 << 20, random);
            Files.writeString(images.resolve("bcm2711-rpi-4-b.dtb"), "dtb");
            Files.writeString(images.resolve("rpi-firmware/config.txt"), "kernel=Image\n");
            Path layoutFile = work.resolve("layout.yaml");
            Files.writeString(layoutFile, String.join("\n",
                    "table: msdos", "size: 2G", "partitions:",
                    "  - {label: BOOT, role: boot, filesystem: vfat, size: 256M, contents: [{from: rpi-firmware/}, {from: \"*\"}]}",
                    "  - {label: rootfs, role: rootfs, filesystem: ext4, size: 512M}",
                    "  - {label: persist, role: persist, filesystem: ext4, size: rest}", ""));
            DiskLayout layout = DiskLayoutParser.parse(layoutFile);
            Path raw = work.resolve("raw.img");
            InstallResult built = ImageFileInstall.install(new ImageFileInstall.Request(
                    ImageSource.fromDirectory(images, List.of("pi/common")), layout, raw, false, null), tools, s -> { });
            System.out.printf(Locale.ROOT, "Install benchmark in %s%n", work);
            System.out.printf(Locale.ROOT, "image file install (format, 2 GiB, %d MiB of files): %.2f s, wrote %d MiB%n",
                    64, built.nanos() / 1e9, built.bytesWritten() >> 20);
            System.out.printf(Locale.ROOT, "%-42s %10s %10s %12s%n", "copy of the 2 GiB raw image to a new file", "seconds", "MB/s", "MiB written");
            List<double[]> dd = new ArrayList<>();
            List<double[]> scan = new ArrayList<>();
            List<double[]> mapped = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                dd.add(time(() -> {
                    Path out = work.resolve("dd.img");
                    Files.deleteIfExists(out);
                    tools.run(List.of("dd", "if=" + raw, "of=" + out, "bs=4M", "conv=fsync", "status=none"), null);
                    return SIZE;
                }));
                scan.add(time(() -> {
                    Path out = work.resolve("sparse.img");
                    Files.deleteIfExists(out);
                    return SparseCopy.copyFile(raw, out).written();
                }));
                mapped.add(time(() -> {
                    Path out = work.resolve("mapped.img");
                    Files.deleteIfExists(out);
                    return SparseCopy.copyFile(raw, out, tools).written();
                }));
            }
            report("dd bs=4M conv=fsync", dd);
            report("SparseCopy, zero-block scan", scan);
            report("SparseCopy, filefrag data map + scan", mapped);
            for (String n : List.of("dd.img", "sparse.img", "mapped.img")) {
                try (FileChannel a = FileChannel.open(raw); FileChannel b = FileChannel.open(work.resolve(n))) {
                    SparseCopy.verify(a, 0, SIZE, b, 0, SparseCopy.Mode.EXACT, n);
                }
            }
            System.out.println("All copies are byte-identical to the raw image.");
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    interface Run {
        long run() throws Exception;
    }

    private static double[] time(Run r) throws Exception {
        long t0 = System.nanoTime();
        long written = r.run();
        return new double[] {(System.nanoTime() - t0) / 1e9, written};
    }

    private static void report(String name, List<double[]> runs) {
        double[] best = runs.stream().min(Comparator.comparingDouble(r -> r[0])).orElseThrow();
        List<Double> secs = runs.stream().map(r -> r[0]).sorted().toList();
        double median = secs.get(secs.size() / 2);
        System.out.printf(Locale.ROOT, "%-42s %10.2f %10.0f %12.0f   (median of %d; best %.2f s)%n", name, median,
                SIZE / 1e6 / median, best[1] / (1 << 20), runs.size(), best[0]);
    }

    private static void writeRandom(Path f, int bytes, Random random) throws Exception {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        Files.write(f, b);
    }
}
