package dev.skiff.core;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A skiff-core configuration: the containers user environments run in, the host users logged in
 * to them, and where their images come from.
 */
public record CoreConfig(
        Path file,
        Map<String, CoreContainer> containers,
        Map<String, CoreUser> users,
        Map<String, CoreImage> images) {
    public CoreConfig {
        containers = Collections.unmodifiableMap(new LinkedHashMap<>(containers));
        users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
        images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
    }
}
