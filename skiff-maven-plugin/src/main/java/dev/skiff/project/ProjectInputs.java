package dev.skiff.project;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code skiff.*} settings exactly as a build tool hands them over, before any policy: the
 * values it injected (from the POM, or from {@code -D} where the POM is silent), the {@code -D}
 * properties themselves, and the process environment. {@link ProjectSettings#resolve} turns
 * them into decisions. Any value may be null (not set).
 *
 * @param commandLine the {@code -D} user properties; they win over the POM
 * @param environment the process environment ({@code SKIFF_CONFIG}, {@code SKIFF_WORKSPACE},
 *     {@code SKIFF_EXTRA_CONFIGS_PATH}, {@code SKIFF_CONFIG_PATH_<CAT>_<NAME>}, {@code BR2_DL_DIR},
 *     {@code BR2_CCACHE_DIR}, and the user's own {@code SKIFF_*} tunables for hooks)
 * @param layerPacks layer-library jars declared as dependencies of the plugin
 * @param stockLibrary the stock layer library (jar or directory)
 * @param projectVersion the project's version, for {@code skiff_version}
 * @param toolVersion this plugin's version
 */
public record ProjectInputs(
        Path basedir,
        Map<String, String> commandLine,
        Map<String, String> environment,
        String config,
        String workspace,
        String workspacesDir,
        List<String> layerRoots,
        List<String> extraRoots,
        String layerPaths,
        List<String> layerArchives,
        List<LayerPack> layerPacks,
        LayerPack stockLibrary,
        String basePre,
        String basePost,
        String home,
        String buildroot,
        String buildrootUrl,
        String skiffos,
        String hostname,
        List<String> allowDropped,
        Boolean strict,
        String downloadDir,
        String ccacheDir,
        String overrideFile,
        boolean offline,
        String projectVersion,
        String toolVersion) {

    /** A layer library jar (or directory) and how reports name it. */
    public record LayerPack(String label, Path file) {}

    public ProjectInputs {
        Objects.requireNonNull(basedir, "basedir");
        commandLine = Map.copyOf(commandLine);
        environment = Map.copyOf(environment);
        layerRoots = layerRoots == null ? List.of() : List.copyOf(layerRoots);
        extraRoots = extraRoots == null ? List.of() : List.copyOf(extraRoots);
        layerArchives = layerArchives == null ? List.of() : List.copyOf(layerArchives);
        layerPacks = layerPacks == null ? List.of() : List.copyOf(layerPacks);
        allowDropped = allowDropped == null ? List.of() : List.copyOf(allowDropped);
    }

    /** Inputs with nothing set but the project directory and the stock library: a starting point. */
    public static ProjectInputs of(Path basedir, LayerPack stockLibrary) {
        return new ProjectInputs(basedir, Map.of(), Map.of(), null, null, null, null, null, null, null, null,
                stockLibrary, null, null, null, null, null, null, null, null, null, null, null, null, false, null, null);
    }
}
