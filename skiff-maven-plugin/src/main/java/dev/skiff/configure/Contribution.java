package dev.skiff.configure;

import java.nio.file.Path;

/** A file or directory a merge source adds to a collected list (overlays, patches, users tables). */
public record Contribution(String origin, Path path) {}
