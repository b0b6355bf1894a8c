package dev.skiff.configure;

import dev.skiff.layer.LayerCatalog;
import dev.skiff.layer.LayerName;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one workspace's configure step depends on.
 *
 * @param chain the requested chain, e.g. {@code virt/qemu,skiff/core}
 * @param chainSource where the chain came from, for errors ("skiff.config", "SKIFF_CONFIG")
 * @param workspaceDir the Buildroot output directory ({@code O=})
 * @param projectDir holds {@code overrides/}
 * @param allowDropped symbols excused from the dropped-symbol check ({@code PREFIX*} allowed)
 */
public record ConfigureRequest(
        String chain,
        String chainSource,
        String workspace,
        Path workspaceDir,
        Path projectDir,
        LayerCatalog catalog,
        LayerName basePre,
        LayerName basePost,
        String hostname,
        List<String> allowDropped,
        VersionInfo version) {

    public ConfigureRequest {
        allowDropped = List.copyOf(allowDropped);
    }

    /** The final config directory: {@code <workspace>/skiff}. */
    public Path finalDir() {
        return workspaceDir.resolve("skiff");
    }
}
