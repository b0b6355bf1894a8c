package dev.skiff.ota;

import dev.skiff.image.ImageSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The OTA benchmark (README "Benchmarks"): an A/B push of a Pi-sized boot set in which one file
 * changed, into the inactive slot of a fake device root over a real sshd on 127.0.0.1, running
 * the base layer's real {@code skiff-slot} (verify and arm). Reports the bytes the push sent and
 * the time, against pushing the same set into an empty slot without seeding from the running
 * one (every byte sent), which is what a naive A/B push would do.
 *
 * <pre>./mvnw -q -pl skiff-maven-plugin test-compile exec:java -Pbench-ota</pre>
 */
public final class OtaBenchmark {
    private static final int RUNS = 5;

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory(Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir")), "bench-ota-");
        Path v1 = images(work.resolve("v1"), 0);
        Path v2 = images(work.resolve("v2"), 1); // the same set with one file (the 40 KiB DTB) changed
        long setBytes = bytes(v2);
        List<Long> abMillis = new ArrayList<>();
        List<Long> fullMillis = new ArrayList<>();
        long abSent = -1;
        int abFiles = -1;
        long fullSent = -1;
        for (int run = 0; run < RUNS; run++) {
            Path dir = work.resolve("run-" + run);
            Path root = Files.createDirectories(dir.resolve("device"));
            FakePiDevice.create(root);
            try (TestSshd sshd = FakePiDevice.sshd(dir, root)) {
                try (DeviceConnection c = sshd.connect()) {
                    new BootSetPush(c, root.resolve("mnt/boot-a").toString(), PushProgress.NONE).push(files(v1));
                    long t0 = System.nanoTime();
                    SlotDevice.SlotPush p = new SlotDevice(c, PushProgress.NONE).push(files(v2));
                    abMillis.add((System.nanoTime() - t0) / 1_000_000);
                    abSent = p.push().uploadedBytes();
                    abFiles = p.push().uploadedFiles();
                    if (!p.after().trial().equals("b")) throw new IllegalStateException("slot b was not armed: " + p.after());
                    Path empty = Files.createDirectories(root.resolve("mnt/boot-naive"));
                    t0 = System.nanoTime();
                    PushResult full = new BootSetPush(c, empty.toString(), PushProgress.NONE).push(files(v2));
                    fullMillis.add((System.nanoTime() - t0) / 1_000_000);
                    fullSent = full.uploadedBytes();
                }
            }
        }
        System.out.printf(Locale.ROOT, "set: %d files, %.1f MiB; one file changed (bcm2711-rpi-4-b.dtb, 40 KiB)%n",
                files(v2).size(), setBytes / 1048576.0);
        System.out.printf(Locale.ROOT, "| push | sent | median time | min time |%n|---|---|---|---|%n");
        System.out.printf(Locale.ROOT, "| A/B push into slot b, seeded from running slot a (skiff:push) | %d files, %d bytes | %d ms | %d ms |%n",
                abFiles, abSent, median(abMillis), Collections.min(abMillis));
        System.out.printf(Locale.ROOT, "| same set into an empty directory, no seeding | %.1f MiB | %d ms | %d ms |%n",
                fullSent / 1048576.0, median(fullMillis), Collections.min(fullMillis));
    }

    /** A Pi 4 boot set of about 40 MiB; {@code variant} 1 changes only the DTB. */
    private static Path images(Path dir, int variant) throws Exception {
        Files.createDirectories(dir.resolve("overlays"));
        Files.write(dir.resolve("Image"), random(24 << 20, 1));
        Files.write(dir.resolve("rootfs.cpio.gz"), random(14 << 20, 2));
        Files.write(dir.resolve("start4.elf"), random(2 << 20, 3));
        Files.write(dir.resolve("fixup4.dat"), random(5 << 10, 4));
        Files.write(dir.resolve("bcm2711-rpi-4-b.dtb"), random(40 << 10, 5 + variant * 100));
        for (int i = 0; i < 20; i++) Files.write(dir.resolve("overlays/o" + i + ".dtbo"), random(4 << 10, 10 + i));
        Files.writeString(dir.resolve("config.txt"), "kernel=Image\ninitramfs rootfs.cpio.gz\n");
        Files.writeString(dir.resolve("skiff-image.json"), "{\n  \"version\" : \"" + (variant + 1) + ".0\"\n}\n");
        return dir;
    }

    private static List<PushFile> files(Path images) {
        try (ImageSource src = ImageSource.fromDirectory(images, List.of())) {
            return PushFile.allOf(src);
        }
    }

    private static long bytes(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static long median(List<Long> l) {
        List<Long> s = new ArrayList<>(l);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
