package dev.skiff.buildroot;

import dev.skiff.SkiffException;
import dev.skiff.layer.SkiffosTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Finds the Buildroot tree by {@link BuildrootSource}'s order, checking out the git submodule
 * that carries it when it is not there yet, or cloning the pinned release.
 */
public final class BuildrootCheckout {
    private BuildrootCheckout() {}

    public static BuildrootTree ensure(BuildrootSource src, Consumer<String> log) {
        if (src.explicit() != null) {
            try {
                return BuildrootTree.open(src.explicit());
            } catch (SkiffException e) {
                throw new SkiffException("The Buildroot tree set by -D" + BuildrootTree.LOCATION_PROPERTY + " (or <"
                        + BuildrootTree.LOCATION_PROPERTY + ">) is not usable: " + e.getMessage(), e);
            }
        }
        if (src.skiffos() != null) return skiffosBuildroot(src.skiffos(), src.offline(), log);
        Path own = src.projectDir().resolve("buildroot");
        if (Files.isDirectory(own)) {
            Submodules.ensure(own, src.offline(), log);
            if (Files.isRegularFile(own.resolve("Makefile")) || Submodules.checkedOut(own)) return BuildrootTree.open(own);
        }
        return PinnedClone.ensure(src.url(), src.cloneDir(), src.offline(), log);
    }

    /** A SkiffOS tree's {@code buildroot/}: its Buildroot fork, as a git submodule of SkiffOS. */
    static BuildrootTree skiffosBuildroot(SkiffosTree skiffos, boolean offline, Consumer<String> log) {
        Path dir = skiffos.buildrootDir();
        if (!Submodules.checkedOut(dir)) {
            try {
                Submodules.ensure(dir, offline, log);
            } catch (SkiffException e) {
                // SkiffOS's Buildroot fork may not be reachable at all (offline, a mirror): say what else works.
                throw new SkiffException(e.getMessage() + "\nor point -D" + BuildrootTree.LOCATION_PROPERTY + "=/path/to/buildroot"
                        + " at a Buildroot tree of the series SkiffOS tracks.", e);
            }
        }
        if (!Files.isRegularFile(dir.resolve("Makefile"))) {
            String state = !Files.exists(dir) ? "does not exist" : Submodules.checkedOut(dir) ? "has no Makefile" : "is empty";
            throw new SkiffException("The SkiffOS tree " + skiffos.dir() + " has no Buildroot: " + dir + " " + state
                    + (skiffos.buildrootGitlink() == null ? "." : " (SkiffOS pins its Buildroot fork there at commit "
                    + skiffos.buildrootGitlink().substring(0, 12) + ").") + " Check it out:\n"
                    + "  git -C " + skiffos.dir() + " submodule update --init buildroot\n"
                    + "or point -D" + BuildrootTree.LOCATION_PROPERTY + "=/path/to/buildroot at a Buildroot tree of the series"
                    + " SkiffOS tracks.");
        }
        return BuildrootTree.open(dir);
    }

    /**
     * One line when {@code tree} is not the Buildroot the layers were validated on: the 2026.02
     * series for the stock library, the commit SkiffOS's {@code buildroot} gitlink points to for a
     * SkiffOS tree. Empty when they match. The dropped-symbol check is the guard either way.
     */
    public static Optional<String> seriesWarning(BuildrootTree tree, SkiffosTree skiffos) {
        if (skiffos == null) {
            if (BuildrootTree.inSupportedSeries(tree.version())) return Optional.empty();
            return Optional.of("Buildroot at " + tree.dir() + " is version " + tree.version() + "; the stock layers are"
                    + " validated on the " + BuildrootTree.SUPPORTED_SERIES + " series (" + BuildrootTree.PINNED_RELEASE
                    + "). The dropped-symbol check after make defconfig names anything this release lacks.");
        }
        String pinned = skiffos.buildrootGitlink();
        if (pinned == null) return Optional.empty();
        String head = headOf(tree.dir());
        if (pinned.equals(head)) return Optional.empty();
        String pinnedVersion = versionAt(tree.dir(), pinned).or(() -> versionAt(skiffos.buildrootDir(), pinned)).orElse(null);
        if (pinnedVersion != null && head == null && pinnedVersion.equals(tree.version())) return Optional.empty();
        return Optional.of("Buildroot at " + tree.dir() + " is version " + tree.version()
                + (head == null ? " (not a git checkout)" : " at commit " + head.substring(0, 12)) + "; SkiffOS "
                + skiffos.version() + " pins its Buildroot at commit " + pinned.substring(0, 12)
                + (pinnedVersion == null ? "" : " (version " + pinnedVersion + ")")
                + ". The dropped-symbol check after make defconfig names anything this tree lacks.");
    }

    /** The HEAD commit of the repository whose work tree is exactly {@code dir}, or null. */
    static String headOf(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.exists(d.resolve(".git"))) return null;
        FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(d.toFile());
        if (b.getGitDir() == null) return null;
        try (Repository repo = b.build()) {
            if (repo.isBare() || !repo.getWorkTree().toPath().toAbsolutePath().normalize().equals(d)) return null;
            ObjectId head = repo.resolve("HEAD^{commit}");
            return head == null ? null : head.name();
        } catch (IOException e) {
            return null;
        }
    }

    /** The Buildroot release declared by {@code Makefile} at {@code commit} in the repository at {@code dir}, if it has it. */
    static Optional<String> versionAt(Path dir, String commit) {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.exists(d.resolve(".git"))) return Optional.empty();
        FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(d.toFile());
        if (b.getGitDir() == null) return Optional.empty();
        try (Repository repo = b.build(); RevWalk walk = new RevWalk(repo)) {
            ObjectId id = ObjectId.fromString(commit);
            if (!repo.getObjectDatabase().has(id)) return Optional.empty();
            try (TreeWalk tw = TreeWalk.forPath(repo, "Makefile", walk.parseCommit(id).getTree())) {
                if (tw == null) return Optional.empty();
                ObjectLoader loader = repo.open(tw.getObjectId(0));
                return BuildrootTree.versionOf(new String(loader.getBytes(), StandardCharsets.ISO_8859_1));
            }
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
