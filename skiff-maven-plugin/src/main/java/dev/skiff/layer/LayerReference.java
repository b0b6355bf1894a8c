package dev.skiff.layer;

import java.nio.file.Path;

/** A layer named somewhere, with the place it was named, for errors that point at the line. */
public record LayerReference(LayerName name, Path file, int line) {
    public String where() {
        return file == null ? "chain" : file + ":" + line;
    }
}
