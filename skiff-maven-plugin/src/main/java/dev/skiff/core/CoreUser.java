package dev.skiff.core;

import java.util.List;

/**
 * A host user whose logins land in a container.
 *
 * @param copyRootKeys whether the host root's authorized keys also let this user in
 */
public record CoreUser(
        String name,
        String container,
        String containerUser,
        String shell,
        boolean createContainerUser,
        boolean copyRootKeys,
        List<String> authorizedKeys) {
    public CoreUser {
        authorizedKeys = List.copyOf(authorizedKeys);
    }
}
