package dev.skiff.layer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A directory holding layers as {@code <category>/<name>/}. {@code label} says where it came
 * from ("project", "extra", "stock skiff-layers 0.1.0") so every report can name the source;
 * {@code kind} decides the policy for its layers (a symbol dropped from a SkiffOS layer is a
 * warning, as SkiffOS accepts it; from the project's or the stock layers, an error).
 */
public record LayerRoot(String label, Path dir, Kind kind) {
    /** Where a root comes from, in the order roots are searched. */
    public enum Kind {
        /** The project's own {@code layers/} (or {@code skiff.layerRoots}). */
        PROJECT,
        /** {@code skiff.extraRoots} and {@code SKIFF_EXTRA_CONFIGS_PATH}. */
        EXTRA,
        /** The {@code configs/} (and {@code configs-base/}) of a SkiffOS tree. */
        SKIFFOS,
        /** Layer-library jars: {@code skiff.layerArchives} and plugin dependencies. */
        PACK,
        /** The stock library {@code skiff-layers}. */
        STOCK,
        /** A per-layer directory ({@code skiff.layerPaths}, {@code SKIFF_CONFIG_PATH_<CAT>_<NAME>}). */
        PATH
    }

    public LayerRoot {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(kind, "kind");
    }

    /** Whether layers from here are read and checked as SkiffOS reads them (tolerant). */
    public boolean isSkiffos() {
        return kind == Kind.SKIFFOS;
    }

    @Override
    public String toString() {
        return label + " (" + dir + ")";
    }
}
