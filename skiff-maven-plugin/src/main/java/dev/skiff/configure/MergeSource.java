package dev.skiff.configure;

import dev.skiff.layer.LayerRoot;
import java.nio.file.Path;

/**
 * One directory taking part in the merge, in merge order: a base layer, a chain layer or an
 * overrides directory.
 *
 * @param root where a layer was found; null for the project's overrides directories
 */
public record MergeSource(String label, Path dir, Kind kind, LayerRoot root) {
    public enum Kind { BASE, LAYER, OVERRIDE }

    /**
     * Whether this source is a layer of a SkiffOS tree: read as SkiffOS reads it (a line Kconfig
     * skips is a warning), and a symbol Kconfig drops from it is a warning, since SkiffOS accepts it.
     */
    public boolean tolerant() {
        return root != null && root.isSkiffos();
    }
}
