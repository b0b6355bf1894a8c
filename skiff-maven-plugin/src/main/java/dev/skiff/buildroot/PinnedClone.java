package dev.skiff.buildroot;

import dev.skiff.FileTree;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * Buildroot {@value BuildrootTree#PINNED_RELEASE} for a project that has no tree of its own: a
 * shallow JGit clone of the release tag into {@code <cloneDir>/<release>}, whose commit must be
 * the pinned one (a moved tag, or another repository behind the URL, is refused). Made once,
 * shared by every project on the machine.
 */
public final class PinnedClone {
    private PinnedClone() {}

    public static BuildrootTree ensure(String url, Path cloneDir, boolean offline, Consumer<String> log) {
        String release = BuildrootTree.PINNED_RELEASE;
        Path target = cloneDir.resolve(release).toAbsolutePath().normalize();
        String command = "git clone --depth 1 --branch " + release + " " + url + " " + target;
        if (Files.isRegularFile(target.resolve("Makefile"))) {
            String head = BuildrootCheckout.headOf(target);
            if (BuildrootTree.PINNED_COMMIT.equals(head)) return BuildrootTree.open(target);
            throw new SkiffException(target + " is not Buildroot " + release + " at commit " + BuildrootTree.PINNED_COMMIT
                    + (head == null ? " (it is not a git checkout)" : " (it is at " + head + ")") + ". Remove it and build"
                    + " again to clone it afresh, or pass -D" + BuildrootTree.LOCATION_PROPERTY + "=/path/to/buildroot.");
        }
        if (offline) {
            throw new SkiffException("No Buildroot tree for this project (no skiff.buildroot, no buildroot/, no SkiffOS tree),"
                    + " and Maven is offline (-o), so Skiff cannot clone Buildroot " + release + " from " + url
                    + ". Run the build once online, or clone it yourself:\n  " + command
                    + "\nor pass -D" + BuildrootTree.LOCATION_PROPERTY + "=/path/to/buildroot-" + release + ".");
        }
        log.accept("Cloning Buildroot " + release + " from " + url + " into " + target + " (JGit, shallow)");
        Path tmp;
        try {
            Files.createDirectories(cloneDir);
            tmp = Files.createTempDirectory(cloneDir, "." + release + "-");
        } catch (IOException e) {
            throw new SkiffException("cannot create " + cloneDir + ": " + e.getMessage(), e);
        }
        try {
            String ref = "refs/tags/" + release;
            try (Git git = Git.cloneRepository().setURI(url).setDirectory(tmp.toFile()).setBranch(ref)
                    .setBranchesToClone(List.of(ref)).setDepth(1).setNoTags().call()) {
                Repository repo = git.getRepository();
                ObjectId head = repo.resolve("HEAD^{commit}");
                if (head == null || !head.name().equals(BuildrootTree.PINNED_COMMIT)) {
                    throw new SkiffException("the tag " + release + " at " + url + " is commit " + (head == null ? "(none)" : head.name())
                            + ", not the pinned " + BuildrootTree.PINNED_COMMIT + ": refusing it (a moved tag, or another"
                            + " repository behind skiff.buildrootUrl).");
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return BuildrootTree.open(target);
        } catch (GitAPIException | org.eclipse.jgit.api.errors.JGitInternalException e) {
            throw new SkiffException("cannot clone Buildroot " + release + " from " + url + ": " + rootMessage(e)
                    + "\nCheck the URL and the network (skiff.buildrootUrl), or clone it yourself:\n  " + command
                    + "\nor pass -D" + BuildrootTree.LOCATION_PROPERTY + "=/path/to/buildroot-" + release + ".", e);
        } catch (IOException e) {
            throw new SkiffException("cannot move the Buildroot clone into " + target + ": " + e.getMessage(), e);
        } finally {
            FileTree.deleteQuietly(tmp);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t == e ? e.getMessage() : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
