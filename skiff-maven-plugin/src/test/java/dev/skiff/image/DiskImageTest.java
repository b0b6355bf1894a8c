package dev.skiff.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskImageTest {

    @TempDir
    Path images;

    private void touch(String... names) throws IOException {
        for (String n : names) {
            Files.createDirectories(images.resolve(n).getParent());
            Files.writeString(images.resolve(n), n);
        }
    }

    private String found() {
        Path p = DiskImage.find(images);
        return p == null ? null : images.relativize(p).toString();
    }

    @Test
    void diskImgWinsOverEverything() throws IOException {
        touch("disk.img", "sdcard.img", "other.img", "x.wic", "rootfs.ext4");
        assertEquals("disk.img", found());
    }

    @Test
    void sdcardImgWinsOverOtherImages() throws IOException {
        touch("sdcard.img", "boot.img", "x.wic");
        assertEquals("sdcard.img", found());
    }

    @Test
    void aSingleImgIsTheDisk() throws IOException {
        touch("rpi4-64.img", "x.wic", "bzImage");
        assertEquals("rpi4-64.img", found());
    }

    @Test
    void severalImgAreAmbiguousUnlessOneWicExists() throws IOException {
        touch("boot.img", "rootfs.img");
        assertNull(found(), "guessing could flash a partition image as a whole disk");
        assertEquals(List.of(images.resolve("boot.img"), images.resolve("rootfs.img")),
                DiskImage.candidates(images));
        touch("board.wic");
        assertEquals("board.wic", found());
    }

    @Test
    void aSingleWicIsTheDisk() throws IOException {
        touch("core-image.wic", "rootfs.ext2");
        assertEquals("core-image.wic", found());
    }

    @Test
    void partitionImagesKernelsAndSubdirectoriesDoNotCount() throws IOException {
        touch("rootfs.ext4", "boot.vfat", "bzImage", "sub/disk.img", ".img");
        Files.createDirectories(images.resolve("dir.img"));
        assertNull(found());
        assertNull(DiskImage.find(images.resolve("missing")));
    }
}
