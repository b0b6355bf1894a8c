package dev.skiff.bench;

import dev.skiff.image.BundleResult;
import dev.skiff.image.BundleSignature;
import dev.skiff.image.SignatureCheck;
import dev.skiff.image.SigningCost;
import dev.skiff.image.ImageBundle;
import dev.skiff.image.ImageMetadata;
import dev.skiff.image.ImageVersions;
import dev.skiff.sign.SigningKey;
import dev.skiff.sign.TestKeys;
import dev.skiff.sign.TrustedKeys;
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
 * at least 80% of the baseline's throughput. Also times the same bundle signed (Ed25519,
 * {@code skiff.signingKey}) and {@link ImageBundle#verify} with and without the signature check
 * of {@code skiff.trustedKeys}. Target: signing and checking add under 5%.
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

            Path signedOut = work.resolve("signed.tar");
            Path[] keys = TestKeys.generate(work, "bench");
            SigningKey key = SigningKey.resolve(keys[0], null, null);
            TrustedKeys trusted = TrustedKeys.load(keys[1]);

            List<Double> java = new ArrayList<>();
            List<Double> shell = new ArrayList<>();
            List<Double> signed = new ArrayList<>();
            List<Double> verify = new ArrayList<>();
            List<Double> verifySigned = new ArrayList<>();
            List<Double> signatureMillis = new ArrayList<>();
            List<Double> signMillis = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                // Unsigned and signed alternate which goes first, and each bundle is deleted
                // before the other is written, so both meet the same page cache and writeback.
                for (boolean sign : i % 2 == 0 ? new boolean[] {false, true}
                        : new boolean[] {true, false}) {
                    Path file = sign ? signedOut : out;
                    long t0 = System.nanoTime();
                    BundleResult r = ImageBundle.write(images, meta, 0, file, sign ? key : null);
                    (sign ? signed : java).add(mbPerSecond(bytes, System.nanoTime() - t0));
                    if (r.manifest().totalSize() != bytes || (r.signature() != null) != sign) {
                        throw new IllegalStateException("bundled " + r.manifest().totalSize());
                    }
                    // skiff:verify without, and with skiff.trustedKeys.
                    t0 = System.nanoTime();
                    if (sign) {
                        if (BundleSignature.check(file, trusted).status()
                                != SignatureCheck.Status.TRUSTED) {
                            throw new IllegalStateException("signature not trusted");
                        }
                        signatureMillis.add((System.nanoTime() - t0) / 1e6);
                    }
                    ImageBundle.verify(file);
                    (sign ? verifySigned : verify).add(mbPerSecond(bytes, System.nanoTime() - t0));
                    if (sign) {
                        signMillis.add(SigningCost.signMillis(file, key));
                    }
                    Files.delete(file);
                }

                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("bash", "-c", pipeline)
                        .redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException(pipeline + " failed: " + output);
                }
                shell.add(mbPerSecond(bytes, System.nanoTime() - t0));
            }

            report("ImageBundle.write", java);
            report("tar -cf - | sha256sum", shell);
            System.out.printf("ratio (bundle / tar pipeline): best %.2f, median %.2f"
                    + " (target >= 0.80)%n", best(java) / best(shell),
                    median(java) / median(shell));
            report("write, signed", signed);
            report("verify", verify);
            report("verify, trusted keys", verifySigned);
            // Throughput ratios on a shared machine move by several percent from run to run
            // whatever the code does; the signature check's own time is the steadier figure.
            System.out.printf("signing overhead (unsigned / signed throughput - 1): best %+.1f%%,"
                    + " median %+.1f%% (target < 5%%)%n", (best(java) / best(signed) - 1) * 100,
                    (median(java) / median(signed) - 1) * 100);
            System.out.printf("verify overhead with trusted keys: best %+.1f%%, median %+.1f%%"
                    + " (target < 5%%); the signature check alone: median %.1f ms, runs %s%n",
                    (best(verify) / best(verifySigned) - 1) * 100,
                    (median(verify) / median(verifySigned) - 1) * 100, median(signatureMillis),
                    signatureMillis.stream().map(m -> String.format("%.1f", m)).toList());
            System.out.printf("signing alone (list, manifest SHA-256, Ed25519) inside write: median"
                    + " %.2f ms, runs %s%n", median(signMillis),
                    signMillis.stream().map(m -> String.format("%.2f", m)).toList());
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
