package dev.skiff.layer;

import static dev.skiff.layer.LayerTree.assertMentions;
import static dev.skiff.layer.LayerTree.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerTest {
    @TempDir
    Path tmp;

    private LayerTree tree() {
        return LayerTree.at(tmp.resolve("root"));
    }

    private static Layer read(LayerTree t, String name) {
        return Layer.read(n(name), t.dir(name), t.asRoot("test"));
    }

    private static List<String> depNames(Layer l) {
        return l.dependencies().stream().map(d -> d.name().toString()).toList();
    }

    @Test
    void emptyLayerHasDefaults() {
        LayerTree t = tree().layer("virt/qemu");
        Layer l = read(t, "virt/qemu");
        assertEquals(n("virt/qemu"), l.name());
        assertEquals(t.dir("virt/qemu"), l.dir());
        assertEquals("", l.description());
        assertEquals(List.of(), l.dependencies());
        assertFalse(l.unlisted());
        assertEquals(List.of(), l.commands());
        assertNull(l.buildTarget());
        assertEquals(List.of(), l.warnings());
        assertEquals("virt/qemu", l.toString());
    }

    @Test
    void readsDescription() {
        LayerTree t = tree().layer("virt/qemu")
                .file("virt/qemu", "metadata/description", "  Run SkiffOS in QEMU  \n\n");
        assertEquals("Run SkiffOS in QEMU", read(t, "virt/qemu").description());
    }

    @Test
    void readsDependenciesSeparatedByCommasSpacesNewlinesWithComments() {
        LayerTree t = tree().layer("pi/4").file("pi/4", "metadata/dependencies",
                "# the board needs these\n"
                + "skiff/moduleimg, pi/common\n"
                + "\n"
                + "pi/4x64 apps/docker,,apps/runc   # trailing comment pi/ignored\n"
                + "\tapps/containerd\n");
        Layer l = read(t, "pi/4");
        assertEquals(List.of("skiff/moduleimg", "pi/common", "pi/4x64", "apps/docker", "apps/runc",
                "apps/containerd"), depNames(l));
        Path deps = t.deps("pi/4");
        LayerReference first = l.dependencies().get(0);
        assertEquals(deps, first.file());
        assertEquals(2, first.line());
        assertEquals(deps + ":2", first.where());
        assertEquals(4, l.dependencies().get(2).line());
        assertEquals(5, l.dependencies().get(5).line());
    }

    @Test
    void invalidDependencyNameIsAnErrorWithFileAndLine() {
        LayerTree t = tree().layer("pi/4")
                .file("pi/4", "metadata/dependencies", "pi/common\n# ok\nApps/Docker\n");
        SkiffException e = assertThrows(SkiffException.class, () -> read(t, "pi/4"));
        assertMentions(e, t.deps("pi/4") + ":3", "'Apps/Docker'", "Did you mean apps/docker?");
    }

    @Test
    void unlistedMarker() {
        LayerTree t = tree().layer("virt/qemu").file("virt/qemu", "metadata/unlisted", "");
        assertTrue(read(t, "virt/qemu").unlisted());
    }

    @Test
    void readsCommandsWhenThereIsAMakefile() {
        LayerTree t = tree().layer("virt/qemu")
                .file("virt/qemu", "extensions/Makefile", "run:\n\techo run\n")
                .file("virt/qemu", "metadata/commands", "# name description\nrun Run the image in QEMU\n\nclean-disk\n");
        assertEquals(List.of(new LayerCommand("run", "Run the image in QEMU"), new LayerCommand("clean-disk", "")),
                read(t, "virt/qemu").commands());
    }

    @Test
    void commandsWithoutExtensionsAreAWarningNamingTheFileAndAreNotOffered() {
        // SkiffOS's own skiff/core, virt/virtualbox and configs-base/pre do this; SkiffOS skips them.
        LayerTree t = tree().layer("virt/qemu").file("virt/qemu", "metadata/commands", "run Run it\n");
        Layer l = read(t, "virt/qemu");
        assertEquals(List.of(), l.commands());
        assertEquals(1, l.warnings().size(), l.warnings().toString());
        assertTrue(l.warnings().get(0).contains(t.dir("virt/qemu").resolve("metadata/commands").toString()), l.warnings().toString());
        assertTrue(l.warnings().get(0).contains("extensions/"), l.warnings().toString());
    }

    @Test
    void commandsWithAnExtensionsDirectoryButNoMakefileWarnThatTheyWillFail() {
        LayerTree t = tree().layer("virt/qemu").file("virt/qemu", "metadata/commands", "run Run it\n")
                .file("virt/qemu", "extensions/run.sh", "true\n");
        Layer l = read(t, "virt/qemu");
        assertEquals(List.of(new LayerCommand("run", "Run it")), l.commands());
        assertTrue(l.warnings().stream().anyMatch(w -> w.contains("extensions/Makefile") && w.contains("fail")), l.warnings().toString());
    }

    @Test
    void invalidCommandNameIsAnErrorWithLine() {
        LayerTree t = tree().layer("virt/qemu")
                .file("virt/qemu", "extensions/Makefile", "")
                .file("virt/qemu", "metadata/commands", "run ok\nr$n bad\n");
        SkiffException e = assertThrows(SkiffException.class, () -> read(t, "virt/qemu"));
        assertMentions(e, t.dir("virt/qemu").resolve("metadata/commands") + ":2", "'r$n'");
    }

    @Test
    void readsBuildTarget() {
        LayerTree t = tree().layer("virt/qemu").file("virt/qemu", "metadata/buildtarget", " all \n");
        assertEquals("all", read(t, "virt/qemu").buildTarget());
        LayerTree t2 = LayerTree.at(tmp.resolve("r2")).layer("virt/qemu")
                .file("virt/qemu", "metadata/buildtarget", "  \n");
        assertNull(read(t2, "virt/qemu").buildTarget());
    }

    @Test
    void unknownTopLevelEntryWarnsWithSuggestion() {
        LayerTree t = tree().layer("virt/qemu").mkdir("virt/qemu/kernal").mkdir("virt/qemu/kernel");
        Layer l = read(t, "virt/qemu");
        assertEquals(1, l.warnings().size(), l.warnings().toString());
        String w = l.warnings().get(0);
        assertTrue(w.contains(t.dir("virt/qemu").resolve("kernal").toString()), w);
        assertTrue(w.contains("Did you mean kernel"), w);
    }

    @Test
    void unknownMetadataFileWarnsWithSuggestion() {
        LayerTree t = tree().layer("virt/qemu").file("virt/qemu", "metadata/dependancies", "pi/4\n");
        Layer l = read(t, "virt/qemu");
        assertEquals(List.of(), l.dependencies());
        assertEquals(1, l.warnings().size(), l.warnings().toString());
        assertTrue(l.warnings().get(0).contains("Did you mean dependencies"), l.warnings().get(0));
    }

    @Test
    void notesAndKnownEntriesProduceNoWarning() {
        LayerTree t = tree().layer("virt/qemu")
                .file("virt/qemu", "README.md", "# qemu\n")
                .file("virt/qemu", "LICENSE", "MIT\n")
                .file("virt/qemu", ".gitignore", "*\n")
                .file("virt/qemu", "buildroot/qemu", "BR2_x86_64=y\n")
                .file("virt/qemu", "kernel/qemu", "CONFIG_VIRTIO=y\n")
                .file("virt/qemu", "hooks/pre.sh", "#!/bin/sh\n")
                .file("virt/qemu", "root_overlay/etc/hostname", "skiff\n")
                .file("virt/qemu", "metadata/description", "qemu\n");
        assertEquals(List.of(), read(t, "virt/qemu").warnings());
    }

    @Test
    void entriesInOrderSkipsDotfilesAndSortsByBytes() {
        LayerTree t = tree().layer("x/y")
                .file("x/y", "buildroot/b", "").file("x/y", "buildroot/B", "")
                .file("x/y", "buildroot/a", "").file("x/y", "buildroot/.hidden", "")
                .file("x/y", "buildroot/_u", "").file("x/y", "buildroot/10", "")
                .file("x/y", "buildroot/9", "");
        List<String> names = Layer.entriesInOrder(t.dir("x/y").resolve("buildroot")).stream()
                .map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("10", "9", "B", "_u", "a", "b"), names);
        assertEquals(List.of(), Layer.entriesInOrder(t.dir("x/y").resolve("missing")));
    }
}
