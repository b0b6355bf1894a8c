package dev.skiff.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Builds small layer trees in a temporary directory, one file at a time. */
public final class LayerTree {
    private final Path root;

    public LayerTree(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Writes {@code <root>/<relative>} with {@code text}, creating directories. */
    public Path file(String relative, String text) {
        Path p = root.resolve(relative);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public Path executable(String relative, String text) {
        Path p = file(relative, text);
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public Path dir(String relative) {
        Path p = root.resolve(relative);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** A layer with a description and optional dependencies. */
    public Path layer(String name, String description, String dependencies) {
        file(name + "/metadata/description", description + "\n");
        if (dependencies != null) file(name + "/metadata/dependencies", dependencies + "\n");
        return root.resolve(name);
    }

    /** The stock layer library from the source tree, as the surefire configuration points at it. */
    public static Path stockLayers() {
        String p = System.getProperty("skiff.stockLayers");
        if (p == null) throw new IllegalStateException("system property skiff.stockLayers is not set (see the plugin POM)");
        return Path.of(p).toAbsolutePath().normalize();
    }
}
