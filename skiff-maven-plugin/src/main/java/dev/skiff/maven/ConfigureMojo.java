package dev.skiff.maven;

import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.WorkspaceLock;
import dev.skiff.configure.Configure;
import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.ConfigureResult;
import dev.skiff.configure.DroppedTable;
import java.util.List;
import dev.skiff.kconfig.DroppedSymbol;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Merges the layers of one workspace, writes its final config directory and runs Buildroot's
 * {@code make defconfig}, then fails if Kconfig dropped a symbol a layer asked for.
 */
@Mojo(name = "configure", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, requiresProject = false, threadSafe = true)
public class ConfigureMojo extends AbstractSkiffMojo {
    /** Skip this goal. */
    @Parameter(property = "skiff.configure.skip", defaultValue = "false")
    private boolean skip;

    /**
     * Configure a workspace that was built for another target architecture anyway (refused
     * otherwise: Buildroot would reuse the old toolchain and packages).
     */
    @Parameter(property = "skiff.reconfigure", defaultValue = "false")
    private boolean reconfigure;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        ConfigureRequest req = request(catalog());
        BuildrootTree tree = buildrootTree();
        getLog().info("Configuring workspace " + req.workspace() + " with Buildroot " + tree.version() + " (" + tree.dir() + ")");
        ConfigureResult r;
        // Configure rewrites .config and skiff/: never while another build uses the workspace.
        try (WorkspaceLock lock = WorkspaceLock.acquire(req.workspaceDir(), "skiff:configure")) {
            r = new Configure(new BuildrootMake(), reconfigure).run(req, tree, line -> getLog().debug(line));
        }
        r.effective().warnings().forEach(getLog()::warn);
        if (r.previousChain() != null) {
            getLog().warn("Workspace " + req.workspace() + " was configured for chain " + r.previousChain() + " before; Buildroot"
                    + " keeps what it built for it (a file a layer no longer in the chain put into the target stays there)."
                    + " For a separate build use -Dskiff.workspace=<name>; for a clean one, mvn skiff:clean first.");
        }
        getLog().info("Chain: " + r.effective().chain().text());
        if (r.skipped()) {
            getLog().info("Configuration unchanged (fingerprint " + r.fingerprint().substring(0, 12) + "); nothing to do.");
            return;
        }
        int redefs = r.effective().redefinitions().size();
        getLog().info("Merged " + r.effective().sources().size() + " sources, " + redefs + " redefinition(s); report: "
                + r.finalDir().resolve("report.txt"));
        for (DroppedSymbol d : r.dropped()) {
            if (d.excuse() == DroppedSymbol.Excuse.ALLOWED) getLog().warn("Allowed dropped symbol: " + d.describe());
        }
        List<DroppedSymbol> skiffos = r.dropped().stream().filter(d -> d.excuse() == DroppedSymbol.Excuse.SKIFFOS).toList();
        if (!skiffos.isEmpty()) {
            getLog().warn(skiffos.size() + " symbol(s) asked for by layers of the SkiffOS tree did not survive make defconfig"
                    + " (SkiffOS accepts this; -Dskiff.strict=true makes it an error):");
            DroppedTable.lines(skiffos).forEach(l -> getLog().warn("  " + l));
        }
        if (r.gccStampsRemoved()) getLog().info("cflags changed: gcc will be reconfigured.");
        getLog().info("Buildroot configuration: " + r.dotConfig());
    }
}
