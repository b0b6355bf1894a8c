package dev.skiff.configure;

import dev.skiff.layer.Layer;
import dev.skiff.layer.LayerCommands;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer's extension command ({@code skiff:cmd}), run as SkiffOS's {@code execute_command.sh}
 * runs it: {@code make <command>} in the layer's {@code extensions/} directory, with the
 * workspace environment, {@code SKIFF_CURRENT_CONF_DIR}, {@code SKIFF_CURRENT_CONF_NAME},
 * {@code SKIFF_CURRENT_CONF_NAME_FULL}, and Buildroot's host tools first on the {@code PATH}.
 *
 * @param address {@code <category>/<name>/<command>}
 */
public record ExtensionCommand(String address, Layer layer, Path directory, List<String> argv, Map<String, String> environment) {
    public ExtensionCommand {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    /**
     * The command {@code address} names in {@code eff}'s chain, or an error listing the chain's
     * commands; {@code path} is the caller's {@code PATH}.
     */
    public static ExtensionCommand of(EffectiveConfig eff, String address, String path) {
        LayerCommands.Found found = LayerCommands.find(eff.chain(), address);
        Layer layer = found.layer();
        Map<String, String> env = new LinkedHashMap<>(eff.environment());
        env.putAll(SkiffEnvironment.command(layer));
        String ws = eff.environment().get("BUILDROOT_DIR");
        env.put("PATH", ws + "/output/host/bin" + (path == null || path.isEmpty() ? "" : ":" + path));
        return new ExtensionCommand(found.address(), layer, layer.dir().resolve("extensions"),
                List.of("make", found.command().name()), env);
    }
}
