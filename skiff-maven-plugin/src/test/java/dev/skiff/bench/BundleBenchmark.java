package dev.skiff.bench;

import dev.skiff.image.BundleResult;
import dev.skiff.image.ImageBundle;
import dev.skiff.image.ImageMetadata;
import dev.skiff.image.ImageVersions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Times {@link ImageBundle#write} (tar + SHA-256 of every file + manifest, to a file) against
 * the shell baseline {@code tar -cf - -C dir . | sha256sum} over 1 GiB of image data. Target:
 * at least 80% of the baseline's throughput.
 *
 * <p>Same conditions for both: the data was just written, so it is in the page cache for every
 * run, and nothing is dropped from the cache (that needs root and would measure the disk, not
 * the code). The baseline writes to a pipe while the bundle goes to a file (also page cache),
 * which if anything favours the baseline. Runs alternate so drift hits both alike.
 *
 * <p>Run: {@code ./mvnw -q -pl skiff-maven-plugin -am test-compile exec:java -Pbench-bundle}
 * (optional argument: the directory to put the temporary data in; default java.io.tmpdir).
 */
public final class BundleBenchmark {

    private static final int MIB = 1 << 20;
    private static final int RUNS = 3;

    public static void main(String[] args) throws Exception {
        Path parent = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        Path work = Files.createTempDirectory(parent, "skiff-bundle-bench");
        try {
            Path images = Files.createDirectories(work.resolve("images"));
            long bytes = generate(images);
            System.out.printf("Bundle benchmark: %d MiB of image data in %s, %d CPUs, %s%n",
                    bytes / MIB, images, Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));

            ImageMetadata meta = new ImageMetadata(List.of("virt/qemu", "skiff/core"),
                    List.of("virt/qemu", "skiff/core"), "bench", null,
                    new ImageVersions("0", "bench", "2026.02.3", "unknown"), null, "benchmark");
            Path out = work.resolve("bundle.tar");
            String pipeline = "set -o pipefail; tar -cf - -C '" + images + "' . | sha256sum";

            List<Double> java = new ArrayList<>();
            List<Double> shell = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                Files.deleteIfExists(out);
                long t0 = System.nanoTime();
                BundleResult r = ImageBundle.write(images, meta, 0, out);
                java.add(mbPerSecond(bytes, System.nanoTime() - t0));
                if (r.manifest().totalSize() != bytes) {
                    throw new IllegalStateException("bundled " + r.manifest().totalSize());
                }

                t0 = System.nanoTime();
                Process p = new ProcessBuilder("bash", "-c", pipeline)
                        .redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException(pipeline + " failed: " + output);
                }
                shell.add(mbPerSecond(bytes, System.nanoTime() - t0));
            }
            Files.deleteIfExists(out);

            report("ImageBundle.write", java);
            report("tar -cf - | sha256sum", shell);
            System.out.printf("ratio (bundle / tar pipeline): best %.2f, median %.2f"
                    + " (target >= 0.80)%n", best(java) / best(shell),
                    median(java) / median(shell));
        } finally {
            dev.skiff.FileTree.delete(work);
        }
    }

    /**
     * 1 GiB like a board's images: one 768 MiB disk image and 256 MiB over eight smaller files.
     * Content is a 1 MiB random block written over and over with a different first 8 bytes, so
     * no two blocks are equal yet generating it costs next to nothing.
     */
    private static long generate(Path images) throws IOException {
        byte[] block = new byte[MIB];
        new Random(1).nextBytes(block);
        long total = write(images.resolve("disk.img"), 768, block, 0);
        String[] small = {"bzImage", "rootfs.squashfs", "rootfs.cpio", "modules.squashfs",
            "boot/u-boot.bin", "boot/bcm2711.dtb", "boot/firmware.bin", "overlays/all.dtbo"};
        for (int i = 0; i < small.length; i++) {
            total += write(images.resolve(small[i]), 256 / small.length, block, (i + 1) << 20);
        }
        return total;
    }

    private static long write(Path file, int mib, byte[] block, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        ByteBuffer first = ByteBuffer.wrap(block, 0, 8);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long i = 0; i < mib; i++) {
                first.clear();
                first.putLong(seed + i);
                out.write(block);
            }
        }
        return (long) mib * MIB;
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static double best(List<Double> runs) {
        return runs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    private static double median(List<Double> runs) {
        return runs.stream().sorted().toList().get(runs.size() / 2);
    }

    private static void report(String what, List<Double> runs) {
        System.out.printf("%-24s best %7.1f MB/s  median %7.1f MB/s  runs %s%n", what,
                best(runs), median(runs),
                runs.stream().map(r -> String.format("%.1f", r)).toList());
    }
}
