package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.image.ImageSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushFileTest {
    @TempDir
    Path tmp;

    @Test
    void bootSetIsEveryImageFileButTheDiskImage() throws Exception {
        Files.createDirectories(tmp.resolve("overlays"));
        Files.writeString(tmp.resolve("Image"), "k");
        Files.writeString(tmp.resolve("overlays/a.dtbo"), "o");
        Files.writeString(tmp.resolve("sdcard.img"), "disk");
        try (ImageSource src = ImageSource.fromDirectory(tmp, List.of())) {
            List<PushFile> files = PushFile.allOf(src);
            assertEquals(List.of("Image", "overlays/a.dtbo"), files.stream().map(PushFile::path).toList());
            assertEquals(tmp.resolve("Image"), files.get(0).local());
        }
    }

    @Test
    void pathsMustBeSafeOnTheDeviceShellAndFat() {
        assertNull(PushFile.invalidPath("rpi-firmware/overlays/vc4-kms-v3d.dtbo"));
        assertNull(PushFile.invalidPath("bcm2711-rpi-4-b.dtb"));
        for (String bad : List.of("/abs", "a//b", "a/../b", "./a", "with space", "-rf", "a/$(x)", "quote'", ".skiff-set",
                ".skiff-staging/x", "a/*")) {
            assertTrue(PushFile.invalidPath(bad) != null, bad);
        }
        SkiffException e = assertThrows(SkiffException.class,
                () -> new PushFile("my file", tmp, 0, "0".repeat(64), false));
        assertTrue(e.getMessage().contains("'my file'"), e.getMessage());
    }

    @Test
    void bootDirMustBeAPlainAbsolutePath() {
        assertEquals("/mnt/boot", BootSetPush.checkBootDir("/mnt/boot/"));
        for (String bad : new String[] {"", "mnt/boot", "/", "/mnt/../etc", "/mnt//boot"}) {
            assertThrows(SkiffException.class, () -> BootSetPush.checkBootDir(bad), bad);
        }
    }

    @Test
    void sha256sumOutputIsParsed() {
        String sum = "a".repeat(64);
        assertEquals(java.util.Map.of("Image", sum, "overlays/x.dtbo", sum),
                BootSetPush.hashes(sum + "  Image\n" + sum + " *overlays/x.dtbo\nsha256sum: y: No such file\nnot a line\n"));
    }
}
