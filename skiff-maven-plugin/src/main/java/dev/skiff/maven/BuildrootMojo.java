package dev.skiff.maven;

import dev.skiff.buildroot.BuildrootTree;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Locates the Buildroot tree and checks it is the supported release, before the long steps. */
@Mojo(name = "buildroot", defaultPhase = LifecyclePhase.INITIALIZE, requiresProject = false, threadSafe = true)
public class BuildrootMojo extends AbstractSkiffMojo {
    /** Skip this goal. */
    @Parameter(property = "skiff.buildroot.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        BuildrootTree tree = buildrootTree();
        getLog().info("Buildroot " + tree.version() + " at " + tree.dir());
    }
}
