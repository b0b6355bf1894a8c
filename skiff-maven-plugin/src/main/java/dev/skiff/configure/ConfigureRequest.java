package dev.skiff.configure;

import dev.skiff.layer.LayerSources;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything one workspace's configure step depends on.
 *
 * @param chain the requested chain, e.g. {@code virt/qemu,skiff/core}
 * @param chainSource where the chain came from, for errors ("skiff.config", "SKIFF_CONFIG")
 * @param workspaceDir the Buildroot output directory ({@code O=})
 * @param projectDir holds {@code overrides/}
 * @param hostname a hostname to force, or null to let the layers decide
 * @param allowDropped symbols excused from the dropped-symbol check ({@code PREFIX*} allowed)
 * @param strict true: a symbol dropped from a SkiffOS layer fails the build too
 * @param ccacheDir the shared compiler cache, written into the configuration as SkiffOS does
 * @param overrideFile {@code skiff.overrideFile}, written into the configuration as
 *     {@code BR2_PACKAGE_OVERRIDE_FILE}; null when unset
 * @param buildrootDir the Buildroot source tree ({@code BUILDROOT_DEFAULT_DIR}), or null when
 *     the goal does not need one
 * @param passthrough the user's own {@code SKIFF_*} variables, passed on as SkiffOS does
 */
public record ConfigureRequest(
        String chain,
        String chainSource,
        String workspace,
        Path workspaceDir,
        Path projectDir,
        LayerSources layers,
        String hostname,
        List<String> allowDropped,
        boolean strict,
        VersionInfo version,
        Path ccacheDir,
        Path overrideFile,
        Path buildrootDir,
        Map<String, String> passthrough) {

    public ConfigureRequest {
        allowDropped = List.copyOf(allowDropped);
        passthrough = Map.copyOf(passthrough);
    }

    /** The final config directory: {@code <workspace>/skiff}. */
    public Path finalDir() {
        return workspaceDir.resolve("skiff");
    }

    /** {@code SKIFF_VERSION}: the SkiffOS tree's {@code git describe}, else the project's version. */
    public String skiffVersion() {
        return layers.hasSkiffos() ? layers.skiffos().version() : version.oneLine();
    }

    /** {@code SKIFF_VERSION_COMMIT}: the short commit of the SkiffOS tree, else of the project. */
    public String skiffVersionCommit() {
        return layers.hasSkiffos() ? layers.skiffos().versionCommit() : version.gitCommit();
    }

    /** A copy naming the Buildroot tree, once the goal has located it. */
    public ConfigureRequest withBuildroot(Path dir) {
        return new ConfigureRequest(chain, chainSource, workspace, workspaceDir, projectDir, layers, hostname,
                allowDropped, strict, version, ccacheDir, overrideFile, dir, passthrough);
    }
}
