package dev.skiff.core;

import java.util.List;
import java.util.Map;

/**
 * One container of a skiff-core configuration.
 *
 * @param network "host", "bridge" or "none"; {@code hostNetwork: true} means "host"
 * @param restartPolicy Docker's: no, always, on-failure, unless-stopped
 */
public record CoreContainer(
        String name,
        String image,
        List<Mount> mounts,
        boolean privileged,
        String network,
        boolean hostPid,
        boolean hostIpc,
        String restartPolicy,
        List<String> capAdd,
        List<String> securityOpt,
        Map<String, String> env,
        String workingDirectory,
        boolean startAfterCreate,
        boolean disableInit) {
    public CoreContainer {
        mounts = List.copyOf(mounts);
        capAdd = List.copyOf(capAdd);
        securityOpt = List.copyOf(securityOpt);
        env = Map.copyOf(env);
    }
}
