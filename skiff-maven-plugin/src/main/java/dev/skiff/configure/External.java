package dev.skiff.configure;

import java.nio.file.Path;

/** A layer's {@code buildroot_ext}: a complete BR2_EXTERNAL tree with its declared name. */
public record External(String name, Path dir, String origin) {}
