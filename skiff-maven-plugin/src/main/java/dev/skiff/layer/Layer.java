package dev.skiff.layer;

import dev.skiff.NearestNames;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One configuration layer as found on disk. Every part is optional; what is there is read
 * eagerly so that a malformed metadata file fails when the layer is used, naming the file.
 *
 * @param warnings entries the engine does not know (likely typos); shown, never fatal, because
 *     layers may carry READMEs and other notes of their own
 */
public record Layer(
        LayerName name,
        Path dir,
        LayerRoot root,
        String description,
        List<LayerReference> dependencies,
        boolean unlisted,
        List<LayerCommand> commands,
        String buildTarget,
        List<String> warnings) {

    /** The directory entries the layer format defines. */
    public static final Set<String> KNOWN_ENTRIES = Set.of(
            "buildroot", "kernel", "uboot", "busybox", "cflags", "buildroot_ext",
            "buildroot_patches", "kernel_patches", "uboot_patches", "root_overlay", "users",
            "hooks", "extensions", "metadata", "resources", "scripts", "layout.yaml");

    static final Set<String> KNOWN_METADATA =
            Set.of("description", "dependencies", "unlisted", "commands", "buildtarget");

    public Layer {
        dependencies = List.copyOf(dependencies);
        commands = List.copyOf(commands);
        warnings = List.copyOf(warnings);
    }

    /** Reads {@code dir} as layer {@code name}. */
    public static Layer read(LayerName name, Path dir, LayerRoot root) {
        List<String> warnings = new ArrayList<>();
        for (Path entry : list(dir)) {
            String n = entry.getFileName().toString();
            if (n.startsWith(".") || KNOWN_ENTRIES.contains(n) || isNote(n)) continue;
            warnings.add("layer " + name + ": unknown entry " + entry + " is not used."
                    + NearestNames.hint(n, KNOWN_ENTRIES));
        }
        Path meta = dir.resolve("metadata");
        if (Files.isDirectory(meta)) {
            for (Path entry : list(meta)) {
                String n = entry.getFileName().toString();
                if (n.startsWith(".") || KNOWN_METADATA.contains(n)) continue;
                warnings.add("layer " + name + ": unknown metadata file " + entry + " is not used."
                        + NearestNames.hint(n, KNOWN_METADATA));
            }
        }
        String description = "";
        Path descFile = meta.resolve("description");
        if (Files.isRegularFile(descFile)) {
            description = String.join(" ", readLines(descFile).stream()
                    .map(String::trim).filter(l -> !l.isEmpty()).toList());
        }
        List<LayerReference> deps = readDependencies(meta.resolve("dependencies"));
        boolean unlisted = Files.exists(meta.resolve("unlisted"));
        List<LayerCommand> commands = readCommands(name, dir, meta.resolve("commands"), root, warnings);
        String buildTarget = null;
        Path bt = meta.resolve("buildtarget");
        if (Files.isRegularFile(bt)) {
            String t = String.join(" ", readLines(bt)).trim();
            buildTarget = t.isEmpty() ? null : t;
        }
        return new Layer(name, dir, root, description, deps, unlisted, commands, buildTarget, warnings);
    }

    /** READMEs, licences and other notes in capitals (SkiffOS ships {@code ALIAS} files) are not layer parts. */
    private static boolean isNote(String n) {
        String u = n.toUpperCase(java.util.Locale.ROOT);
        return u.startsWith("README") || u.startsWith("LICENSE") || u.startsWith("COPYING")
                || u.endsWith(".MD") || u.endsWith(".TXT") || n.matches("[A-Z][A-Z0-9_.-]*");
    }

    /** Commas or white space separate names; '#' starts a comment. */
    static List<LayerReference> readDependencies(Path file) {
        List<LayerReference> deps = new ArrayList<>();
        if (!Files.isRegularFile(file)) return deps;
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = stripComment(lines.get(i));
            for (String token : line.split("[,\\s]+")) {
                if (token.isEmpty()) continue;
                deps.add(new LayerReference(LayerName.parse(token, file + ":" + (i + 1)), file, i + 1));
            }
        }
        return deps;
    }

    /**
     * Each line: a command name, then its description. Commands need the layer's
     * {@code extensions/} directory to run in; SkiffOS skips a {@code metadata/commands} without
     * one, so that is a warning naming the file, and the commands are not offered.
     */
    static List<LayerCommand> readCommands(LayerName layer, Path dir, Path file, LayerRoot root, List<String> warnings) {
        List<LayerCommand> cmds = new ArrayList<>();
        if (!Files.isRegularFile(file)) return cmds;
        Path ext = dir.resolve("extensions");
        if (!Files.isDirectory(ext)) {
            warnings.add(file + ": layer " + layer + " declares commands but has no extensions/ directory to run them in;"
                    + " they are not offered (as in SkiffOS). Add " + ext.resolve("Makefile") + " or remove " + file + ".");
            return cmds;
        }
        if (!Files.isRegularFile(ext.resolve("Makefile"))) {
            warnings.add(file + ": layer " + layer + " declares commands but " + ext.resolve("Makefile")
                    + " is missing; running them will fail.");
        }
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = stripComment(lines.get(i)).trim();
            if (line.isEmpty()) continue;
            String[] parts = line.split("\\s+", 2);
            if (!parts[0].matches("[A-Za-z0-9_.-]+")) {
                String msg = file + ":" + (i + 1) + ": invalid command name '" + parts[0]
                        + "': use letters, digits, '_', '.' or '-', then the description.";
                if (root != null && root.isSkiffos()) {
                    warnings.add(msg + " The line is skipped.");
                    continue;
                }
                throw new SkiffException(msg);
            }
            cmds.add(new LayerCommand(parts[0], parts.length > 1 ? parts[1] : ""));
        }
        return cmds;
    }

    static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkiffException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The entries of {@code dir} that take part in a merge: dotfiles skipped, sorted by the
     * bytes of their names (the order the design fixes, independent of locale).
     */
    public static List<Path> entriesInOrder(Path dir) {
        return list(dir).stream()
                .filter(p -> !p.getFileName().toString().startsWith("."))
                .sorted((a, b) -> java.util.Arrays.compare(
                        a.getFileName().toString().getBytes(StandardCharsets.UTF_8),
                        b.getFileName().toString().getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name.toString();
    }
}
