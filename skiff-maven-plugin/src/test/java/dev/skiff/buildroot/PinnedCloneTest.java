package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.testing.RealBuildroot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project with no Buildroot of its own gets the pinned release by a shallow JGit clone. The
 * real test clones the real tag from a file:// repository made from the fixture (a bare
 * repository holding tag 2026.02.3 with its real commit), as it would from gitlab.com.
 */
class PinnedCloneTest {
    static final String GIT = "SKIFF_TEST_BUILDROOT_GIT";

    @TempDir
    Path tmp;

    private static String realRepository() {
        String v = RealBuildroot.setting(GIT);
        if (v == null) {
            String reason = "the pinned-clone test needs " + GIT + "=<git repository holding tag 2026.02.3>"
                    + " (the fixture is ../shared/fixtures/buildroot-2026.02.3.git.tar; .ci/run extracts it)";
            System.err.println("SKIPPED: " + reason);
            Assumptions.assumeTrue(false, reason);
        }
        return Path.of(v).toUri().toString();
    }

    @Test
    void clonesThePinnedTagShallowChecksItsCommitAndReusesIt() {
        String url = realRepository();
        Path cache = tmp.resolve("buildroot");
        List<String> log = new ArrayList<>();
        BuildrootTree tree = PinnedClone.ensure(url, cache, false, log::add);
        assertEquals(cache.resolve("2026.02.3").toAbsolutePath().normalize(), tree.dir());
        assertEquals("2026.02.3", tree.version());
        assertEquals(BuildrootTree.PINNED_COMMIT, BuildrootCheckout.headOf(tree.dir()));
        assertTrue(Files.isRegularFile(tree.dir().resolve(".git/shallow")), "a shallow clone");
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).contains(url), log.toString());
        // Made once, shared by every project; offline is fine once it is there.
        log.clear();
        assertEquals(tree, PinnedClone.ensure(url, cache, true, log::add));
        assertTrue(log.isEmpty(), log.toString());
        // And through the project's source order: no skiff.buildroot, no buildroot/, no SkiffOS.
        BuildrootSource src = new BuildrootSource(null, tmp.resolve("project"), null, url, cache, true);
        assertEquals(tree.dir(), src.expectedDir());
        assertEquals(tree, BuildrootCheckout.ensure(src, l -> { }));
    }

    @Test
    void aTagAtAnotherCommitIsRefusedAndNothingIsLeft() throws Exception {
        Path work = tmp.resolve("fake");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.createDirectories(work.resolve("package"));
            Files.writeString(work.resolve("Makefile"), "export BR2_VERSION := 2026.02.3\n");
            Files.writeString(work.resolve("Config.in"), "");
            Files.writeString(work.resolve("package/Config.in"), "");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("not buildroot").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com")
                    .setSign(false).call();
            git.tag().setName("2026.02.3").setAnnotated(false).call();
        }
        Path cache = tmp.resolve("buildroot");
        String url = work.toUri().toString();
        SkiffException e = assertThrows(SkiffException.class, () -> PinnedClone.ensure(url, cache, false, l -> { }));
        assertTrue(e.getMessage().contains("not the pinned " + BuildrootTree.PINNED_COMMIT), e.getMessage());
        assertTrue(e.getMessage().contains(url), e.getMessage());
        assertFalse(Files.exists(cache.resolve("2026.02.3")), "no refused tree is left to be used later");
        try (var s = Files.list(cache)) {
            assertEquals(0, s.count(), "no half-made clone either");
        }
    }

    @Test
    void anUnreachableUrlNamesItAndTheCommand() {
        Path cache = tmp.resolve("buildroot");
        String url = tmp.resolve("missing.git").toUri().toString();
        SkiffException e = assertThrows(SkiffException.class, () -> PinnedClone.ensure(url, cache, false, l -> { }));
        assertTrue(e.getMessage().startsWith("cannot clone Buildroot 2026.02.3 from " + url), e.getMessage());
        assertTrue(e.getMessage().contains("git clone --depth 1 --branch 2026.02.3 " + url), e.getMessage());
        assertFalse(Files.exists(cache.resolve("2026.02.3")));
    }

    @Test
    void aTreeInTheCacheAtAnotherCommitIsNotUsed() throws Exception {
        Path cache = tmp.resolve("buildroot");
        BuildrootTreeTest.fakeTree(cache.resolve("2026.02.3"), "2026.02.3");
        SkiffException e = assertThrows(SkiffException.class,
                () -> PinnedClone.ensure("https://example.invalid/x.git", cache, true, l -> { }));
        assertTrue(e.getMessage().contains("not a git checkout") && e.getMessage().contains("Remove it"), e.getMessage());
    }
}
