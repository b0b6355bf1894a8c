package dev.skiff.layer;

import static dev.skiff.layer.LayerTree.assertMentions;
import static dev.skiff.layer.LayerTree.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerCatalogTest {
    @TempDir
    Path tmp;

    @Test
    void listsLayersOfAllRootsSorted() {
        LayerTree a = LayerTree.at(tmp.resolve("a")).layer("virt/qemu").layer("apps/docker");
        LayerTree b = LayerTree.at(tmp.resolve("b")).layer("pi/4");
        LayerCatalog c = LayerCatalog.scan(List.of(a.asRoot("project"), b.asRoot("stock")), Map.of());
        assertEquals(List.of(n("apps/docker"), n("pi/4"), n("virt/qemu")), c.names());
        assertTrue(c.contains(n("pi/4")));
        assertFalse(c.contains(n("pi/3")));
        assertNull(c.find(n("pi/3")));
        assertEquals(List.of(a.asRoot("project"), b.asRoot("stock")), c.roots());
        assertEquals(b.dir("pi/4"), c.find(n("pi/4")).dir());
        assertEquals("stock", c.find(n("pi/4")).root().label());
    }

    @Test
    void firstRootWinsAndLaterRootsAreShadowed() {
        LayerTree project = LayerTree.at(tmp.resolve("project")).layer("virt/qemu")
                .file("virt/qemu", "metadata/description", "project qemu\n");
        LayerTree extra = LayerTree.at(tmp.resolve("extra")).layer("virt/qemu")
                .file("virt/qemu", "metadata/description", "extra qemu\n");
        LayerTree stock = LayerTree.at(tmp.resolve("stock")).layer("virt/qemu")
                .file("virt/qemu", "metadata/description", "stock qemu\n").layer("pi/4");
        LayerCatalog c = LayerCatalog.scan(List.of(project.asRoot("project"), extra.asRoot("extra"),
                stock.asRoot("stock")), Map.of());
        Layer qemu = c.require(n("virt/qemu"), "test");
        assertEquals(project.dir("virt/qemu"), qemu.dir());
        assertEquals("project qemu", qemu.description());
        assertEquals(project.asRoot("project"), qemu.root());
        assertEquals(List.of(extra.asRoot("extra"), stock.asRoot("stock")), c.shadowedRoots(n("virt/qemu")));
        assertEquals(List.of(), c.shadowedRoots(n("pi/4")));
    }

    @Test
    void pathOverrideBeatsEveryRoot() {
        LayerTree project = LayerTree.at(tmp.resolve("project")).layer("virt/qemu");
        LayerTree stock = LayerTree.at(tmp.resolve("stock")).layer("virt/qemu");
        LayerTree elsewhere = LayerTree.at(tmp.resolve("elsewhere")).layer("any/dir")
                .file("any/dir", "metadata/description", "overridden\n");
        Path override = elsewhere.dir("any/dir");
        LayerCatalog c = LayerCatalog.scan(List.of(project.asRoot("project"), stock.asRoot("stock")),
                Map.of(n("virt/qemu"), override));
        Layer qemu = c.require(n("virt/qemu"), "test");
        assertEquals(override, qemu.dir());
        assertEquals("overridden", qemu.description());
        assertEquals("path override", qemu.root().label());
        assertEquals(List.of(project.asRoot("project"), stock.asRoot("stock")), c.shadowedRoots(n("virt/qemu")));
        // the override directory's own position in a root is irrelevant: it is not scanned as a root
        assertFalse(c.contains(n("any/dir")));
    }

    @Test
    void pathOverrideCanAddALayerNoRootHas() {
        LayerTree root = LayerTree.at(tmp.resolve("root")).layer("virt/qemu");
        Path dir = tmp.resolve("mine");
        LayerTree.at(dir);
        LayerCatalog c = LayerCatalog.scan(List.of(root.asRoot("project")), Map.of(n("acme/board"), dir));
        assertEquals(dir, c.require(n("acme/board"), "test").dir());
        assertEquals(List.of(), c.shadowedRoots(n("acme/board")));
    }

    @Test
    void pathOverrideToMissingDirectoryIsAnError() {
        LayerTree root = LayerTree.at(tmp.resolve("root")).layer("virt/qemu");
        Path missing = tmp.resolve("nope");
        SkiffException e = assertThrows(SkiffException.class, () -> LayerCatalog.scan(
                List.of(root.asRoot("project")), Map.of(n("virt/qemu"), missing)));
        assertMentions(e, "virt/qemu", missing.toString());
    }

    @Test
    void missingRootIsAnErrorNamingThePath() {
        Path missing = tmp.resolve("no-such-root");
        LayerTree ok = LayerTree.at(tmp.resolve("ok")).layer("virt/qemu");
        SkiffException e = assertThrows(SkiffException.class, () -> LayerCatalog.scan(
                List.of(ok.asRoot("project"), new LayerRoot("extra", missing, LayerRoot.Kind.EXTRA)), Map.of()));
        assertMentions(e, "extra", missing.toString(), "does not exist");
    }

    @Test
    void rootThatIsARegularFileIsAnError() throws IOException {
        Path file = Files.writeString(tmp.resolve("layers.txt"), "not a directory\n");
        SkiffException e = assertThrows(SkiffException.class, () -> LayerCatalog.scan(
                List.of(new LayerRoot("extra", file, LayerRoot.Kind.EXTRA)), Map.of()));
        assertMentions(e, "extra", file.toString(), "is not a directory");
    }

    @Test
    void unreadableRootIsAnError() throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            System.out.println("LayerCatalogTest.unreadableRootIsAnError: SKIPPED, running as root,"
                    + " which can read a chmod 000 directory; the not-a-directory case is tested instead.");
        }
        Assumptions.assumeFalse(root, "running as root: chmod 000 does not make a directory unreadable for root");
        LayerTree t = LayerTree.at(tmp.resolve("locked")).layer("virt/qemu");
        Files.setPosixFilePermissions(t.root, PosixFilePermissions.fromString("---------"));
        try {
            SkiffException e = assertThrows(SkiffException.class, () -> LayerCatalog.scan(
                    List.of(t.asRoot("extra")), Map.of()));
            assertMentions(e, t.root.toString(), "not readable");
        } finally {
            Files.setPosixFilePermissions(t.root, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void invalidCategoryDirectoryNameIsAnErrorSuggestingARename() {
        LayerTree t = LayerTree.at(tmp.resolve("root")).layer("Pi/4");
        SkiffException e = assertThrows(SkiffException.class, t::catalog);
        assertMentions(e, t.root.resolve("Pi").toString(), "'Pi'", "Rename it to 'pi'");
    }

    @Test
    void invalidLayerDirectoryNameIsAnErrorSuggestingARename() {
        LayerTree t = LayerTree.at(tmp.resolve("root")).layer("virt/qemu-x");
        SkiffException e = assertThrows(SkiffException.class, t::catalog);
        assertMentions(e, t.dir("virt/qemu-x").toString(), "'qemu-x'", "Rename it to 'qemu_x'");
    }

    @Test
    void dotfilesAndDotDirectoriesAreSkipped() {
        LayerTree t = LayerTree.at(tmp.resolve("root")).layer("virt/qemu")
                .mkdir(".git/objects")          // a dot-directory at category level
                .mkdir("virt/.Trash-1000")       // a dot-directory at layer level
                .file("virt/qemu", ".DS_Store", "x");
        // a dotfile at category level too
        t.file("virt", ".keep", "");
        LayerCatalog c = t.catalog();
        assertEquals(List.of(n("virt/qemu")), c.names());
        assertEquals(List.of(), c.require(n("virt/qemu"), "test").warnings());
    }

    @Test
    void filesAtCategoryAndLayerLevelAreIgnored() {
        LayerTree t = LayerTree.at(tmp.resolve("root")).layer("virt/qemu");
        t.file("", "README.md", "Layers\n");          // a file where categories live
        t.file("", "Bad-Name.txt", "x\n");            // even with a name that is no valid category
        t.file("virt", "NOTES-2.txt", "x\n");         // a file where layers live
        LayerCatalog c = t.catalog();
        assertEquals(List.of(n("virt/qemu")), c.names());
    }

    @Test
    void requireOfUnknownLayerNamesWhereAndNearestNames() {
        LayerTree t = LayerTree.at(tmp.resolve("root")).layer("virt/qemu").layer("pi/4").layer("apps/docker");
        LayerCatalog c = t.catalog();
        SkiffException e = assertThrows(SkiffException.class,
                () -> c.require(n("virt/qemo"), "-Dskiff.config"));
        assertMentions(e, "-Dskiff.config", "unknown layer virt/qemo", "Did you mean virt/qemu", t.root.toString());
        assertFalse(e.getMessage().contains("apps/docker"), e.getMessage());
    }

    @Test
    void requireOfFarOffUnknownLayerHasNoSuggestion() {
        LayerCatalog c = LayerTree.at(tmp.resolve("root")).layer("virt/qemu").catalog();
        SkiffException e = assertThrows(SkiffException.class,
                () -> c.require(n("acme/somethingelse"), "here"));
        assertMentions(e, "here", "unknown layer acme/somethingelse");
        assertFalse(e.getMessage().contains("Did you mean"), e.getMessage());
    }

    @Test
    void findReadsEachLayerOnce() {
        LayerCatalog c = LayerTree.at(tmp.resolve("root")).layer("virt/qemu").catalog();
        assertSame(c.find(n("virt/qemu")), c.find(n("virt/qemu")));
        assertEquals(1, c.all().size());
    }

    @Test
    void noRootsMeansNoLayers() {
        LayerCatalog c = LayerCatalog.scan(List.of(), Map.of());
        assertEquals(List.of(), c.names());
        SkiffException e = assertThrows(SkiffException.class, () -> c.require(n("virt/qemu"), "here"));
        assertMentions(e, "here", "(no roots)");
    }
}
