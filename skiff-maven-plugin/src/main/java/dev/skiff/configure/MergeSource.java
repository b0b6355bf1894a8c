package dev.skiff.configure;

import dev.skiff.layer.LayerRoot;
import java.nio.file.Path;
import java.util.List;

/**
 * One directory taking part in the merge, in merge order: a base layer, a chain layer or an
 * overrides directory.
 *
 * @param root where a layer was found; null for the project's overrides directories
 * @param shadowed later roots that also define the layer, whose copy this one replaces (a project
 *     layer of the same name as SkiffOS's, say): not an error, but the effective view names them
 */
public record MergeSource(String label, Path dir, Kind kind, LayerRoot root, List<LayerRoot> shadowed) {
    public enum Kind { BASE, LAYER, OVERRIDE }

    public MergeSource {
        shadowed = List.copyOf(shadowed);
    }

    public MergeSource(String label, Path dir, Kind kind, LayerRoot root) {
        this(label, dir, kind, root, List.of());
    }

    /**
     * Whether this source is a layer of a SkiffOS tree: read as SkiffOS reads it (a line Kconfig
     * skips is a warning), and a symbol Kconfig drops from it is a warning, since SkiffOS accepts it.
     */
    public boolean tolerant() {
        return root != null && root.isSkiffos();
    }
}
