package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootBuild;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.MakeInvocation;
import dev.skiff.buildroot.WorkspaceLock;
import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.LayerMerge;
import dev.skiff.configure.MenuconfigFragment;
import dev.skiff.kconfig.DotConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Runs any Buildroot target in the workspace: {@code sdk}, {@code graph-size},
 * {@code legal-info}, {@code linux-menuconfig}, ... After {@code menuconfig} the changes are
 * saved as a fragment in {@code overrides/workspaces/<ws>/buildroot/}.
 */
@Mojo(name = "br", requiresProject = false, threadSafe = true)
public class BrMojo extends AbstractBuildMojo {
    /** Targets that draw on the terminal; they run attached to it instead of into a log. */
    static final Set<String> INTERACTIVE = Set.of("menuconfig", "nconfig", "xconfig", "gconfig",
            "linux-menuconfig", "linux-nconfig", "uboot-menuconfig", "uboot-nconfig", "busybox-menuconfig");

    /** The Buildroot target(s), space-separated. */
    @Parameter(property = "skiff.target")
    private String target;

    /** Skip this goal. */
    @Parameter(property = "skiff.br.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        if (target == null || target.isBlank()) {
            throw new SkiffException("skiff:br needs a target, for example -Dskiff.target=menuconfig"
                    + " (or sdk, graph-size, legal-info, linux-menuconfig).");
        }
        List<String> targets = List.of(target.trim().split("\\s+"));
        ConfigureRequest req = request(catalog());
        EffectiveConfig eff = LayerMerge.merge(req);
        BuildrootTree tree = buildrootTree();
        Path ws = req.workspaceDir();
        CompileMojo.requireConfigured(ws);
        BuildrootMake make = new BuildrootMake();
        try (WorkspaceLock lock = WorkspaceLock.acquire(ws, "skiff:br " + target)) {
            if (targets.stream().anyMatch(INTERACTIVE::contains)) {
                interactive(make, tree, ws, targets, eff, req);
                return;
            }
            Path log = ws.resolve("br.log");
            getLog().info("make " + target + " in " + ws + "; log: " + log);
            ProgressDisplay display = new ProgressDisplay(getLog(), session.getRequest().isInteractiveMode());
            new BuildrootBuild(make).run(buildRequest(tree, ws, targets, eff, log), 0, display::show, line -> { });
        }
    }

    private void interactive(BuildrootMake make, BuildrootTree tree, Path ws, List<String> targets,
                             EffectiveConfig eff, ConfigureRequest req) {
        if (System.console() == null) {
            throw new SkiffException("make " + target + " needs an interactive terminal; run it from one.");
        }
        boolean buildroot = targets.contains("menuconfig") || targets.contains("nconfig")
                || targets.contains("xconfig") || targets.contains("gconfig");
        Path before = ws.resolve(".skiff/menuconfig-before.defconfig");
        Path after = ws.resolve(".skiff/menuconfig-after.defconfig");
        // savedefconfig writes to BR2_DEFCONFIG, which is the merged file: point it elsewhere.
        if (buildroot) saveDefconfig(make, tree, ws, before);
        List<String> cmd = new ArrayList<>(new MakeInvocation(tree, ws, targets, eff.environment(), ws.resolve("br.log"))
                .command("make"));
        int code = make.runAttached(cmd, tree.dir(), eff.environment());
        if (code != 0) throw new SkiffException("make " + target + " failed (exit " + code + ").");
        if (!buildroot) return;
        saveDefconfig(make, tree, ws, after);
        List<String> delta = MenuconfigFragment.delta(DotConfig.read(before), DotConfig.read(after));
        if (delta.isEmpty()) {
            getLog().info("No configuration changes to save.");
            return;
        }
        Path file = MenuconfigFragment.save(basedir(), req.workspace(), delta);
        getLog().info("Saved " + delta.size() + " change(s) to " + file + "; the next configure applies them.");
    }

    private static void saveDefconfig(BuildrootMake make, BuildrootTree tree, Path ws, Path out) {
        new BuildrootMake().run(new MakeInvocation(tree, ws, List.of("BR2_DEFCONFIG=" + out, "savedefconfig"),
                java.util.Map.of(), ws.resolve("br.log")), line -> { }).requireSuccess("make savedefconfig");
    }
}
