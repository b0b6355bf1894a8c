package dev.skiff.ota;

import dev.skiff.SkiffException;
import dev.skiff.image.ImageFile;
import dev.skiff.image.ImageSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One file of the boot set to push.
 *
 * @param path where it goes, relative to the remote boot directory, {@code /}-separated
 * @param local the file to send
 * @param size its size in bytes
 * @param sha256 its SHA-256, lower-case hex: compared with the device's copy and checked after upload
 * @param executable whether it gets mode 0755 (best effort: FAT has no modes)
 */
public record PushFile(String path, Path local, long size, String sha256, boolean executable) {
    /**
     * Safe in a shell word, in {@code sha256sum} output and on FAT: no white space, quotes or glob
     * characters, no {@code .}/{@code ..} segments, nothing starting with {@code -}.
     */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_+@=,~][A-Za-z0-9._+@=,~-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public PushFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(sha256, "sha256");
        sha256 = sha256.toLowerCase(Locale.ROOT);
        String why = invalidPath(path);
        if (why != null) {
            throw new SkiffException("cannot push image file '" + path + "': " + why
                    + ". Boot set paths use letters, digits and . _ + @ = , ~ - only.");
        }
        if (!SHA256.matcher(sha256).matches()) throw new IllegalArgumentException("not a SHA-256: " + sha256);
        if (size < 0) throw new IllegalArgumentException("negative size");
    }

    /** Why {@code path} cannot be a boot set path, or null. */
    static String invalidPath(String path) {
        if (path.isEmpty()) return "the path is empty";
        if (path.startsWith("/")) return "the path is absolute";
        if (path.startsWith(".skiff")) return "names starting with .skiff are reserved for push's own state";
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty()) return "the path has an empty segment";
            if (!SEGMENT.matcher(seg).matches()) return "the segment '" + seg + "' has characters a device shell or FAT cannot take";
        }
        return null;
    }

    /**
     * Every file of an image except its flashable disk image: today's boot set. When the disk
     * layouts map image files to partitions, pass only the boot partition's files instead.
     */
    public static List<PushFile> allOf(ImageSource image) {
        List<PushFile> out = new ArrayList<>();
        for (ImageFile f : image.files()) {
            if (f.path().equals(image.diskImage())) continue;
            out.add(new PushFile(f.path(), image.dir().resolve(f.path()), f.size(), f.sha256(), (f.modeBits() & 0111) != 0));
        }
        if (out.isEmpty()) {
            throw new SkiffException("the image in " + image.dir() + " has no files to push"
                    + (image.diskImage() == null ? "" : " besides the disk image " + image.diskImage()) + ".");
        }
        return out;
    }
}
