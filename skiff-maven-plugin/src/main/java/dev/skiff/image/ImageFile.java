package dev.skiff.image;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One regular file of an image bundle, as listed in its manifest.
 *
 * @param path relative to the images directory, {@code /}-separated
 * @param sha256 lower-case hex
 * @param mode octal permission bits as stored in the bundle: {@code 0755} or {@code 0644}
 */
@JsonPropertyOrder({"path", "size", "sha256", "mode"})
public record ImageFile(String path, long size, String sha256, String mode) {
    public ImageFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(mode, "mode");
    }

    /** The mode as permission bits, for tar headers and {@code chmod}. */
    public int modeBits() {
        return Integer.parseInt(mode, 8);
    }

    static String modeString(int bits) {
        return String.format("%04o", bits);
    }
}
