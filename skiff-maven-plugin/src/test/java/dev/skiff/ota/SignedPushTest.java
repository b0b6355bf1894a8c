package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.image.ImageSource;
import dev.skiff.image.TamperedBundles;
import dev.skiff.sign.TestKeys;
import dev.skiff.sign.TrustedKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skiff:push's order with skiff.trustedKeys, against the real test sshd: the signature is checked
 * and the bundle extracted before the device is contacted, so a refused bundle leaves the device's
 * boot directory exactly as it was.
 */
class SignedPushTest {
    @TempDir
    Path tmp;

    @Test
    void onlyATrustedBundleIsPushedAndTheDeviceDirIsUntouchedOtherwise() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.writeString(images.resolve("Image"), "signed kernel\n");
        Files.writeString(images.resolve("config.txt"), "kernel=Image\n");
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Path[] release = TestKeys.generate(keys, "release");
        Path[] other = TestKeys.generate(keys, "other");
        TrustedKeys trusted = TrustedKeys.load(release[1]);
        Map<String, Path> bundles = TamperedBundles.of(images, tmp, release[0], other[0], "signed kernel");
        try (TestSshd sshd = TestSshd.start(tmp.resolve("sshd"))) {
            Path boot = Files.createDirectories(tmp.resolve("device/mnt/boot"));
            push(sshd, boot, bundles.get("good"), trusted);
            assertEquals("signed kernel\n", Files.readString(boot.resolve("Image")));
            Map<String, String> before = tree(boot);
            for (Map.Entry<String, Path> b : bundles.entrySet()) {
                if (b.getKey().equals("good")) continue;
                SkiffException e = assertThrows(SkiffException.class, () -> push(sshd, boot, b.getValue(), trusted),
                        b.getKey());
                assertTrue(e.getMessage().contains("Refusing image bundle") || e.getMessage().contains("is damaged"),
                        b.getKey() + ": " + e.getMessage());
                assertEquals(before, tree(boot), b.getKey() + " changed the device's boot directory");
            }
        }
    }

    /** What PushMojo does: the image source first, then the connection. */
    private void push(TestSshd sshd, Path boot, Path bundle, TrustedKeys trusted) {
        try (ImageSource src = ImageSource.fromBundle(bundle, tmp.resolve("scratch"), trusted, m -> { });
                DeviceConnection c = sshd.connect()) {
            new BootSetPush(c, boot.toString(), PushProgress.NONE).push(PushFile.allOf(src));
        }
    }

    private static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                m.put(rel, Files.isRegularFile(p) ? dev.skiff.Sha256.of(p) + " " + Files.getLastModifiedTime(p)
                        : Files.isDirectory(p) ? "dir " + Files.getLastModifiedTime(p) : "other");
            }
        }
        return m;
    }
}
