package dev.skiff.image;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the image to write to a whole disk or SD card among Buildroot's outputs.
 *
 * <p>The rule, first match wins, looking only at regular files (or links to them) directly in
 * the images directory, because Buildroot's {@code genimage} and board scripts put disk images
 * there:
 *
 * <ol>
 *   <li>{@code disk.img}: SkiffOS's and most x86/virt boards' name;
 *   <li>{@code sdcard.img}: Buildroot's name for ARM boards ({@code genimage.cfg} convention);
 *   <li>the {@code *.img}, if there is exactly one, e.g. {@code rpi4-64.img};
 *   <li>the {@code *.wic}, if there is exactly one (a {@code wic} whole-disk image next to
 *       several partition {@code .img} files is the disk).
 * </ol>
 *
 * <p>Otherwise there is none ({@code null}). In particular several {@code *.img} and no other
 * match is ambiguous: guessing could flash a boot partition image as a whole disk, so nothing is
 * chosen and the caller must ask the user to name one ({@link #candidates} lists them).
 * Partition images ({@code rootfs.ext4}, {@code boot.vfat}) and kernels never qualify.
 */
public final class DiskImage {

    private static final List<String> PREFERRED = List.of("disk.img", "sdcard.img");
    private static final List<String> PATTERNS = List.of(".img", ".wic");

    private DiskImage() {}

    /** The flashable disk image in {@code imagesDir} by the rule above, or {@code null}. */
    public static Path find(Path imagesDir) {
        for (String name : PREFERRED) {
            Path p = imagesDir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        for (String suffix : PATTERNS) {
            List<Path> matches = withSuffix(imagesDir, suffix);
            if (matches.size() == 1) {
                return matches.get(0);
            }
        }
        return null;
    }

    /** Every file that could be a disk image ({@code *.img}, {@code *.wic}), sorted by name. */
    public static List<Path> candidates(Path imagesDir) {
        return Stream.concat(withSuffix(imagesDir, ".img").stream(),
                withSuffix(imagesDir, ".wic").stream()).toList();
    }

    private static List<Path> withSuffix(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)
                            && p.getFileName().toString().length() > suffix.length()
                            && Files.isRegularFile(p))
                    .sorted((a, b) -> EntryName.BYTE_ORDER.compare(
                            a.getFileName().toString(), b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new SkiffException("Cannot list the images directory " + dir + ": "
                    + e.getMessage(), e);
        }
    }
}
