package dev.skiff.layer;

import java.util.List;

/**
 * A chain after dependency expansion.
 *
 * @param requested the names as the user gave them
 * @param layers the expanded chain, in merge order
 */
public record ResolvedChain(List<LayerName> requested, List<Layer> layers) {
    public ResolvedChain {
        requested = List.copyOf(requested);
        layers = List.copyOf(layers);
    }

    public List<LayerName> names() {
        return layers.stream().map(Layer::name).toList();
    }

    /** The expanded chain as upstream writes {@code skiff_config}: comma-separated. */
    public String text() {
        return String.join(",", names().stream().map(LayerName::toString).toList());
    }
}
