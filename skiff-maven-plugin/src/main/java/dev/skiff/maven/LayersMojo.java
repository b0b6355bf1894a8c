package dev.skiff.maven;

import dev.skiff.layer.Layer;
import dev.skiff.layer.LayerCatalog;
import dev.skiff.layer.LayerCommand;
import dev.skiff.layer.LayerRoot;
import dev.skiff.layer.LayerSources;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Lists the available layers with their descriptions and commands. Needs no Buildroot tree. */
@Mojo(name = "layers", requiresProject = false, threadSafe = true)
public class LayersMojo extends AbstractSkiffMojo {
    /** Also show layers marked {@code metadata/unlisted}. */
    @Parameter(property = "skiff.all", defaultValue = "false")
    private boolean all;

    /** Skip this goal. */
    @Parameter(property = "skiff.layers.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        LayerSources sources = settings().layers();
        LayerCatalog catalog = sources.catalog();
        List<Layer> layers = catalog.all();
        int hidden = 0;
        int width = layers.stream().mapToInt(l -> l.name().toString().length()).max().orElse(10);
        getLog().info("Layers by root, in search order (the first root that defines a name wins):");
        for (LayerRoot root : rootsInOrder(catalog, layers)) {
            List<Layer> here = layers.stream().filter(l -> l.root().equals(root)).toList();
            getLog().info(root.label() + " (" + root.dir() + "): " + here.size() + " layer(s)");
            for (Layer l : here) {
                if (l.unlisted() && !all) {
                    hidden++;
                    continue;
                }
                String deps = l.dependencies().isEmpty() ? ""
                        : "  [needs " + String.join(", ", l.dependencies().stream().map(d -> d.name().toString()).toList()) + "]";
                getLog().info(String.format("  %-" + width + "s  %s%s%s", l.name(),
                        l.description().isEmpty() ? "(no description)" : l.description(), deps,
                        l.unlisted() ? "  (unlisted)" : ""));
                for (LayerCommand c : l.commands()) {
                    getLog().info(String.format("  %-" + width + "s    command %s: %s", "", c.name(), c.description()));
                }
                if (!catalog.shadowedRoots(l.name()).isEmpty()) {
                    getLog().info(String.format("  %-" + width + "s    hides the one in %s", "",
                            String.join(", ", catalog.shadowedRoots(l.name()).stream().map(LayerRoot::label).toList())));
                }
                l.warnings().forEach(getLog()::warn);
            }
        }
        if (hidden > 0) getLog().info(hidden + " unlisted layer(s) hidden; -Dskiff.all=true shows them.");
        getLog().info("Base layers: " + sources.basePre().name() + " = " + sources.basePre().dir() + " [" + sources.basePre().root().label()
                + "], " + sources.basePost().name() + " = " + sources.basePost().dir() + " [" + sources.basePost().root().label() + "]");
    }

    /** The catalog's roots in search order, then any root a path override introduced. */
    private static List<LayerRoot> rootsInOrder(LayerCatalog catalog, List<Layer> layers) {
        java.util.LinkedHashSet<LayerRoot> roots = new java.util.LinkedHashSet<>(catalog.roots());
        for (Layer l : layers) roots.add(l.root());
        return List.copyOf(roots);
    }
}
