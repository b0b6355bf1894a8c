package dev.skiff.configure;

import java.nio.file.Path;

/** A layer hook; {@code confDir} becomes {@code SKIFF_CURRENT_CONF_DIR} while it runs. */
public record Hook(String origin, Path confDir, Path script) {}
