package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.WorkspaceLock;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Removes a workspace: hours of compiling, so it asks first on an interactive terminal, and in
 * batch mode ({@code -B}) it needs {@code -Dskiff.yes}.
 */
@Mojo(name = "clean", requiresProject = false, threadSafe = true)
public class CleanMojo extends AbstractSkiffMojo {
    /** Confirms destructive goals without asking. */
    @Parameter(property = "skiff.yes", defaultValue = "false")
    private boolean yes;

    /** Skip this goal. */
    @Parameter(property = "skiff.clean.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        String id = workspaceId();
        Path ws = workspaceDir(id);
        // skiff:clean leaves the directory and its lock file (another build may be waiting on it).
        if (WorkspaceLock.isEmpty(ws)) {
            getLog().info("Workspace " + id + " does not exist or is empty (" + ws + "); nothing to remove.");
            return;
        }
        if (!yes) {
            boolean canAsk = session.getRequest().isInteractiveMode() && System.console() != null;
            if (!canAsk) {
                throw new SkiffException("skiff:clean would delete workspace " + ws + ". In batch mode (-B) or without"
                        + " a terminal, confirm with -Dskiff.yes=true.");
            }
            String answer = System.console().readLine("Delete workspace %s (%s)? [y/N] ", id, ws);
            if (answer == null || !answer.trim().equalsIgnoreCase("y")) {
                getLog().info("Not deleted.");
                return;
            }
        }
        WorkspaceLock.deleteWorkspace(ws);
        getLog().info("Deleted workspace " + id + " (" + ws + "); only its lock file " + WorkspaceLock.FILE + " is left.");
    }
}
