package dev.skiff.layer;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Test-local builder for a layer root: {@code <root>/<cat>/<name>/metadata/dependencies} etc. */
final class LayerTree {
    final Path root;

    private LayerTree(Path root) {
        this.root = root;
    }

    static LayerTree at(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LayerTree(root);
    }

    /** Creates layer {@code cat/name}; with deps, writes them comma-separated to metadata/dependencies. */
    LayerTree layer(String name, String... deps) {
        mkdirs(dir(name));
        if (deps.length > 0) file(name, "metadata/dependencies", String.join(",", deps) + "\n");
        return this;
    }

    LayerTree file(String name, String relative, String content) {
        Path f = dir(name).resolve(relative);
        mkdirs(f.getParent());
        try {
            Files.writeString(f, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    LayerTree mkdir(String relativeToRoot) {
        mkdirs(root.resolve(relativeToRoot));
        return this;
    }

    Path dir(String name) {
        return root.resolve(name);
    }

    Path deps(String name) {
        return dir(name).resolve("metadata/dependencies");
    }

    LayerRoot asRoot(String label) {
        return new LayerRoot(label, root, LayerRoot.Kind.PROJECT);
    }

    LayerCatalog catalog() {
        return LayerCatalog.scan(List.of(asRoot("test")), Map.of());
    }

    static LayerName n(String text) {
        return LayerName.parse(text, "test");
    }

    static void assertMentions(Throwable e, String... parts) {
        String msg = e.getMessage();
        assertAll(Arrays.stream(parts).map(part -> () -> assertTrue(msg != null && msg.contains(part),
                () -> "expected '" + part + "' in:\n" + msg)));
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
