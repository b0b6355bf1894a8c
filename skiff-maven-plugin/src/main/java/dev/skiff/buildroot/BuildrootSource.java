package dev.skiff.buildroot;

import dev.skiff.layer.SkiffosTree;
import java.nio.file.Path;

/**
 * Where a project's Buildroot tree comes from, in order: {@code explicit} ({@code skiff.buildroot});
 * with a SkiffOS tree, its {@code buildroot/} submodule; otherwise the project's own
 * {@code buildroot/}, and last a shallow clone of the pinned release from {@code url} into
 * {@code cloneDir/<release>}.
 *
 * @param explicit the tree named by {@code skiff.buildroot}, or null
 * @param skiffos the SkiffOS tree, or null
 * @param url where the pinned release is cloned from ({@code skiff.buildrootUrl})
 * @param cloneDir the cache of cloned releases ({@code ~/.skiff/buildroot})
 * @param offline Maven's {@code -o}: no network
 */
public record BuildrootSource(Path explicit, Path projectDir, SkiffosTree skiffos, String url, Path cloneDir,
                              boolean offline) {
    /**
     * Where the tree is (or will be, once checked out or cloned), without touching git or the
     * network: what {@code BUILDROOT_DEFAULT_DIR} names for goals that do not need the tree itself.
     */
    public Path expectedDir() {
        if (explicit != null) return explicit;
        if (skiffos != null) return skiffos.buildrootDir();
        Path own = projectDir.resolve("buildroot");
        if (java.nio.file.Files.isDirectory(own)) return own;
        return cloneDir.resolve(BuildrootTree.PINNED_RELEASE);
    }
}
