package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildRequest;
import dev.skiff.buildroot.BuildrootBuild;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.ShowInfo;
import dev.skiff.buildroot.WorkspaceLock;
import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.LayerMerge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Runs Buildroot in the configured workspace. The full log goes to
 * {@code workspaces/<ws>/build.log}; INFO shows one line per package step.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.COMPILE, requiresProject = false, threadSafe = true)
public class CompileMojo extends AbstractBuildMojo {
    /** Skip this goal. */
    @Parameter(property = "skiff.compile.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        ConfigureRequest req = request(catalog());
        EffectiveConfig eff = LayerMerge.merge(req);
        BuildrootTree tree = buildrootTree();
        Path ws = req.workspaceDir();
        requireConfigured(ws);
        try (WorkspaceLock lock = WorkspaceLock.acquire(ws, "skiff:compile")) {
            BuildrootMake make = new BuildrootMake();
            Path showInfo = ShowInfo.write(make, tree, ws, ws.resolve("show-info.json"), ws.resolve("show-info.log"));
            int total = ShowInfo.buildablePackages(showInfo);
            List<String> targets = eff.buildTarget() == null ? List.of() : List.of(eff.buildTarget().split("\\s+"));
            Path log = ws.resolve("build.log");
            getLog().info("Building workspace " + req.workspace() + " (" + total + " packages"
                    + (targets.isEmpty() ? "" : ", target " + String.join(" ", targets)) + "); log: " + log);
            ProgressDisplay display = new ProgressDisplay(getLog(), session.getRequest().isInteractiveMode());
            BuildRequest br = buildRequest(tree, ws, targets, eff, log);
            new BuildrootBuild(make).run(br, total, display::show, line -> { });
            getLog().info("Images: " + ws.resolve("images"));
        }
    }

    static void requireConfigured(Path ws) {
        if (!Files.isRegularFile(ws.resolve(".config")) || !Files.isRegularFile(ws.resolve("skiff/fingerprint"))) {
            throw new SkiffException("workspace " + ws + " is not configured. Run skiff:configure first"
                    + " (the skiff packaging does this in generate-resources).");
        }
    }
}
