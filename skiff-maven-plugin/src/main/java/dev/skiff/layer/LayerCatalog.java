package dev.skiff.layer;

import dev.skiff.NearestNames;
import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every layer visible through an ordered list of roots. The first root that defines a name
 * wins; a per-layer path override beats every root. Layers shadowed by an earlier root are
 * remembered so reports can say what was hidden.
 */
public final class LayerCatalog {
    private final List<LayerRoot> roots;
    private final Map<LayerName, Path> locations = new TreeMap<>();
    private final Map<LayerName, LayerRoot> owners = new TreeMap<>();
    private final Map<LayerName, List<LayerRoot>> shadowed = new TreeMap<>();
    private final Map<LayerName, Layer> loaded = new LinkedHashMap<>();

    private LayerCatalog(List<LayerRoot> roots) {
        this.roots = List.copyOf(roots);
    }

    /**
     * Scans {@code roots} in order. Each root must exist and be readable: a configured root that
     * is missing is a mistake, not something to skip.
     */
    public static LayerCatalog scan(List<LayerRoot> roots, Map<LayerName, Path> pathOverrides) {
        LayerCatalog c = new LayerCatalog(roots);
        for (LayerRoot root : roots) {
            Path dir = root.dir();
            if (!Files.isDirectory(dir)) {
                throw new SkiffException("layer root " + root.label() + " " + dir
                        + (Files.exists(dir) ? " is not a directory." : " does not exist.")
                        + " Fix the path or remove it from the layer roots.");
            }
            if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
                throw new SkiffException("layer root " + root.label() + " " + dir
                        + " is not readable: check its permissions.");
            }
            for (Path catDir : Layer.entriesInOrder(dir)) {
                if (!Files.isDirectory(catDir)) continue;
                String cat = catDir.getFileName().toString();
                checkPart(cat, catDir, "category");
                if (!Files.isReadable(catDir) || !Files.isExecutable(catDir)) {
                    throw new SkiffException("layer category " + catDir + " in root " + root.label()
                            + " is not readable: check its permissions.");
                }
                for (Path layerDir : Layer.entriesInOrder(catDir)) {
                    if (!Files.isDirectory(layerDir)) continue;
                    String nm = layerDir.getFileName().toString();
                    checkPart(nm, layerDir, "layer");
                    LayerName name = new LayerName(cat, nm);
                    if (c.locations.containsKey(name)) {
                        c.shadowed.computeIfAbsent(name, k -> new ArrayList<>()).add(root);
                    } else {
                        c.locations.put(name, layerDir);
                        c.owners.put(name, root);
                    }
                }
            }
        }
        for (Map.Entry<LayerName, Path> o : pathOverrides.entrySet()) {
            Path dir = o.getValue();
            if (!Files.isDirectory(dir)) {
                throw new SkiffException("path override for layer " + o.getKey() + " points at " + dir
                        + ", which is not a directory.");
            }
            LayerRoot prev = c.owners.get(o.getKey());
            if (prev != null) c.shadowed.computeIfAbsent(o.getKey(), k -> new ArrayList<>()).add(0, prev);
            c.locations.put(o.getKey(), dir);
            c.owners.put(o.getKey(), new LayerRoot("path override", dir, LayerRoot.Kind.PATH));
        }
        return c;
    }

    private static void checkPart(String part, Path dir, String what) {
        if (!LayerName.isValidPart(part)) {
            String fixed = part.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            throw new SkiffException(dir + ": invalid " + what + " directory name '" + part
                    + "': layer names match [a-z0-9_]+. Rename it to '" + fixed + "'.");
        }
    }

    public List<LayerRoot> roots() {
        return roots;
    }

    public boolean contains(LayerName name) {
        return locations.containsKey(name);
    }

    /** The directory of {@code name} (after path overrides), or null if no root defines it. */
    public Path location(LayerName name) {
        return locations.get(name);
    }

    /** All layer names, sorted. */
    public List<LayerName> names() {
        return List.copyOf(locations.keySet());
    }

    /** Roots that also define {@code name} but lost to an earlier one. */
    public List<LayerRoot> shadowedRoots(LayerName name) {
        return shadowed.getOrDefault(name, Collections.emptyList());
    }

    /** The layer, or a clear error naming where it was asked for and the nearest names. */
    public Layer require(LayerName name, String where) {
        Layer l = find(name);
        if (l == null) {
            List<String> all = locations.keySet().stream().map(LayerName::toString).toList();
            throw new SkiffException(where + ": unknown layer " + name + "."
                    + NearestNames.hint(name.toString(), all)
                    + " Layers are searched in: " + describeRoots() + ".");
        }
        return l;
    }

    public Layer find(LayerName name) {
        Layer l = loaded.get(name);
        if (l == null && locations.containsKey(name)) {
            l = Layer.read(name, locations.get(name), owners.get(name));
            loaded.put(name, l);
        }
        return l;
    }

    /** Every layer, read. Fails on the first malformed one, naming its file. */
    public List<Layer> all() {
        return names().stream().map(this::find).toList();
    }

    private String describeRoots() {
        if (roots.isEmpty()) return "(no roots)";
        return String.join(", ", roots.stream().map(LayerRoot::toString).toList());
    }
}
