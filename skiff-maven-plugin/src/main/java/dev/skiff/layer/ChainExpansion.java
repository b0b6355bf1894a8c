package dev.skiff.layer;

import dev.skiff.SkiffException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Expands a requested chain with the layers' dependencies, by upstream SkiffOS's rule: in one
 * pass, each layer's dependencies that are not in the pass's input list go immediately before
 * it, then the layer itself unless already placed; passes repeat until nothing is added. A
 * layer the user named explicitly is therefore never moved.
 */
public final class ChainExpansion {
    private ChainExpansion() {}

    /** Parses a chain such as {@code pi/4,skiff/core}; commas or white space separate names. */
    public static List<LayerName> parse(String chain, String where) {
        if (chain == null || chain.isBlank()) {
            throw new SkiffException(where + ": the layer chain is empty. Set skiff.config (or SKIFF_CONFIG),"
                    + " for example -Dskiff.config=virt/qemu,skiff/core.");
        }
        List<LayerName> names = new ArrayList<>();
        for (String token : chain.trim().split("[,\\s]+")) {
            if (token.isEmpty()) continue;
            LayerName n = LayerName.parse(token, where);
            if (!names.contains(n)) names.add(n);
        }
        if (names.isEmpty()) {
            throw new SkiffException(where + ": the layer chain '" + chain + "' names no layer."
                    + " For example -Dskiff.config=virt/qemu,skiff/core.");
        }
        return names;
    }

    public static ResolvedChain expand(String chain, String where, LayerCatalog catalog) {
        List<LayerName> requested = parse(chain, where);
        for (LayerName n : requested) catalog.require(n, where);
        checkCycles(requested, catalog);

        List<LayerName> current = requested;
        while (true) {
            Set<LayerName> input = new HashSet<>(current);
            LinkedHashSet<LayerName> next = new LinkedHashSet<>();
            boolean added = false;
            for (LayerName n : current) {
                if (next.contains(n)) continue;
                for (LayerReference dep : catalog.find(n).dependencies()) {
                    if (input.contains(dep.name())) continue;
                    added = true;
                    next.add(dep.name());
                }
                next.add(n);
            }
            current = List.copyOf(next);
            if (!added) break;
        }
        return new ResolvedChain(requested, current.stream().map(catalog::find).toList());
    }

    /**
     * Upstream's expansion terminates on a cycle but yields an order that means nothing, so a
     * cycle is an error naming every edge and the file that declares it.
     */
    static void checkCycles(List<LayerName> roots, LayerCatalog catalog) {
        Set<LayerName> done = new HashSet<>();
        for (LayerName r : roots) {
            visit(new LayerReference(r, null, 0), catalog, done, new ArrayDeque<>(), new HashSet<>());
        }
    }

    private static void visit(LayerReference ref, LayerCatalog catalog, Set<LayerName> done,
                              Deque<LayerReference> path, Set<LayerName> onPath) {
        LayerName n = ref.name();
        if (onPath.contains(n)) {
            List<LayerReference> edges = new ArrayList<>(path);
            java.util.Collections.reverse(edges);
            int start = 0;
            for (int i = 0; i < edges.size(); i++) if (edges.get(i).name().equals(n)) start = i;
            StringBuilder sb = new StringBuilder("dependency cycle: ").append(n);
            List<LayerReference> cycle = new ArrayList<>(edges.subList(start + 1, edges.size()));
            cycle.add(ref);
            for (LayerReference e : cycle) sb.append(" -> ").append(e.name());
            sb.append(". Declared in:");
            for (LayerReference e : cycle) sb.append("\n  ").append(e.where()).append(": ").append(e.name());
            sb.append("\nRemove one of these dependencies.");
            throw new SkiffException(sb.toString());
        }
        if (done.contains(n)) return;
        Layer layer = catalog.require(n, ref.where());
        path.push(ref);
        onPath.add(n);
        for (LayerReference dep : layer.dependencies()) {
            catalog.require(dep.name(), dep.where() + " (dependency of " + n + ")");
            visit(dep, catalog, done, path, onPath);
        }
        onPath.remove(n);
        path.pop();
        done.add(n);
    }
}
