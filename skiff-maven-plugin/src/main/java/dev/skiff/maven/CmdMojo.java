package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.LayerMerge;
import dev.skiff.layer.Layer;
import dev.skiff.layer.LayerCommands;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Runs a layer's extension command ({@code extensions/Makefile} target listed in
 * {@code metadata/commands}) with the workspace's {@code SKIFF_*} environment, attached to the terminal.
 */
@Mojo(name = "cmd", requiresProject = false, threadSafe = true)
public class CmdMojo extends AbstractSkiffMojo {
    /** {@code <category>/<name>/<command>}, e.g. {@code virt/qemu/run}. */
    @Parameter(property = "skiff.command")
    private String command;

    /** Skip this goal. */
    @Parameter(property = "skiff.cmd.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        ConfigureRequest req = request(catalog());
        EffectiveConfig eff = LayerMerge.merge(req);
        LayerCommands.Found found = LayerCommands.find(eff.chain(), command);
        Layer layer = found.layer();
        String c = found.address();
        Map<String, String> env = new LinkedHashMap<>(eff.environment());
        env.put("SKIFF_CURRENT_CONF_DIR", layer.dir().toString());
        BuildrootTree tree = null;
        try {
            tree = buildrootTree();
        } catch (SkiffException noTree) {
            getLog().debug("no Buildroot tree for " + c + ": " + noTree.getMessage());
        }
        if (tree != null) env.put("SKIFF_BUILDROOT_DIR", tree.dir().toString());
        Path ext = layer.dir().resolve("extensions");
        getLog().info("Running " + c + " (make -C " + ext + " " + found.command().name() + ")");
        int code = new BuildrootMake().runAttached(List.of("make", "-C", ext.toString(), found.command().name()), ext, env);
        if (code != 0) throw new SkiffException("command " + c + " failed (exit " + code + ").");
    }
}
