package dev.skiff.configure;

import dev.skiff.layer.LayerCatalog;
import dev.skiff.layer.LayerName;
import dev.skiff.layer.LayerRoot;
import dev.skiff.layer.LayerSources;
import dev.skiff.layer.SkiffosTree;
import dev.skiff.testing.LayerTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A project directory with its own layers, plus minimal base layers, for merge tests. */
final class MergeFixture {
    final LayerTree project;
    final LayerTree layers;
    final Path workspaceDir;
    List<String> allow = new ArrayList<>();
    String hostname;
    boolean strict;
    VersionInfo version = new VersionInfo("1.0.0", "v1.0.0-3-gabcdef0", "abcdef0", "0.1.0", null);
    Path ccacheDir;
    Path overrideFile;
    Path buildrootDir;
    Map<String, String> passthrough = new LinkedHashMap<>();
    boolean stock;
    SkiffosTree skiffos;

    MergeFixture(Path tmp) {
        project = new LayerTree(tmp.resolve("project"));
        layers = new LayerTree(tmp.resolve("project/layers"));
        workspaceDir = tmp.resolve("project/workspaces/default");
        ccacheDir = tmp.resolve("ccache");
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

    /** Uses a SkiffOS tree: its configs/ after the project's layers, its configs-base/ as base layers. */
    MergeFixture withSkiffos(SkiffosTree tree) throws java.io.IOException {
        skiffos = tree;
        dev.skiff.FileTree.delete(layers.root().resolve("base"));
        return this;
    }

    LayerCatalog catalog() {
        List<LayerRoot> roots = new ArrayList<>();
        roots.add(new LayerRoot("project", layers.root(), LayerRoot.Kind.PROJECT));
        if (skiffos != null) roots.add(new LayerRoot("SkiffOS " + skiffos.version(), skiffos.configsDir(), LayerRoot.Kind.SKIFFOS));
        if (stock || skiffos != null) roots.add(new LayerRoot("stock", LayerTree.stockLayers(), LayerRoot.Kind.STOCK));
        return LayerCatalog.scan(roots, Map.of());
    }

    LayerSources sources() {
        LayerCatalog c = catalog();
        if (skiffos != null) {
            LayerRoot base = new LayerRoot("SkiffOS configs-base", skiffos.baseDir(), LayerRoot.Kind.SKIFFOS);
            return new LayerSources(c, dev.skiff.layer.Layer.read(new LayerName("base", "pre"), skiffos.baseDir().resolve("pre"), base),
                    dev.skiff.layer.Layer.read(new LayerName("base", "post"), skiffos.baseDir().resolve("post"), base), skiffos);
        }
        return new LayerSources(c, c.require(LayerName.parse("base/pre", "t"), "t"), c.require(LayerName.parse("base/post", "t"), "t"), null);
    }

    ConfigureRequest request(String chain) {
        return request(chain, "default");
    }

    ConfigureRequest request(String chain, String workspace) {
        return new ConfigureRequest(chain, "test", workspace, workspaceDir.resolveSibling(workspace), project.root(),
                sources(), hostname, allow, strict, version, ccacheDir, overrideFile, buildrootDir, passthrough);
    }

    EffectiveConfig merge(String chain) {
        return LayerMerge.merge(request(chain));
    }
}
