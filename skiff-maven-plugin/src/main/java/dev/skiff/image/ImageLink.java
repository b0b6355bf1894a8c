package dev.skiff.image;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A symbolic link of an image bundle. Listed in the manifest so that verification also covers
 * links: a retargeted link changes what gets flashed as surely as a changed byte does.
 *
 * @param path relative to the images directory, {@code /}-separated
 * @param target the link text, always relative and inside the bundle
 */
@JsonPropertyOrder({"path", "target"})
public record ImageLink(String path, String target) {
    public ImageLink {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(target, "target");
    }
}
