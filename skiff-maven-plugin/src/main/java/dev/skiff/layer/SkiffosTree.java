package dev.skiff.layer;

import dev.skiff.GitDescribe;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A SkiffOS checkout used as a layer source: its {@code configs/} layers, its
 * {@code configs-base/pre} and {@code post} base layers, and its {@code buildroot/} submodule.
 *
 * @param version {@code SKIFF_VERSION} as SkiffOS's {@code skiff_version.sh} computes it:
 *     {@code git describe --tags HEAD}, else the short HEAD, else "unknown"
 * @param versionCommit {@code SKIFF_VERSION_COMMIT}: the short HEAD, or "unknown"
 * @param buildrootGitlink the commit SkiffOS pins its Buildroot submodule at, or null if the tree is
 *     not a git checkout (or has no such gitlink)
 */
public record SkiffosTree(Path dir, String version, String versionCommit, String buildrootGitlink) {
    /** The value of {@code skiff.skiffos} that turns the SkiffOS tree off. */
    public static final String NONE = "none";
    static final String UNKNOWN = "unknown";

    public Path configsDir() {
        return dir.resolve("configs");
    }

    public Path baseDir() {
        return dir.resolve("configs-base");
    }

    public Path buildrootDir() {
        return dir.resolve("buildroot");
    }

    /** Whether {@code dir} holds a SkiffOS tree: both {@code configs/} and {@code configs-base/}. */
    public static boolean looksLike(Path dir) {
        return Files.isDirectory(dir.resolve("configs")) && Files.isDirectory(dir.resolve("configs-base"));
    }

    /**
     * Opens the SkiffOS tree at {@code dir}; {@code where} names the setting that chose it.
     *
     * @throws SkiffException saying what is missing
     */
    public static SkiffosTree open(Path dir, String where) {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) {
            throw new SkiffException(where + ": the SkiffOS tree " + d + (Files.exists(d) ? " is not a directory." : " does not exist.")
                    + " Point it at a SkiffOS checkout (with configs/ and configs-base/), or use -Dskiff.skiffos=none"
                    + " for the stock layers alone.");
        }
        List<String> missing = new ArrayList<>();
        for (String sub : List.of("configs", "configs-base", "configs-base/pre", "configs-base/post")) {
            if (!Files.isDirectory(d.resolve(sub))) missing.add(sub + "/");
        }
        if (!missing.isEmpty()) {
            boolean empty;
            try (var s = Files.list(d)) {
                empty = s.noneMatch(p -> !p.getFileName().toString().equals(".git"));
            } catch (IOException e) {
                throw new SkiffException("cannot list " + d + ": " + e.getMessage(), e);
            }
            throw new SkiffException(where + ": " + d + " is not a SkiffOS tree: it has no " + String.join(", no ", missing)
                    + "." + (empty ? " It is empty: if it is the skiffos git submodule, run `git submodule update --init"
                    + " --recursive`." : "") + " Point it at a SkiffOS checkout, or use -Dskiff.skiffos=none for the"
                    + " stock layers alone.");
        }
        GitDescribe git = GitDescribe.of(d);
        String gitlink = git == null ? null : gitlink(d, "buildroot");
        return new SkiffosTree(d, git == null ? UNKNOWN : git.versionOrShortHead(),
                git == null ? UNKNOWN : git.shortHead(), gitlink);
    }

    /** The commit a submodule path is pinned at in HEAD's tree, or null. */
    static String gitlink(Path dir, String path) {
        FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(dir.toFile());
        if (b.getGitDir() == null) return null;
        try (Repository repo = b.build(); RevWalk walk = new RevWalk(repo)) {
            if (repo.isBare() || !repo.getWorkTree().toPath().toAbsolutePath().normalize().equals(dir)) return null;
            ObjectId head = repo.resolve("HEAD^{commit}");
            if (head == null) return null;
            try (TreeWalk tw = TreeWalk.forPath(repo, path, walk.parseCommit(head).getTree())) {
                if (tw == null || tw.getFileMode(0) != FileMode.GITLINK) return null;
                return tw.getObjectId(0).name();
            }
        } catch (IOException e) {
            throw new SkiffException("cannot read the git repository of the SkiffOS tree " + dir + ": " + e.getMessage(), e);
        }
    }
}
