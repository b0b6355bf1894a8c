package dev.skiff.configure;

import dev.skiff.SkiffException;
import dev.skiff.layer.Layer;
import dev.skiff.layer.LayerName;
import dev.skiff.layer.LayerRoot;
import dev.skiff.layer.LayerSources;
import dev.skiff.layer.ResolvedChain;
import dev.skiff.layer.SkiffosTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment SkiffOS exports to Buildroot, hooks and extension commands, with the same names
 * and meanings, read from its scripts ({@code primary_env.sh}, {@code utils.sh},
 * {@code enumerate_configs.sh}, {@code check_workspace.sh}, {@code skiff_version.sh}):
 *
 * <ul>
 *   <li>{@code ROOT_DIR}, {@code SKIFF_ROOT_DIR}: the SkiffOS tree (without one: the project);
 *   <li>{@code SKIFF_CONFIGS_DIR}, {@code SKIFF_BASE_CONFIGS_DIR}, {@code SKIFF_RESOURCES_DIR},
 *       {@code SKIFF_SCRIPTS_DIR}: its {@code configs}, {@code configs-base}, {@code resources}
 *       and {@code scripts} (without a SkiffOS tree: the stock library and the base layers'
 *       directory; no resources or scripts);
 *   <li>{@code SKIFF_WORKSPACES_DIR}, {@code SKIFF_WORKSPACE}, {@code SKIFF_OVERRIDES_DIR},
 *       {@code SKIFF_WS_OVERRIDES_DIR}, {@code SKIFF_FINAL_CONFIG_DIR};
 *   <li>{@code WORKSPACE_DIR}, {@code BUILDROOT_DIR}, {@code SKIFF_BUILDROOT_DIR},
 *       {@code SKIFF_WORKSPACE_DIR}: all four the workspace, Buildroot's output directory;
 *       {@code BUILDROOT_DEFAULT_DIR}: the Buildroot source tree;
 *   <li>{@code SKIFF_VERSION}, {@code SKIFF_VERSION_COMMIT}; {@code BR2_CCACHE_DIR};
 *   <li>{@code SKIFF_CONFIG_PATH_<CAT>_<NAME>} and {@code SKIFF_CONFIG_NAME_<CAT>_<NAME>} for
 *       every layer; {@code SKIFF_CONFIG}, {@code SKIFF_CONFIGS}, {@code SKIFF_CONFIG_FULL},
 *       {@code SKIFF_CONFIG_PATH_VAR}, {@code SKIFF_CONFIG_PATH} for the expanded chain;
 *       {@code SKIFF_<CAT>_<NAME>_COMMAND_LIST}, {@code _COMMAND_PATHS} and
 *       {@code _COMMAND_<CMD>_DESCRIP} for its layers with commands;
 *       {@code SKIFF_BUILD_TARGET_OVERRIDE}, {@code SKIFF_HAS_ENUMERATED_CONFIGS} and SkiffOS's
 *       constant names ({@code SKIFF_PACKAGE_ENV_PREFIX}, ...).
 * </ul>
 *
 * Skiff adds {@code SKIFF_PROJECT_DIR}, the Maven project's directory.
 */
public final class SkiffEnvironment {
    private SkiffEnvironment() {}

