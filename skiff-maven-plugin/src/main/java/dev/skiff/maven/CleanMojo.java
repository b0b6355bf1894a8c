package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.WorkspaceLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
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
        if (!Files.exists(ws)) {
            getLog().info("Workspace " + id + " does not exist (" + ws + "); nothing to remove.");
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
        try (WorkspaceLock lock = WorkspaceLock.acquire(ws, "skiff:clean")) {
            try (Stream<Path> s = Files.walk(ws)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    // The lock file and the directory holding it go last, after the lock is released.
                    if (!p.equals(ws.resolve(WorkspaceLock.FILE)) && !p.equals(ws)) Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new SkiffException("cannot delete workspace " + ws + ": " + e, e);
        }
        try {
            Files.deleteIfExists(ws.resolve(WorkspaceLock.FILE));
            Files.deleteIfExists(ws);
        } catch (IOException e) {
            throw new SkiffException("cannot delete workspace " + ws + ": " + e.getMessage(), e);
        }
        getLog().info("Deleted workspace " + id + " (" + ws + ").");
    }
}
