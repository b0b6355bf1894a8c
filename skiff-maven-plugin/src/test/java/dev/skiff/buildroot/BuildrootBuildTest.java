package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The failure analysis and environment of a build, with a tiny make tree standing in for a package build. */
class BuildrootBuildTest {
    @TempDir
    Path tmp;

    private BuildrootTree tree(String recipe) throws Exception {
        Path dir = tmp.resolve("tree");
        Files.createDirectories(dir.resolve("package"));
        Files.writeString(dir.resolve("Config.in"), "");
        Files.writeString(dir.resolve("Makefile"), "export BR2_VERSION := 2026.02.3\n"
                + "all:\n" + recipe + "source:\n\t@echo '>>> zlib 1.3 Downloading'\n\t@$(BR2_WGET) https://example.invalid/zlib-1.3.tar.gz\n");
        return BuildrootTree.open(dir);
    }

    private BuildRequest request(BuildrootTree tree, List<String> targets, boolean offline) {
        return new BuildRequest(tree, tmp.resolve("ws"), targets, Map.of("SKIFF_WORKSPACE", "default"),
                tmp.resolve("dl"), tmp.resolve("ccache"), 1700000000L, offline, tmp.resolve("ws/build.log"));
    }

    @Test
    void progressAndEnvironmentReachTheBuild() throws Exception {
        BuildrootTree tree = tree("\t@echo '>>> busybox 1.37.0 Building'\n"
                + "\t@echo \"env $$BR2_DL_DIR $$BR2_CCACHE_DIR $$SOURCE_DATE_EPOCH $$SKIFF_WORKSPACE\"\n");
        List<String> progress = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        new BuildrootBuild(new BuildrootMake()).run(request(tree, List.of(), false), 10, progress::add, raw::add);
        assertEquals(List.of("[ 1/10] busybox 1.37.0 building"), progress);
        assertTrue(raw.contains("env " + tmp.resolve("dl") + " " + tmp.resolve("ccache") + " 1700000000 default"), raw.toString());
    }

    @Test
    void aFailureNamesThePackageAndStepAndShowsTheTail() throws Exception {
        BuildrootTree tree = tree("\t@echo '>>> busybox 1.37.0 Building'\n\t@echo 'foo.c:1: error: boom'\n\t@exit 2\n");
        SkiffException e = assertThrows(SkiffException.class,
                () -> new BuildrootBuild(new BuildrootMake()).run(request(tree, List.of(), false), 10, l -> { }, l -> { }));
        assertTrue(e.getMessage().startsWith("Buildroot failed in package busybox 1.37.0, step building"), e.getMessage());
        assertTrue(e.getMessage().contains("foo.c:1: error: boom"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("ws/build.log").toString()), e.getMessage());
    }

    @Test
    void aFailureInAPackageWithNoVersionNamesJustThePackage() throws Exception {
        // Buildroot prints ">>> toolchain-external-custom  Configuring" (an empty version).
        BuildrootTree tree = tree("\t@echo '>>> toolchain-external-custom  Configuring'\n\t@exit 2\n");
        SkiffException e = assertThrows(SkiffException.class,
                () -> new BuildrootBuild(new BuildrootMake()).run(request(tree, List.of(), false), 10, l -> { }, l -> { }));
        assertTrue(e.getMessage().startsWith("Buildroot failed in package toolchain-external-custom, step configuring"),
                e.getMessage());
    }

    @Test
    void offlineEveryDownloadToolRefusesAndTheErrorNamesPackageAndFile() throws Exception {
        BuildrootTree tree = tree("\t@true\n");
        SkiffException e = assertThrows(SkiffException.class, () -> new BuildrootBuild(new BuildrootMake())
                .run(request(tree, List.of("source"), true), 0, l -> { }, l -> { }));
        assertTrue(e.getMessage().startsWith("Offline (-o): Buildroot needs to download zlib-1.3.tar.gz for package zlib"),
                e.getMessage());
        assertTrue(e.getMessage().contains("skiff:source"), e.getMessage());
        MakeInvocation inv = new BuildrootBuild(new BuildrootMake()).invocation(request(tree, List.of("all"), true));
        for (String tool : BuildrootBuild.DOWNLOAD_TOOLS) {
            assertTrue(inv.arguments().stream().anyMatch(a -> a.startsWith(tool + "=")), tool);
        }
        assertEquals("all", inv.arguments().get(inv.arguments().size() - 1));
    }

    @Test
    void aDownloadFailureOnlineSaysSoWithoutBlamingTheBuild() throws Exception {
        BuildrootTree tree = tree("\t@echo '>>> zlib 1.3 Downloading'\n"
                + "\t@echo 'wget: unable to resolve host address example.invalid'\n\t@exit 1\n");
        SkiffException e = assertThrows(SkiffException.class,
                () -> new BuildrootBuild(new BuildrootMake()).run(request(tree, List.of(), false), 1, l -> { }, l -> { }));
        assertTrue(e.getMessage().startsWith("Buildroot could not download the sources of package zlib 1.3: the network is unreachable"),
                e.getMessage());
    }

    @Test
    void theRefusingDownloadToolIsTheShippedScript() throws Exception {
        // The script lives in src/main/resources (shellchecked there), not in a Java string.
        byte[] shipped;
        try (var in = getClass().getClassLoader().getResourceAsStream("dev/skiff/buildroot/offline-download.sh")) {
            assertTrue(in != null, "the resource dev/skiff/buildroot/offline-download.sh is shipped");
            shipped = in.readAllBytes();
        }
        Path script = BuildrootBuild.offlineScript(tmp.resolve("ws"));
        assertEquals(tmp.resolve("ws/.skiff/offline-download"), script);
        assertTrue(java.util.Arrays.equals(shipped, Files.readAllBytes(script)), "installed as shipped");
        assertTrue(Files.isExecutable(script));

        Process p = new ProcessBuilder(script.toString(), "-q", "-O", "/dl/zlib-1.3.tar.gz", "https://example.invalid/zlib-1.3.tar.gz")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals(1, p.waitFor());
        assertEquals(BuildrootBuild.OFFLINE_MARK + " refusing to download https://example.invalid/zlib-1.3.tar.gz"
                + " (Maven offline mode, -o)", out);
    }
}
