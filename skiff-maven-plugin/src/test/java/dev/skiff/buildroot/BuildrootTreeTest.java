package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildrootTreeTest {

    @TempDir
    Path tmp;

    /** The smallest directory {@link BuildrootTree#open} accepts. */
    static Path fakeTree(Path dir, String version) throws IOException {
        Files.createDirectories(dir.resolve("package"));
        Files.writeString(dir.resolve("Config.in"), "mainmenu \"Buildroot\"\n");
        Files.writeString(dir.resolve("Makefile"), "# fake\n"
                + "# Set and export the version string\n"
                + "export BR2_VERSION := " + version + "\n"
                + "BR2_VERSION_EPOCH = 1781643700\n");
        return dir;
    }

    private static void assertMentions(SkiffException e, String... parts) {
        String msg = e.getMessage();
        assertAll(java.util.Arrays.stream(parts)
                .map(part -> () -> assertTrue(msg.contains(part),
                        () -> "expected '" + part + "' in:\n" + msg)));
    }

    @Test
    void opensValidTree() throws IOException {
        Path dir = fakeTree(tmp.resolve("br"), "2026.02.3");
        BuildrootTree tree = BuildrootTree.open(dir);
        assertEquals("2026.02.3", tree.version());
        assertEquals(dir.toAbsolutePath().normalize(), tree.dir());
        assertEquals(dir.resolve("Config.in"), tree.configIn());
    }

    @Test
    void acceptsOtherReleasesOfTheSupportedSeries() throws IOException {
        assertEquals("2026.02.1",
                BuildrootTree.open(fakeTree(tmp.resolve("a"), "2026.02.1")).version());
        assertEquals("2026.02",
                BuildrootTree.open(fakeTree(tmp.resolve("b"), "2026.02")).version());
    }

    @Test
    void rejectsOtherSeriesNamingBothVersions() throws IOException {
        Path dir = fakeTree(tmp.resolve("br"), "2025.02.1");
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootTree.open(dir));
        assertMentions(e, dir.toString(), "2025.02.1", "2026.02 series", "2026.02.3");
    }

    @Test
    void rejectsLookalikeVersion() throws IOException {
        Path dir = fakeTree(tmp.resolve("br"), "2026.021");
        assertThrows(SkiffException.class, () -> BuildrootTree.open(dir));
    }

    @Test
    void rejectsMissingDirectory() {
        Path dir = tmp.resolve("nope");
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootTree.open(dir));
        assertMentions(e, dir.toString(), "does not exist", "-Dskiff.buildroot=");
    }

    @Test
    void rejectsFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootTree.open(file));
        assertMentions(e, file.toString(), "not a directory");
    }

    @Test
    void rejectsEmptyDirectoryAsUncheckedOutSubmodule() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("buildroot"));
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootTree.open(dir));
        assertMentions(e, dir.toString(), "empty", "git submodule update --init");
    }

    @Test
    void rejectsNonBuildrootDirectoryListingWhatIsMissing() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("src"));
        Files.writeString(dir.resolve("Makefile"), "all:\n\techo hi\n");
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootTree.open(dir));
        assertMentions(e, dir.toString(), "not a Buildroot tree", "Config.in", "package/");
    }

    @Test
    void rejectsMakefileWithoutVersion() throws IOException {
        Path dir = fakeTree(tmp.resolve("br"), "2026.02.3");
        Files.writeString(dir.resolve("Makefile"), "all:\n");
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootTree.open(dir));
        assertMentions(e, dir.resolve("Makefile").toString(), "BR2_VERSION");
    }

    @Test
    void locatePrefersExplicitDirectory() throws IOException {
        Path project = Files.createDirectory(tmp.resolve("project"));
        fakeTree(project.resolve("buildroot"), "2026.02.3");
        Path explicit = fakeTree(tmp.resolve("elsewhere"), "2026.02.2");
        assertEquals(explicit, BuildrootTree.locate(explicit, project).dir());
    }

    @Test
    void locateResolvesRelativeExplicitDirectoryAgainstProject() throws IOException {
        Path project = Files.createDirectory(tmp.resolve("project"));
        Path tree = fakeTree(project.resolve("vendor/br"), "2026.02.3");
        assertEquals(tree, BuildrootTree.locate(Path.of("vendor/br"), project).dir());
    }

    @Test
    void locateDoesNotFallBackFromInvalidExplicitDirectory() throws IOException {
        Path project = Files.createDirectory(tmp.resolve("project"));
        fakeTree(project.resolve("buildroot"), "2026.02.3");
        Path explicit = tmp.resolve("missing");
        SkiffException e = assertThrows(SkiffException.class,
                () -> BuildrootTree.locate(explicit, project));
        assertMentions(e, "skiff.buildroot", explicit.toString(), "does not exist");
    }

    @Test
    void locatePrefersProjectBuildrootOverSkiffosSubmodule() throws IOException {
        Path project = Files.createDirectory(tmp.resolve("project"));
        Path direct = fakeTree(project.resolve("buildroot"), "2026.02.3");
        fakeTree(project.resolve("skiffos/buildroot"), "2026.02.3");
        assertEquals(direct, BuildrootTree.locate(null, project).dir());
    }

    @Test
    void locateFallsBackToSkiffosBuildroot() throws IOException {
        Path project = Files.createDirectory(tmp.resolve("project"));
        Files.createDirectory(project.resolve("buildroot"));
        Path nested = fakeTree(project.resolve("skiffos/buildroot"), "2026.02.3");
        assertEquals(nested, BuildrootTree.locate(null, project).dir());
    }

    @Test
    void locateReportsWrongVersionInsteadOfFallingBack() throws IOException {
        Path project = Files.createDirectory(tmp.resolve("project"));
        fakeTree(project.resolve("buildroot"), "2025.02.1");
        fakeTree(project.resolve("skiffos/buildroot"), "2026.02.3");
        SkiffException e = assertThrows(SkiffException.class,
                () -> BuildrootTree.locate(null, project));
        assertMentions(e, "2025.02.1", project.resolve("buildroot").toString());
    }

    @Test
    void locateListsEveryPlaceAndEveryFix() throws IOException {
        Path project = Files.createDirectory(tmp.resolve("project"));
        SkiffException e = assertThrows(SkiffException.class,
                () -> BuildrootTree.locate(null, project));
        assertMentions(e, project.resolve("buildroot") + ": does not exist",
                project.resolve("skiffos/buildroot") + ": does not exist",
                "git submodule update --init buildroot",
                "git submodule update --init --recursive",
                "-Dskiff.buildroot=/path/to/buildroot-2026.02.3");
    }

    @Test
    void locateSaysWhenSubmoduleIsNotCheckedOut() throws IOException {
        Path project = Files.createDirectory(tmp.resolve("project"));
        Files.createDirectory(project.resolve("buildroot"));
        SkiffException e = assertThrows(SkiffException.class,
                () -> BuildrootTree.locate(null, project));
        assertMentions(e, project.resolve("buildroot")
                + " exists but is empty: the git submodule is not checked out",
                "git submodule update --init buildroot");
    }
}
