package dev.skiff.install;

import static dev.skiff.install.DiskFixtures.TOOLS;
import static dev.skiff.install.DiskFixtures.sha256;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skiff:install's order with skiff.trustedKeys: the signature, then extraction, then the disk. */
class SignedBundleInstallTest {
    @TempDir
    Path tmp;

    @Test
    void onlyABundleSignedByATrustedKeyIsInstalledAndTheDiskImageIsUntouchedOtherwise() throws Exception {
        DiskFixtures.assumeTools();
        Path images = DiskFixtures.piImages(tmp.resolve("images"), "signed kernel\n");
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Path[] release = TestKeys.generate(keys, "release");
        Path[] other = TestKeys.generate(keys, "other");
        TrustedKeys trusted = TrustedKeys.load(release[1]);
        Map<String, Path> bundles = TamperedBundles.of(images, tmp, release[0], other[0], "signed kernel");
        DiskLayout layout = DiskFixtures.smallPiLayout(tmp);
        Path disk = tmp.resolve("pi.img");
        List<String> log = new ArrayList<>();
        try (ImageSource src = ImageSource.fromBundle(bundles.get("good"), tmp.resolve("scratch"), trusted, log::add)) {
            ImageFileInstall.install(new ImageFileInstall.Request(src, layout, disk, false, null), TOOLS, log::add);
        }
        assertTrue(log.get(0).contains("is signed by trusted key"), log.get(0));
        String before = sha256(disk);
        for (Map.Entry<String, Path> b : bundles.entrySet()) {
            if (b.getKey().equals("good")) continue;
            SkiffException e = assertThrows(SkiffException.class, () -> {
                try (ImageSource src = ImageSource.fromBundle(b.getValue(), tmp.resolve("scratch"), trusted, log::add)) {
                    ImageFileInstall.install(new ImageFileInstall.Request(src, layout, disk, false, null), TOOLS, log::add);
                }
            }, b.getKey());
            assertTrue(e.getMessage().contains("Refusing image bundle") || e.getMessage().contains("is damaged"),
                    b.getKey() + ": " + e.getMessage());
            assertEquals(before, sha256(disk), b.getKey() + " changed the disk image");
        }
        // Without trusted keys an unsigned bundle installs as before.
        try (ImageSource src = ImageSource.fromBundle(bundles.get("unsigned"), tmp.resolve("scratch"), null, log::add)) {
            ImageFileInstall.install(new ImageFileInstall.Request(src, layout, disk, false, null), TOOLS, log::add);
        }
        assertTrue(log.stream().anyMatch(l -> l.endsWith("unsigned.tar is not signed.")), String.join("\n", log));
    }
}
