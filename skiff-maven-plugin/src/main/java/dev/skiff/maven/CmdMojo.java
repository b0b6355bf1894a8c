package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.LayerMerge;
import dev.skiff.layer.Layer;
import dev.skiff.layer.LayerCommand;
import java.nio.file.Path;
import java.util.ArrayList;
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
        List<String> valid = new ArrayList<>();
        for (Layer l : eff.chain().layers()) {
            for (LayerCommand c : l.commands()) valid.add(l.name() + "/" + c.name() + "  (" + c.description() + ")");
        }
        if (command == null || command.isBlank()) {
            throw new SkiffException("skiff:cmd needs -Dskiff.command=<category>/<name>/<command>. Commands of this chain:"
                    + (valid.isEmpty() ? " none." : "\n  " + String.join("\n  ", valid)));
        }
        String c = command.trim();
        int slash = c.lastIndexOf('/');
        Layer layer = null;
        LayerCommand found = null;
        if (slash > 0) {
            String layerName = c.substring(0, slash);
            String cmdName = c.substring(slash + 1);
            for (Layer l : eff.chain().layers()) {
                if (!l.name().toString().equals(layerName)) continue;
                layer = l;
                for (LayerCommand lc : l.commands()) if (lc.name().equals(cmdName)) found = lc;
            }
        }
        if (found == null) {
            List<String> names = valid.stream().map(v -> v.substring(0, v.indexOf("  ("))).toList();
            throw new SkiffException("unknown command " + c + " in chain " + eff.chain().text() + "."
                    + dev.skiff.NearestNames.hint(c, names)
                    + " Commands of this chain:" + (valid.isEmpty() ? " none." : "\n  " + String.join("\n  ", valid)));
        }
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
        getLog().info("Running " + c + " (make -C " + ext + " " + found.name() + ")");
        int code = new BuildrootMake().runAttached(List.of("make", "-C", ext.toString(), found.name()), ext, env);
        if (code != 0) throw new SkiffException("command " + c + " failed (exit " + code + ").");
    }
}
