package dev.skiff.maven;

import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.EffectiveJson;
import dev.skiff.configure.EffectiveView;
import dev.skiff.configure.LayerMerge;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Prints the effective configuration of a workspace, like {@code kas dump}: the expanded
 * chain with the root of each layer, every merged symbol with the file that set it last, and
 * the overlays, patches and hooks in order. Also writes it as JSON to the workspace.
 */
@Mojo(name = "effective", requiresProject = false, threadSafe = true)
public class EffectiveMojo extends AbstractSkiffMojo {
    /** Skip this goal. */
    @Parameter(property = "skiff.effective.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        ConfigureRequest req = request(catalog());
        EffectiveConfig eff = LayerMerge.merge(req);
        EffectiveView.lines(eff).forEach(getLog()::info);
        eff.warnings().forEach(getLog()::warn);
        Path json = req.workspaceDir().resolve("effective.json");
        EffectiveJson.write(eff, json);
        getLog().info("Written " + json);
    }
}
