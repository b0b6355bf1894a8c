package dev.skiff.buildroot;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Buildroot run in a configured workspace.
 *
 * @param targets make goals; empty means Buildroot's default (the whole build)
 * @param environment extra variables, such as the workspace's {@code SKIFF_*} environment
 * @param sourceDateEpoch {@code SOURCE_DATE_EPOCH} for reproducible output, or null to let Buildroot choose
 * @param offline true under {@code mvn -o}: every download tool is replaced by one that refuses
 */
public record BuildRequest(
        BuildrootTree tree,
        Path workspaceDir,
        List<String> targets,
        Map<String, String> environment,
        Path downloadDir,
        Path ccacheDir,
        Long sourceDateEpoch,
        boolean offline,
        Path logFile) {
    public BuildRequest {
        targets = List.copyOf(targets);
        environment = Map.copyOf(environment);
    }
}
