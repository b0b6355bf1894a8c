package dev.skiff.layer;

import java.nio.file.Path;

/**
 * A directory holding layers as {@code <category>/<name>/}. {@code label} says where it came
 * from ("project", "extra", "stock skiff-layers 0.1.0") so every report can name the source.
 */
public record LayerRoot(String label, Path dir) {
    @Override
    public String toString() {
        return label + " (" + dir + ")";
    }
}
