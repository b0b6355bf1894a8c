package dev.skiff.stock;

import dev.skiff.testing.LayerTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The systemd side of the stock layers: which layers ship units, the layers each of them comes
 * with (base/pre first, then its dependencies, as a chain expands), and their root overlays laid
 * out in one directory standing in for the target's root file system.
 */
final class StockUnits {
    static final Path LAYERS = LayerTree.stockLayers();

    /** The unit types systemd loads from unit directories. */
    static final List<String> UNIT_SUFFIXES = List.of(".service", ".socket", ".mount", ".automount", ".swap",
            ".target", ".path", ".timer", ".slice");

    /** Where a root overlay can put system units; the first wins, as in systemd's search path. */
    static final List<String> UNIT_DIRS = List.of("etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system");

    private StockUnits() {}

    static boolean isUnitName(String name) {
        return UNIT_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** Every stock layer, {@code category/name}, sorted. */
    static List<String> layers() {
        try (Stream<Path> s = Files.walk(LAYERS, 2)) {
            return s.filter(p -> LAYERS.relativize(p).getNameCount() == 2 && Files.isDirectory(p))
                    .map(p -> LAYERS.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The system unit files and drop-ins one layer's root overlay ships, relative to the layer
     * directory (unit files of container images, under {@code /opt}, are not system units).
     */
    static List<Path> systemUnitFiles(String layer) {
        Path overlay = LAYERS.resolve(layer).resolve("root_overlay");
        List<Path> out = new ArrayList<>();
        for (String dir : UNIT_DIRS) {
            Path d = overlay.resolve(dir);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.walk(d)) {
                s.filter(Files::isRegularFile).filter(p -> isUnitName(p.getFileName().toString()) || isDropIn(p))
                        .map(p -> LAYERS.resolve(layer).relativize(p)).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** {@code <unit>.d/<name>.conf} */
    static boolean isDropIn(Path p) {
        Path parent = p.getParent();
        return p.getFileName().toString().endsWith(".conf") && parent != null
                && parent.getFileName().toString().endsWith(".d")
                && isUnitName(parent.getFileName().toString().substring(0, parent.getFileName().toString().length() - 2));
    }

    /** The unit a file defines or extends: {@code x.service} for both {@code x.service} and {@code x.service.d/y.conf}. */
    static String unitOf(Path file) {
        if (isDropIn(file)) {
            String d = file.getParent().getFileName().toString();
            return d.substring(0, d.length() - 2);
        }
        return file.getFileName().toString();
    }

    /** Every stock layer whose root overlay ships system units or drop-ins. */
    static List<String> layersWithUnits() {
        return layers().stream().filter(l -> !systemUnitFiles(l).isEmpty()).toList();
    }

    /** The layer's own dependencies, as read from {@code metadata/dependencies}. */
    static List<String> dependencies(String layer) {
        Path f = LAYERS.resolve(layer).resolve("metadata/dependencies");
        if (!Files.isRegularFile(f)) return List.of();
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(f)) {
                String l = line.strip();
                if (l.startsWith("#")) continue;
                for (String d : l.split("[,\\s]+")) {
                    if (!d.isEmpty()) out.add(d);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** base/pre, the layer's dependencies (each before the layer that needs it), the layer. */
    static List<String> closure(String layer) {
        Set<String> out = new LinkedHashSet<>();
        out.add("base/pre");
        addWithDependencies(layer, out, new TreeSet<>());
        return List.copyOf(out);
    }

    private static void addWithDependencies(String layer, Set<String> out, Set<String> visiting) {
        if (out.contains(layer)) return;
        if (!visiting.add(layer)) throw new IllegalStateException("dependency cycle at " + layer);
        if (!Files.isDirectory(LAYERS.resolve(layer))) throw new IllegalStateException("no stock layer " + layer);
        for (String d : dependencies(layer)) addWithDependencies(d, out, visiting);
        out.add(layer);
    }

    /** Copies the root overlays of {@code layers}, in order (a later layer's file wins), into {@code root}. */
    static void overlay(List<String> layers, Path root) throws IOException {
        for (String layer : layers) {
            Path overlay = LAYERS.resolve(layer).resolve("root_overlay");
            if (Files.isDirectory(overlay)) copyTree(overlay, root);
        }
    }

    /** Copies a directory tree, following links, keeping the executable bit. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted().toList()) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else if (Files.isRegularFile(p)) {
                    Files.createDirectories(dst.getParent());
                    Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING);
                    dst.toFile().setExecutable(Files.isExecutable(p), false);
                }
            }
        }
    }

    /** The unit names a root's unit directories define (files, not links or drop-in directories). */
    static Set<String> definedUnits(Path root) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String dir : UNIT_DIRS) {
            Path d = root.resolve(dir);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                        .map(p -> p.getFileName().toString()).filter(StockUnits::isUnitName).forEach(out::add);
            }
        }
        return out;
    }
}