    public static Map<String, String> of(ConfigureRequest req, ResolvedChain chain, String buildTarget) {
        LayerSources layers = req.layers();
        SkiffosTree skiffos = layers.skiffos();
        Path ws = req.workspaceDir();
        Map<String, String> env = new LinkedHashMap<>();
        Path root = skiffos != null ? skiffos.dir() : req.projectDir();
        env.put("ROOT_DIR", root.toString());
        env.put("SKIFF_ROOT_DIR", root.toString());
        if (skiffos != null) {
            env.put("SKIFF_CONFIGS_DIR", skiffos.configsDir().toString());
            env.put("SKIFF_RESOURCES_DIR", skiffos.dir().resolve("resources").toString());
            env.put("SKIFF_BASE_CONFIGS_DIR", skiffos.baseDir().toString());
            env.put("SKIFF_SCRIPTS_DIR", skiffos.dir().resolve("scripts").toString());
        } else {
            for (LayerRoot r : layers.catalog().roots()) {
                if (r.kind() == LayerRoot.Kind.STOCK) env.put("SKIFF_CONFIGS_DIR", r.dir().toString());
            }
            env.put("SKIFF_BASE_CONFIGS_DIR", layers.basePre().dir().getParent().toString());
        }
        env.put("SKIFF_WORKSPACES_DIR", ws.getParent().toString());
        env.put("SKIFF_OVERRIDES_DIR", req.projectDir().resolve("overrides").toString());
        env.put("SKIFF_VERSION", req.skiffVersion());
        env.put("SKIFF_VERSION_COMMIT", req.skiffVersionCommit());
        env.put("SKIFF_WORKSPACE", req.workspace());
        // SkiffOS writes both with a trailing slash; scripts that append "/file" work either way.
        env.put("SKIFF_FINAL_CONFIG_DIR", req.finalDir() + "/");
        env.put("SKIFF_WS_OVERRIDES_DIR", req.projectDir().resolve("overrides/workspaces").resolve(req.workspace()) + "/");
        env.put("BR2_CCACHE_DIR", req.ccacheDir().toString());
        env.put("SKIFF_PACKAGE_ENV_PREFIX", "SKIFF_CONFIG_PATH_");
        env.put("SKIFF_PACKAGE_NAME_ENV_PREFIX", "SKIFF_CONFIG_NAME_");
        env.put("SKIFF_FILTER_ENVS", "grep ^SKIFF_CONFIG_PATH_[[:alnum:]]*_.*=");
        env.put("SKIFF_CONFIG_METADATA_SUBDIR", "metadata");
        env.put("SKIFF_CONFIG_METADATA_DESCRIPTION", "description");
        env.put("SKIFF_CONFIG_METADATA_NOLIST", "unlisted");
        env.put("SKIFF_CONFIG_METADATA_UNIQUEGROUP", "uniquegroup");
        for (LayerName n : layers.catalog().names()) {
            env.put("SKIFF_CONFIG_PATH_" + n.envSuffix(), layers.catalog().location(n).toString());
            env.put("SKIFF_CONFIG_NAME_" + n.envSuffix(), n.toString());
        }
        List<String> names = new ArrayList<>();
        List<String> full = new ArrayList<>();
        List<String> vars = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (Layer l : chain.layers()) {
            names.add(l.name().toString());
            full.add(l.name().envSuffix());
            vars.add("SKIFF_CONFIG_PATH_" + l.name().envSuffix());
            paths.add(l.dir().toString());
            commands(env, l);
        }
        env.put("SKIFF_CONFIG", String.join(",", names));
        env.put("SKIFF_CONFIGS", String.join(" ", names));
        env.put("SKIFF_CONFIG_FULL", String.join(" ", full));
        env.put("SKIFF_CONFIG_PATH_VAR", String.join(" ", vars));
        env.put("SKIFF_CONFIG_PATH", String.join(" ", paths));
        env.put("SKIFF_HAS_ENUMERATED_CONFIGS", "yes");
        // SkiffOS exports it only when a layer sets one (an unset variable exports nothing).
        if (buildTarget != null) env.put("SKIFF_BUILD_TARGET_OVERRIDE", buildTarget);
        if (req.buildrootDir() != null) env.put("BUILDROOT_DEFAULT_DIR", req.buildrootDir().toString());
        for (String v : List.of("WORKSPACE_DIR", "BUILDROOT_DIR", "SKIFF_BUILDROOT_DIR", "SKIFF_WORKSPACE_DIR")) {
            env.put(v, ws.toString());
        }
        env.put("SKIFF_PROJECT_DIR", req.projectDir().toString());
        return env;
    }

    /**
     * SkiffOS's per-layer command variables, for a layer with {@code metadata/commands} and an
     * {@code extensions/} directory, parsed as its script does: each line read with {@code read}
     * (a last line without a newline is not read), commas turned into spaces, lines with fewer
     * than two words skipped.
     */
    static void commands(Map<String, String> env, Layer l) {
        Path file = l.dir().resolve("metadata/commands");
        Path ext = l.dir().resolve("extensions");
        if (!Files.isRegularFile(file) || !Files.isDirectory(ext)) return;
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkiffException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String prefix = "SKIFF_" + l.name().envSuffix();
        List<String> list = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        int start = 0;
        while (true) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) break;
            String[] words = text.substring(start, nl).replace(',', ' ').trim().split("\\s+");
            start = nl + 1;
            if (words.length < 2) continue;
            list.add(words[0]);
            dirs.add(ext + "/");
            String name = words[0].toUpperCase(Locale.ROOT).replace('-', '_');
            env.put(prefix + "_COMMAND_" + name + "_DESCRIP",
                    String.join(" ", java.util.Arrays.asList(words).subList(1, words.length)));
        }
        env.put(prefix + "_COMMAND_LIST", String.join(" ", list));
        env.put(prefix + "_COMMAND_PATHS", String.join(" ", dirs));
    }

    /** The extra variables of one extension command, as SkiffOS's {@code execute_command.sh} sets them. */
    public static Map<String, String> command(Layer layer) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SKIFF_CURRENT_CONF_DIR", layer.dir().toString());
        env.put("SKIFF_CURRENT_CONF_NAME", layer.name().toString());
        env.put("SKIFF_CURRENT_CONF_NAME_FULL", "SKIFF_CONFIG_PATH_" + layer.name().envSuffix());
        return env;
    }
}
