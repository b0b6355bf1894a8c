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
}
