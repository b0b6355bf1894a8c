package dev.skiff.configure;

import dev.skiff.layer.LayerCatalog;
import dev.skiff.layer.LayerName;
import dev.skiff.layer.LayerRoot;
import dev.skiff.testing.LayerTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A project directory with its own layers, plus minimal base layers, for merge tests. */
final class MergeFixture {
    final LayerTree project;
    final LayerTree layers;
    final Path workspaceDir;
    List<String> allow = new ArrayList<>();
    String hostname = "skiff";
    VersionInfo version = new VersionInfo("1.0.0", "v1.0.0-3-gabcdef0", "0.1.0");
    boolean stock;

    MergeFixture(Path tmp) {
        project = new LayerTree(tmp.resolve("project"));
        layers = new LayerTree(tmp.resolve("project/layers"));
        workspaceDir = tmp.resolve("project/workspaces/default");
        layers.layer("base/pre", "test base pre", null);
        layers.layer("base/post", "test base post", null);
    }

    /** Uses the real stock library behind the project's layers, with the stock base layers. */
    MergeFixture withStock() throws java.io.IOException {
        stock = true;
        // The fixture's own base layers would shadow the stock ones.
        dev.skiff.FileTree.delete(layers.root().resolve("base"));
        return this;
    }

    LayerCatalog catalog() {
        List<LayerRoot> roots = new ArrayList<>();
        roots.add(new LayerRoot("project", layers.root()));
        if (stock) roots.add(new LayerRoot("stock", LayerTree.stockLayers()));
        return LayerCatalog.scan(roots, Map.of());
    }

    ConfigureRequest request(String chain) {
        return request(chain, "default");
    }

    ConfigureRequest request(String chain, String workspace) {
        return new ConfigureRequest(chain, "test", workspace, workspaceDir.resolveSibling(workspace), project.root(),
                catalog(), LayerName.parse("base/pre", "t"), LayerName.parse("base/post", "t"), hostname, allow, version);
    }

    EffectiveConfig merge(String chain) {
        return LayerMerge.merge(request(chain));
    }
}
