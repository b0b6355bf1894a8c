package dev.skiff.configure;

import java.io.File;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** {@code git describe} of the project, through JGit so no git binary is needed. */
public final class VersionStamp {
    public static final String UNKNOWN = "unknown";

    private VersionStamp() {}

    /**
     * {@code git describe --tags --always} of the repository holding {@code projectDir}; "unknown"
     * outside a repository or before the first commit. No dirty marker: finding it means walking
     * the work tree, which holds multi-gigabyte workspaces.
     */
    public static String describe(Path projectDir) {
        FileRepositoryBuilder b = new FileRepositoryBuilder().readEnvironment().findGitDir(projectDir.toFile());
        File gitDir = b.getGitDir();
        if (gitDir == null) return UNKNOWN;
        try (Repository repo = b.build(); Git git = new Git(repo)) {
            if (repo.resolve("HEAD") == null) return UNKNOWN;
            String d = git.describe().setTags(true).setAlways(true).call();
            return d == null ? UNKNOWN : d;
        } catch (Exception e) {
            return UNKNOWN + " (" + e.getMessage() + ")";
        }
    }
}
