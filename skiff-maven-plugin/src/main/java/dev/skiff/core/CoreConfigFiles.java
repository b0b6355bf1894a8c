package dev.skiff.core;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the skiff-core configs a layer ships: every {@code .yaml}/{@code .yml} file below a
 * {@code coreenv/} directory of its {@code root_overlay/} or {@code buildroot_ext/}, which is
 * where skiff-core looks for them on the device ({@code /opt/skiff/coreenv/}).
 */
public final class CoreConfigFiles {
    private CoreConfigFiles() {}

    public static List<Path> in(Path layerDir) {
        List<Path> out = new ArrayList<>();
        for (String part : List.of("root_overlay", "buildroot_ext")) {
            Path base = layerDir.resolve(part);
            if (!Files.isDirectory(base)) continue;
            try (Stream<Path> s = Files.walk(base)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
                        .filter(p -> base.relativize(p).toString().contains("coreenv/"))
                        .sorted()
                        .forEach(out::add);
            } catch (IOException e) {
                throw new SkiffException("cannot read " + base + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Parses every config of every directory; the first invalid one fails with its file, line and field. */
    public static List<CoreConfig> validate(List<Path> layerDirs) {
        List<CoreConfig> out = new ArrayList<>();
        for (Path d : layerDirs) for (Path f : in(d)) out.add(CoreConfigParser.parse(f));
        return out;
    }
}
