package dev.skiff.layer;

/**
 * Where a build's layers come from: every layer visible through the ordered roots, the two base
 * layers merged first and last, and the SkiffOS tree when the project uses one.
 *
 * @param skiffos the SkiffOS tree, or null for the stock library alone
 */
public record LayerSources(LayerCatalog catalog, Layer basePre, Layer basePost, SkiffosTree skiffos) {
    public boolean hasSkiffos() {
        return skiffos != null;
    }
}
