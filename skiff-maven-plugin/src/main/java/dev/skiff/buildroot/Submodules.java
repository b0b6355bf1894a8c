package dev.skiff.buildroot;

import dev.skiff.SkiffException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.submodule.SubmoduleWalk;

/**
 * Checks out git submodules that carry a tree the build needs ({@code skiffos/}, and inside it
 * {@code buildroot/}; or a project's own {@code buildroot/}), as
 * {@code git submodule update --init --recursive} would, through JGit so no git binary is needed.
 */
public final class Submodules {
    private Submodules() {}

    /** Whether {@code dir} has content besides a {@code .git} entry. */
    public static boolean checkedOut(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> !p.getFileName().toString().equals(".git"));
        } catch (IOException e) {
            throw new SkiffException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code dir} is a submodule path registered in the repository that holds it. */
    public static boolean isSubmodule(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null) return false;
        FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(parent.toFile());
        if (b.getGitDir() == null) return false;
        try (Repository repo = b.build()) {
            if (repo.isBare()) return false;
            String rel = relative(repo, abs);
            return rel != null && registered(repo, rel);
        } catch (IOException e) {
            throw new SkiffException("cannot read the git repository of " + parent + ": " + e.getMessage(), e);
        }
    }

    /**
     * If {@code dir} is a registered submodule that is not checked out, initialises and updates
     * it and every submodule inside it. Offline, a submodule whose URL needs the network is an error
     * with the exact command to run; {@code file:} URLs and local paths are allowed.
     *
     * @return true if something was checked out
     */
    public static boolean ensure(Path dir, boolean offline, Consumer<String> log) {
        Path abs = dir.toAbsolutePath().normalize();
        if (checkedOut(abs) || abs.getParent() == null) return false;
        FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(abs.getParent().toFile());
        if (b.getGitDir() == null) return false;
        try (Repository repo = b.build()) {
            if (repo.isBare()) return false;
            String rel = relative(repo, abs);
            if (rel == null || !registered(repo, rel)) return false;
            String command = "git -C " + repo.getWorkTree().toPath().toAbsolutePath().normalize()
                    + " submodule update --init --recursive " + rel;
            update(repo, rel, offline, log, command);
            return true;
        } catch (IOException e) {
            throw new SkiffException("cannot read the git repository of " + abs.getParent() + ": " + e.getMessage(), e);
        }
    }

    private static String relative(Repository repo, Path abs) {
        Path top = repo.getWorkTree().toPath().toAbsolutePath().normalize();
        if (!abs.startsWith(top) || abs.equals(top)) return null;
        return top.relativize(abs).toString().replace(File.separatorChar, '/');
    }

    private static boolean registered(Repository repo, String path) throws IOException {
        try (SubmoduleWalk walk = SubmoduleWalk.forIndex(repo)) {
            while (walk.next()) if (walk.getPath().equals(path)) return true;
        }
        return false;
    }

    static boolean needsNetwork(String url) {
        return url != null && !url.startsWith("file:") && !url.startsWith("/") && !url.startsWith("./") && !url.startsWith("../");
    }

    private static void update(Repository repo, String path, boolean offline, Consumer<String> log, String command) {
        String url;
        try (SubmoduleWalk walk = SubmoduleWalk.forIndex(repo)) {
            walk.setFilter(org.eclipse.jgit.treewalk.filter.PathFilter.create(path));
            url = walk.next() ? walk.getModulesUrl() : null;
        } catch (IOException | org.eclipse.jgit.errors.ConfigInvalidException e) {
            throw new SkiffException("cannot read .gitmodules of " + repo.getWorkTree() + ": " + e.getMessage(), e);
        }
        String where = repo.getWorkTree().toPath().getFileName() + "/" + path;
        if (offline && needsNetwork(url)) {
            throw new SkiffException("the git submodule " + where + " (" + url + ") is not checked out, and Maven is"
                    + " offline (-o). Check it out while online:\n  " + command);
        }
        log.accept("Checking out git submodule " + where + " from " + url + " (JGit)");
        try (Git git = Git.wrap(repo)) {
            git.submoduleInit().addPath(path).call();
            git.submoduleUpdate().addPath(path).call();
            try (Repository sub = SubmoduleWalk.getSubmoduleRepository(repo, path)) {
                if (sub == null) throw new SkiffException("git submodule " + where + " did not check out; run:\n  " + command);
                try (SubmoduleWalk walk = SubmoduleWalk.forIndex(sub)) {
                    while (walk.next()) {
                        String p = walk.getPath();
                        if (!checkedOut(sub.getWorkTree().toPath().resolve(p))) update(sub, p, offline, log, command);
                    }
                }
            }
        } catch (GitAPIException | IOException | org.eclipse.jgit.api.errors.JGitInternalException e) {
            // The command on a line of its own (to copy), then git's own words, each on theirs.
            throw new SkiffException("cannot check out git submodule " + where + " from " + url + ". Check the URL and the"
                    + " network, then run:\n  " + command + "\ncause: " + rootMessage(e).strip().replace("\n", "\n  "), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t == e ? e.getMessage() : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
