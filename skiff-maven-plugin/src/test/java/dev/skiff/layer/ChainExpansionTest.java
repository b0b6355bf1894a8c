package dev.skiff.layer;

import static dev.skiff.layer.LayerTree.assertMentions;
import static dev.skiff.layer.LayerTree.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skiff.SkiffException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainExpansionTest {
    @TempDir
    Path tmp;

    /** The dependency graph of upstream SkiffOS for these layers. */
    private LayerTree upstream() {
        return LayerTree.at(tmp.resolve("layers"))
                .layer("pi/4", "skiff/moduleimg", "pi/common", "pi/4x64")
                .layer("pi/4x64", "pi/common")
                .layer("pi/common", "skiff/moduleimg")
                .layer("skiff/moduleimg")
                .layer("skiff/core", "apps/docker")
                .layer("apps/docker", "apps/containerd")
                .layer("apps/containerd", "apps/runc")
                .layer("apps/runc")
                .layer("virt/qemu");
    }

    private static String expand(String chain, LayerCatalog c) {
        return ChainExpansion.expand(chain, "-Dskiff.config", c).text();
    }

    @Test
    void designExampleBoardPlusCore() {
        ResolvedChain r = ChainExpansion.expand("pi/4,skiff/core", "-Dskiff.config", upstream().catalog());
        assertEquals("skiff/moduleimg,pi/common,pi/4x64,pi/4,apps/runc,apps/containerd,apps/docker,skiff/core",
                r.text());
        assertEquals(List.of(n("pi/4"), n("skiff/core")), r.requested());
        assertEquals(r.layers().stream().map(Layer::name).toList(), r.names());
    }

    @Test
    void designExampleExplicitLayerIsNeverMoved() {
        assertEquals("skiff/moduleimg,pi/4x64,pi/4,pi/common", expand("pi/4,pi/common", upstream().catalog()));
    }

    @Test
    void layerWithoutDependenciesStaysAlone() {
        assertEquals("virt/qemu", expand("virt/qemu", upstream().catalog()));
        assertEquals("apps/runc,apps/containerd", expand("apps/containerd", upstream().catalog()));
    }

    @Test
    void whitespaceSeparatedChain() {
        assertEquals("skiff/moduleimg,pi/common,pi/4x64,pi/4,apps/runc,apps/containerd,apps/docker,skiff/core",
                expand("  pi/4 \n\tskiff/core ", upstream().catalog()));
        assertEquals(expand("pi/4,skiff/core", upstream().catalog()),
                expand("pi/4 , skiff/core", upstream().catalog()));
    }

    @Test
    void duplicatesInTheRequestCollapse() {
        ResolvedChain r = ChainExpansion.expand("virt/qemu,apps/runc,virt/qemu apps/runc", "x", upstream().catalog());
        assertEquals(List.of(n("virt/qemu"), n("apps/runc")), r.requested());
        assertEquals("virt/qemu,apps/runc", r.text());
    }

    @Test
    void parseKeepsOrderAndValidatesNames() {
        assertEquals(List.of(n("b/b"), n("a/a")), ChainExpansion.parse("b/b,a/a", "x"));
        SkiffException e = assertThrows(SkiffException.class, () -> ChainExpansion.parse("virt/qemu,Pi/4", "-Dskiff.config"));
        assertMentions(e, "-Dskiff.config", "'Pi/4'", "Did you mean pi/4?");
    }

    @Test
    void emptyChainIsAnError() {
        for (String empty : new String[] {null, "", "   ", "\n\t"}) {
            SkiffException e = assertThrows(SkiffException.class,
                    () -> ChainExpansion.expand(empty, "-Dskiff.config", upstream().catalog()), "chain: " + empty);
            assertMentions(e, "-Dskiff.config", "empty", "skiff.config");
        }
    }

    /**
     * BUG: a chain made only of separators (e.g. {@code -Dskiff.config=,}) is accepted and
     * expands to nothing: ChainExpansion.parse checks isBlank() before splitting, but
     * {@code ",".split("[,\\s]+")} yields no tokens, so parse returns an empty list silently.
     */
    @Test
    void chainOfOnlySeparatorsIsAnError() {
        for (String empty : new String[] {",", " , ", ",,"}) {
            assertThrows(SkiffException.class,
                    () -> ChainExpansion.expand(empty, "-Dskiff.config", upstream().catalog()),
                    "chain '" + empty + "' should be rejected as empty");
        }
    }

    @Test
    void unknownLayerInChainIsAnError() {
        SkiffException e = assertThrows(SkiffException.class,
                () -> expand("virt/qemo,skiff/core", upstream().catalog()));
        assertMentions(e, "-Dskiff.config", "unknown layer virt/qemo", "Did you mean virt/qemu");
    }

    @Test
    void dependencyOnUnknownLayerNamesTheFileAndLine() {
        LayerTree t = LayerTree.at(tmp.resolve("r")).layer("skiff/core")
                .layer("apps/docker")
                .file("skiff/core", "metadata/dependencies", "# deps\napps/dockr\n");
        SkiffException e = assertThrows(SkiffException.class, () -> expand("skiff/core", t.catalog()));
        assertMentions(e, t.deps("skiff/core") + ":2", "skiff/core", "unknown layer apps/dockr",
                "Did you mean apps/docker");
    }

    @Test
    void transitiveDependencyOnUnknownLayerNamesTheDeclaringFile() {
        LayerTree t = LayerTree.at(tmp.resolve("r")).layer("a/a", "b/b").layer("b/b", "c/missing");
        SkiffException e = assertThrows(SkiffException.class, () -> expand("a/a", t.catalog()));
        assertMentions(e, t.deps("b/b") + ":1", "unknown layer c/missing");
    }

    @Test
    void twoCycleIsAnErrorNamingTheCycleAndFiles() {
        LayerTree t = LayerTree.at(tmp.resolve("r")).layer("x/a", "x/b").layer("x/b", "x/a");
        SkiffException e = assertThrows(SkiffException.class, () -> expand("x/a", t.catalog()));
        assertMentions(e, "cycle", "x/a -> x/b -> x/a",
                t.deps("x/a") + ":1: x/b", t.deps("x/b") + ":1: x/a");
    }

    @Test
    void threeCycleReachedThroughAnotherLayerIsAnError() {
        LayerTree t = LayerTree.at(tmp.resolve("r"))
                .layer("top/t", "x/a")
                .layer("x/a", "x/b").layer("x/b", "x/c").layer("x/c", "x/a");
        SkiffException e = assertThrows(SkiffException.class, () -> expand("top/t", t.catalog()));
        assertMentions(e, "x/a -> x/b -> x/c -> x/a",
                t.deps("x/a") + ":1: x/b", t.deps("x/b") + ":1: x/c", t.deps("x/c") + ":1: x/a");
        assertEquals(false, e.getMessage().contains("top/t ->"), e.getMessage());
    }

    @Test
    void selfDependencyIsACycle() {
        LayerTree t = LayerTree.at(tmp.resolve("r")).layer("x/a", "x/a");
        SkiffException e = assertThrows(SkiffException.class, () -> expand("x/a", t.catalog()));
        assertMentions(e, "cycle", "x/a -> x/a", t.deps("x/a") + ":1: x/a");
    }

    @Test
    void diamondIsNotACycle() {
        LayerTree t = LayerTree.at(tmp.resolve("r"))
                .layer("d/top", "d/left", "d/right").layer("d/left", "d/base").layer("d/right", "d/base")
                .layer("d/base");
        assertEquals("d/base,d/left,d/right,d/top", expand("d/top", t.catalog()));
    }

    @Test
    void sharedDependencyIsPlacedOnce() {
        assertEquals("skiff/moduleimg,pi/common,pi/4x64,virt/qemu",
                expand("pi/4x64,virt/qemu", LayerTree.at(tmp.resolve("u")).layer("pi/4x64", "pi/common")
                        .layer("pi/common", "skiff/moduleimg").layer("skiff/moduleimg").layer("virt/qemu")
                        .catalog()));
    }
}
