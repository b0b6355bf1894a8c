package dev.skiff.buildroot;

import dev.skiff.SkiffException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.submodule.SubmoduleWalk;

/**
 * Finds the Buildroot tree, checking out the git submodule that carries it when it is not there
 * yet: {@code buildroot/} in this repository, or {@code skiffos/} (and, recursively, its own
 * {@code buildroot/}) in a generated project. JGit does the work, so no git binary is needed.
 */
public final class BuildrootCheckout {
    /** The submodules that may carry Buildroot, relative to the project directory. */
    static final List<String> CANDIDATES = List.of("buildroot", "skiffos");

    private BuildrootCheckout() {}

    /**
     * The Buildroot tree for {@code projectDir}. An explicit directory is used as it is. Offline,
     * a submodule that would need fetching from the network is an error with the exact command
     * to run; a {@code file:} URL is local and allowed.
     */
    public static BuildrootTree ensure(Path explicitOrNull, Path projectDir, boolean offline, Consumer<String> log) {
        if (explicitOrNull != null) return BuildrootTree.open(explicitOrNull);
        Path project = projectDir.toAbsolutePath().normalize();
        FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(project.toFile());
        if (b.getGitDir() != null) {
            try (Repository repo = b.build()) {
                if (!repo.isBare()) {
                    Path top = repo.getWorkTree().toPath().toAbsolutePath().normalize();
                    for (String candidate : CANDIDATES) {
                        String rel = top.relativize(project.resolve(candidate)).toString().replace(File.separatorChar, '/');
                        if (isSubmodule(repo, rel) && !checkedOut(project.resolve(candidate))) {
                            update(repo, rel, offline, log, project);
                            break;
                        }
                    }
                }
            } catch (IOException e) {
                throw new SkiffException("cannot read the git repository of " + project + ": " + e.getMessage(), e);
            }
        }
        return BuildrootTree.locate(null, project);
    }

    private static boolean isSubmodule(Repository repo, String path) throws IOException {
        try (SubmoduleWalk walk = SubmoduleWalk.forIndex(repo)) {
            while (walk.next()) if (walk.getPath().equals(path)) return true;
        }
        return false;
    }

    static boolean checkedOut(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> !p.getFileName().toString().equals(".git"));
        }
    }

    /** Initialises and updates {@code path}, then every submodule inside it, recursively. */
    private static void update(Repository repo, String path, boolean offline, Consumer<String> log, Path project) {
        String url;
        try (SubmoduleWalk walk = SubmoduleWalk.forIndex(repo)) {
            walk.setFilter(org.eclipse.jgit.treewalk.filter.PathFilter.create(path));
            url = walk.next() ? walk.getModulesUrl() : null;
        } catch (IOException | org.eclipse.jgit.errors.ConfigInvalidException e) {
            throw new SkiffException("cannot read .gitmodules of " + repo.getWorkTree() + ": " + e.getMessage(), e);
        }
        String command = "git -C " + project + " submodule update --init --recursive " + path;
        if (offline && url != null && !url.startsWith("file:") && !url.startsWith("/")) {
            throw new SkiffException("Buildroot is in the git submodule " + path + " (" + url + "), which is not checked out,"
                    + " and Maven is offline (-o). Check it out while online:\n  " + command
                    + "\nor run without -o, or pass -Dskiff.buildroot=/path/to/buildroot-" + BuildrootTree.PINNED_RELEASE + ".");
        }
        log.accept("Checking out git submodule " + path + " from " + url + " (JGit)");
        try (Git git = Git.wrap(repo)) {
            git.submoduleInit().addPath(path).call();
            git.submoduleUpdate().addPath(path).call();
            try (Repository sub = SubmoduleWalk.getSubmoduleRepository(repo, path)) {
                if (sub == null) throw new SkiffException("git submodule " + path + " did not check out; run:\n  " + command);
                updateAll(sub, offline, log, command);
            }
        } catch (GitAPIException | IOException | org.eclipse.jgit.api.errors.JGitInternalException e) {
            throw new SkiffException("cannot check out git submodule " + path + " from " + url + ": " + rootMessage(e)
                    + "\nCheck the URL and the network, then run:\n  " + command
                    + "\nor pass -Dskiff.buildroot=/path/to/buildroot-" + BuildrootTree.PINNED_RELEASE + ".", e);
        }
    }

    private static void updateAll(Repository repo, boolean offline, Consumer<String> log, String command)
            throws GitAPIException, IOException {
        try (SubmoduleWalk walk = SubmoduleWalk.forIndex(repo)) {
            while (walk.next()) {
                String p = walk.getPath();
                String url;
                try {
                    url = walk.getModulesUrl();
                } catch (org.eclipse.jgit.errors.ConfigInvalidException e) {
                    throw new SkiffException("invalid .gitmodules in " + repo.getWorkTree() + ": " + e.getMessage(), e);
                }
                if (checkedOut(repo.getWorkTree().toPath().resolve(p))) continue;
                if (offline && url != null && !url.startsWith("file:") && !url.startsWith("/")) {
                    throw new SkiffException("git submodule " + p + " of " + repo.getWorkTree() + " (" + url
                            + ") is not checked out, and Maven is offline (-o). Check it out while online:\n  " + command);
                }
                log.accept("Checking out git submodule " + repo.getWorkTree().toPath().getFileName() + "/" + p + " from " + url + " (JGit)");
                try (Git git = Git.wrap(repo)) {
                    git.submoduleInit().addPath(p).call();
                    git.submoduleUpdate().addPath(p).call();
                }
                try (Repository sub = SubmoduleWalk.getSubmoduleRepository(repo, p)) {
                    if (sub != null) updateAll(sub, offline, log, command);
                }
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t == e ? e.getMessage() : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
