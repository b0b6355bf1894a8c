package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.ExtensionCommand;
import dev.skiff.configure.LayerMerge;
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
        EffectiveConfig eff = LayerMerge.merge(request(catalog()));
        ExtensionCommand c = ExtensionCommand.of(eff, command, System.getenv("PATH"));
        getLog().info("Running " + c.address() + " (make " + c.argv().get(1) + " in " + c.directory() + ")");
        int code = new BuildrootMake().runAttached(c.argv(), c.directory(), c.environment());
        if (code != 0) throw new SkiffException("command " + c.address() + " failed (exit " + code + ").");
    }
}
