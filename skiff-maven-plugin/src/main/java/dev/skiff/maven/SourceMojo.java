package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootBuild;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.WorkspaceLock;
import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.LayerMerge;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Downloads every source the workspace needs into the download directory, for offline builds later. */
@Mojo(name = "source", requiresProject = false, threadSafe = true)
public class SourceMojo extends AbstractBuildMojo {
    /** Skip this goal. */
    @Parameter(property = "skiff.source.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        if (session.isOffline()) {
            throw new SkiffException("skiff:source downloads sources and cannot run in offline mode (-o)."
                    + " Run it without -o on a machine with network access.");
        }
        ConfigureRequest req = request(catalog());
        EffectiveConfig eff = LayerMerge.merge(req);
        BuildrootTree tree = buildrootTree();
        Path ws = req.workspaceDir();
        CompileMojo.requireConfigured(ws);
        try (WorkspaceLock lock = WorkspaceLock.acquire(ws, "skiff:source")) {
            Path log = ws.resolve("source.log");
            getLog().info("Downloading sources into " + downloadDirectory() + "; log: " + log);
            ProgressDisplay display = new ProgressDisplay(getLog(), session.getRequest().isInteractiveMode());
            new BuildrootBuild(new BuildrootMake()).run(buildRequest(tree, ws, List.of("source"), eff, log), 0,
                    display::show, line -> { });
        }
    }
}
