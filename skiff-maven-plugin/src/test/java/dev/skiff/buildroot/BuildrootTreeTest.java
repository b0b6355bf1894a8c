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
    void acceptsAnyReleaseAndKnowsTheValidatedSeries() throws IOException {
        // SkiffOS pins a fork ahead of the LTS: every release opens; the series check only warns.
        assertEquals("2026.08-rc1", BuildrootTree.open(fakeTree(tmp.resolve("a"), "2026.08-rc1")).version());
        assertEquals("2025.02.1", BuildrootTree.open(fakeTree(tmp.resolve("b"), "2025.02.1")).version());
        assertTrue(BuildrootTree.inSupportedSeries("2026.02"));
        assertTrue(BuildrootTree.inSupportedSeries("2026.02.3"));
        assertTrue(BuildrootTree.inSupportedSeries("2026.02-rc2"));
        assertTrue(!BuildrootTree.inSupportedSeries("2026.021"));
        assertTrue(!BuildrootTree.inSupportedSeries("2026.08-rc1"));
    }

    @Test
    void anotherSeriesGetsOneWarningLineForTheStockLayers() throws IOException {
        BuildrootTree other = BuildrootTree.open(fakeTree(tmp.resolve("br"), "2025.02.1"));
        String w = BuildrootCheckout.seriesWarning(other, null).orElseThrow();
        assertMentions(new SkiffException(w), other.dir().toString(), "2025.02.1", "2026.02 series", "2026.02.3",
                "dropped-symbol check");
        assertTrue(!w.contains("\n"), w);
        BuildrootTree lts = BuildrootTree.open(fakeTree(tmp.resolve("lts"), "2026.02.3"));
        assertTrue(BuildrootCheckout.seriesWarning(lts, null).isEmpty());
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

}
