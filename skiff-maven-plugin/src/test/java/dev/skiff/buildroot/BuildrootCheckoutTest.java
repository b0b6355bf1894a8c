package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.layer.SkiffosTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Submodule checkout through JGit, with local bare repositories as remotes (file URLs, no network). */
class BuildrootCheckoutTest {
    @TempDir
    Path tmp;

    private static void commitAll(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.commit().setMessage(message).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false).call();
    }

    /** A bare "buildroot" remote holding a minimal tree of the given version. */
    private Path buildrootRemote(String version) throws Exception {
        Path work = tmp.resolve("br-work");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.writeString(work.resolve("Makefile"), "export BR2_VERSION := " + version + "\n");
            Files.writeString(work.resolve("Config.in"), "");
            Files.createDirectories(work.resolve("package"));
            Files.writeString(work.resolve("package/Config.in"), "");
            commitAll(git, "buildroot " + version);
        }
        Path bare = tmp.resolve("buildroot.git");
        Git.cloneRepository().setURI(work.toUri().toString()).setDirectory(bare.toFile()).setBare(true).call().close();
        return bare;
    }

    /** A generated-project layout: project → skiffos (submodule) → buildroot (submodule). */
    private Path generatedProjectClone(String skiffosUrlOverride) throws Exception {
        Path br = buildrootRemote("2026.02.3");
        Path skWork = tmp.resolve("skiffos-work");
        try (Git git = Git.init().setDirectory(skWork.toFile()).setInitialBranch("main").call()) {
            Files.writeString(skWork.resolve("README"), "skiffos\n");
            for (String f : List.of("configs/virt/qemu/metadata/description", "configs-base/pre/buildroot/arch",
                    "configs-base/post/buildroot/config")) {
                Files.createDirectories(skWork.resolve(f).getParent());
                Files.writeString(skWork.resolve(f), "# " + f + "\n");
            }
            git.submoduleAdd().setPath("buildroot").setURI(br.toUri().toString()).call().close();
            commitAll(git, "skiffos with buildroot");
        }
        Path sk = tmp.resolve("skiffos.git");
        Git.cloneRepository().setURI(skWork.toUri().toString()).setDirectory(sk.toFile()).setBare(true).call().close();
        Path projWork = tmp.resolve("project-work");
        try (Git git = Git.init().setDirectory(projWork.toFile()).setInitialBranch("main").call()) {
            Files.writeString(projWork.resolve("pom.xml"), "<project/>\n");
            git.submoduleAdd().setPath("skiffos").setURI(sk.toUri().toString()).call().close();
            if (skiffosUrlOverride != null) {
                Files.writeString(projWork.resolve(".gitmodules"),
                        "[submodule \"skiffos\"]\n\tpath = skiffos\n\turl = " + skiffosUrlOverride + "\n");
            }
            commitAll(git, "project");
        }
        Path clone = tmp.resolve("clone");
        Git.cloneRepository().setURI(projWork.toUri().toString()).setDirectory(clone.toFile()).call().close();
        return clone;
    }

    private BuildrootSource source(Path project, SkiffosTree skiffos, boolean offline) {
        return new BuildrootSource(null, project, skiffos, "https://127.0.0.1:9/buildroot.git", tmp.resolve("cache"), offline);
    }

    @Test
    void aFreshCloneGetsSkiffosAndItsBuildrootCheckedOutRecursively() throws Exception {
        Path clone = generatedProjectClone(null);
        Path sk = clone.resolve("skiffos");
        assertFalse(Submodules.checkedOut(sk), "a fresh clone has no submodule content");
        assertTrue(Submodules.isSubmodule(sk));
        List<String> log = new ArrayList<>();
        assertTrue(Submodules.ensure(sk, true, log::add)); // file URLs work offline
        SkiffosTree tree = SkiffosTree.open(sk, "test");
        BuildrootTree br = BuildrootCheckout.ensure(source(clone, tree, true), log::add);
        assertEquals(sk.resolve("buildroot").toAbsolutePath().normalize(), br.dir());
        assertEquals("2026.02.3", br.version());
        assertEquals(2, log.size(), log.toString());
        assertTrue(BuildrootCheckout.seriesWarning(br, tree).isEmpty(), "the gitlink's commit is checked out");
        // Already there: nothing to do the second time.
        log.clear();
        assertFalse(Submodules.ensure(sk, true, log::add));
        BuildrootCheckout.ensure(source(clone, tree, true), log::add);
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void aSkiffosTreeWithAnEmptyBuildrootNamesTheSubmoduleCommand() throws Exception {
        Path sk = tmp.resolve("plain-skiffos");
        for (String d : List.of("configs", "configs-base/pre", "configs-base/post", "buildroot")) Files.createDirectories(sk.resolve(d));
        SkiffosTree tree = SkiffosTree.open(sk, "test");
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootCheckout.ensure(source(tmp, tree, true), l -> { }));
        assertTrue(e.getMessage().contains("git -C " + sk.toAbsolutePath().normalize() + " submodule update --init buildroot"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dskiff.buildroot="), e.getMessage());
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    }

    @Test
    void offlineANetworkSubmoduleFailsWithTheExactCommand() throws Exception {
        Path clone = generatedProjectClone("https://127.0.0.1:9/skiffos.git");
        SkiffException e = assertThrows(SkiffException.class, () -> Submodules.ensure(clone.resolve("skiffos"), true, l -> { }));
        assertTrue(e.getMessage().contains("Maven is offline (-o)"), e.getMessage());
        assertTrue(e.getMessage().contains("git -C " + clone.toAbsolutePath().normalize() + " submodule update --init --recursive skiffos"),
                e.getMessage());
    }

    @Test
    void anUnreachableRemoteIsAClearError() throws Exception {
        Path clone = generatedProjectClone(tmp.resolve("missing.git").toUri().toString());
        SkiffException e = assertThrows(SkiffException.class, () -> Submodules.ensure(clone.resolve("skiffos"), false, l -> { }));
        assertTrue(e.getMessage().startsWith("cannot check out git submodule clone/skiffos from file:"), e.getMessage());
        // The command alone on its line, git's cause after it on its own.
        List<String> lines = e.getMessage().lines().toList();
        assertEquals("  git -C " + clone.toAbsolutePath().normalize() + " submodule update --init --recursive skiffos", lines.get(1),
                e.getMessage());
        assertTrue(lines.get(2).startsWith("cause: "), e.getMessage());
    }

    @Test
    void aProjectBuildrootSubmoduleIsCheckedOutAndAnyReleaseIsAccepted() throws Exception {
        Path br = buildrootRemote("2025.02.1");
        Path projWork = tmp.resolve("p");
        try (Git git = Git.init().setDirectory(projWork.toFile()).setInitialBranch("main").call()) {
            Files.writeString(projWork.resolve("pom.xml"), "<project/>\n");
            git.submoduleAdd().setPath("buildroot").setURI(br.toUri().toString()).call().close();
            commitAll(git, "p");
        }
        Path clone = tmp.resolve("pclone");
        Git.cloneRepository().setURI(projWork.toUri().toString()).setDirectory(clone.toFile()).call().close();
        BuildrootTree tree = BuildrootCheckout.ensure(source(clone, null, false), l -> { });
        assertEquals("2025.02.1", tree.version());
        assertTrue(BuildrootCheckout.seriesWarning(tree, null).orElseThrow().contains("2026.02 series"));
    }

    @Test
    void anExplicitDirectoryIsUsedWithoutGit() throws Exception {
        Path dir = tmp.resolve("explicit");
        Files.createDirectories(dir.resolve("package"));
        Files.writeString(dir.resolve("Makefile"), "export BR2_VERSION := 2026.02.3\n");
        Files.writeString(dir.resolve("Config.in"), "");
        BuildrootSource src = new BuildrootSource(dir, tmp, null, "unused", tmp.resolve("cache"), true);
        assertEquals("2026.02.3", BuildrootCheckout.ensure(src, l -> { }).version());
    }

    @Test
    void anInvalidExplicitDirectoryIsNotReplacedByAnother() throws Exception {
        Path project = tmp.resolve("proj");
        BuildrootTreeTest.fakeTree(project.resolve("buildroot"), "2026.02.3");
        BuildrootSource src = new BuildrootSource(tmp.resolve("nope"), project, null, "unused", tmp.resolve("cache"), true);
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootCheckout.ensure(src, l -> { }));
        assertTrue(e.getMessage().contains("-Dskiff.buildroot") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void withoutAnyTreeOfflineTheErrorNamesTheUrlAndTheCommand() {
        Path project = tmp.resolve("stock-only");
        BuildrootSource src = new BuildrootSource(null, project, null, "https://example.invalid/buildroot.git",
                tmp.resolve("cache"), true);
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootCheckout.ensure(src, l -> { }));
        assertTrue(e.getMessage().contains("https://example.invalid/buildroot.git"), e.getMessage());
        assertTrue(e.getMessage().contains("git clone --depth 1 --branch 2026.02.3 https://example.invalid/buildroot.git "
                + tmp.resolve("cache/2026.02.3").toAbsolutePath().normalize()), e.getMessage());
        assertTrue(e.getMessage().contains("offline (-o)"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cache/2026.02.3")), "nothing half-made");
    }
}
