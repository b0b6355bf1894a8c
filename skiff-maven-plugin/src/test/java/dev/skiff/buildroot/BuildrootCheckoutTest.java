package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
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

    @Test
    void aFreshCloneGetsSkiffosAndItsBuildrootCheckedOutRecursively() throws Exception {
        Path clone = generatedProjectClone(null);
        assertFalse(BuildrootCheckout.checkedOut(clone.resolve("skiffos")), "a fresh clone has no submodule content");
        List<String> log = new ArrayList<>();
        BuildrootTree tree = BuildrootCheckout.ensure(null, clone, true, log::add); // file URLs work offline
        assertEquals(clone.resolve("skiffos/buildroot").toAbsolutePath().normalize(), tree.dir());
        assertEquals("2026.02.3", tree.version());
        assertEquals(2, log.size(), log.toString());
        // Already there: nothing to do the second time.
        log.clear();
        BuildrootCheckout.ensure(null, clone, true, log::add);
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void offlineANetworkSubmoduleFailsWithTheExactCommand() throws Exception {
        Path clone = generatedProjectClone("https://127.0.0.1:9/skiffos.git");
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootCheckout.ensure(null, clone, true, l -> { }));
        assertTrue(e.getMessage().contains("Maven is offline (-o)"), e.getMessage());
        assertTrue(e.getMessage().contains("git -C " + clone.toAbsolutePath().normalize() + " submodule update --init --recursive skiffos"),
                e.getMessage());
    }

    @Test
    void anUnreachableRemoteIsAClearError() throws Exception {
        Path clone = generatedProjectClone(tmp.resolve("missing.git").toUri().toString());
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootCheckout.ensure(null, clone, false, l -> { }));
        assertTrue(e.getMessage().startsWith("cannot check out git submodule skiffos from file:"), e.getMessage());
        assertTrue(e.getMessage().contains("submodule update --init --recursive skiffos"), e.getMessage());
    }

    @Test
    void theWrongBuildrootReleaseIsRefusedAfterCheckout() throws Exception {
        Path br = buildrootRemote("2025.02.1");
        Path projWork = tmp.resolve("p");
        try (Git git = Git.init().setDirectory(projWork.toFile()).setInitialBranch("main").call()) {
            Files.writeString(projWork.resolve("pom.xml"), "<project/>\n");
            git.submoduleAdd().setPath("buildroot").setURI(br.toUri().toString()).call().close();
            commitAll(git, "p");
        }
        Path clone = tmp.resolve("pclone");
        Git.cloneRepository().setURI(projWork.toUri().toString()).setDirectory(clone.toFile()).call().close();
        SkiffException e = assertThrows(SkiffException.class, () -> BuildrootCheckout.ensure(null, clone, false, l -> { }));
        assertTrue(e.getMessage().contains("2025.02.1") && e.getMessage().contains("2026.02"), e.getMessage());
        assertTrue(BuildrootCheckout.checkedOut(clone.resolve("buildroot")), "the checkout itself happened");
    }

    @Test
    void anExplicitDirectoryIsUsedWithoutGit() throws Exception {
        Path dir = tmp.resolve("explicit");
        Files.createDirectories(dir.resolve("package"));
        Files.writeString(dir.resolve("Makefile"), "export BR2_VERSION := 2026.02.3\n");
        Files.writeString(dir.resolve("Config.in"), "");
        assertEquals("2026.02.3", BuildrootCheckout.ensure(dir, tmp, true, l -> { }).version());
    }
}
