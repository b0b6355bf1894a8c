package dev.skiff;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Strict reading of a YAML file from snakeyaml's node tree rather than from maps, so every error
 * names the file, the line and the field, and an unknown field comes with the nearest valid one.
 * The skiff-core config and disk layout parsers build on it.
 */
public abstract class YamlReader {
    protected final Path file;

    protected YamlReader(Path file) {
        this.file = file;
    }

    /**
     * The largest file read. A skiff-core config or a disk layout is a few kilobytes; anything near
     * this size is a mistake (a log or an image named .yaml) or hostile, and is refused before parsing.
     */
    static final int MAX_BYTES = 1 << 20;

    /** The document's root node, or null for an empty file. {@code what} names it in I/O errors. */
    protected static Node compose(Path file, String what) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new SkiffException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        if (size > MAX_BYTES) {
            throw new SkiffException(file + ": " + what + " is larger than 1 MiB (" + size + " bytes); such a file is"
                    + " a few kilobytes. Check that this is the file you meant.");
        }
        LoaderOptions limits = new LoaderOptions();
        // The same bound in characters, for files whose size grows while they are read (a pipe, /dev/zero).
        limits.setCodePointLimit(MAX_BYTES);
        try (Reader r = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT))) {
            return new Yaml(limits).compose(r);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new SkiffException(file + ":" + line + ": invalid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            // snakeyaml's limits (aliases, nesting, size) and decoding errors come without a position.
            throw new SkiffException(file + ": invalid YAML: " + limitMessage(e));
        } catch (IOException e) {
            throw new SkiffException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** snakeyaml's message for a limit, and what the limit means for a hand-written file. */
    private static String limitMessage(YAMLException e) {
        String m = String.valueOf(e.getMessage());
        if (e.getCause() instanceof CharacterCodingException || m.contains("MalformedInputException")) {
            return "the file is not UTF-8 text. Save it as UTF-8.";
        }
        if (m.startsWith("Number of aliases")) {
            return "too many aliases (*name) of lists or mappings: more than "
                    + new LoaderOptions().getMaxAliasesForCollections() + ", which is how alias bombs that expand to"
                    + " gigabytes are built. Write the values out instead of aliasing them.";
        }
        if (m.startsWith("Nesting Depth")) {
            return "lists and mappings nested more than " + new LoaderOptions().getNestingDepthLimit()
                    + " levels deep. Skiff's files nest a few levels; check the brackets and the indentation.";
        }
        if (m.contains("exceeds the limit")) {
            return "the document is larger than 1 MiB; such a file is a few kilobytes.";
        }
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    /** A mapping whose keys must all be in {@code allowed} (listed in the set's order in errors). */
    protected Map<String, Node> fields(Node node, String path, Set<String> allowed) {
        if (!(node instanceof MappingNode m)) {
            throw error(node, path, "expected a mapping (key: value lines), found " + kind(node) + ".");
        }
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode(), path);
            if (!allowed.contains(key)) {
                throw error(t.getKeyNode(), path + "." + key, "unknown field '" + key + "'."
                        + NearestNames.hint(key, allowed) + " Valid fields: " + String.join(", ", allowed) + ".");
            }
        }
        return entries(node, path);
    }

    /** A mapping with free keys (names, image references); a key given twice is an error. */
    protected Map<String, Node> entries(Node node, String path) {
        if (!(node instanceof MappingNode m)) {
            throw error(node, path, "expected a mapping (key: value lines), found " + kind(node) + ".");
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode(), path);
            if (out.containsKey(key)) throw error(t.getKeyNode(), path + "." + key, "is defined twice.");
            out.put(key, t.getValueNode());
        }
        return out;
    }

    protected List<Node> list(Node node, String path) {
        if (!(node instanceof SequenceNode s)) {
            throw error(node, path, "expected a list (lines starting with '- '), found " + kind(node) + ".");
        }
        return s.getValue();
    }

    protected String scalar(Node node, String path) {
        if (!(node instanceof ScalarNode s)) throw error(node, path, "expected a single value, found " + kind(node) + ".");
        return s.getValue();
    }

    protected Node requiredNode(Map<String, Node> f, String key, String path, Node parent) {
        Node n = f.get(key);
        if (n == null) throw error(parent, path, "is missing the required field '" + key + "'.");
        return n;
    }

    /** A required single value that is not blank. */
    protected String required(Map<String, Node> f, String key, String path, Node parent) {
        String v = scalar(requiredNode(f, key, path, parent), path + "." + key);
        if (v.isBlank()) throw error(f.get(key), path + "." + key, "must not be empty.");
        return v;
    }

    protected String optional(Map<String, Node> f, String key, String path) {
        return f.containsKey(key) ? scalar(f.get(key), path + "." + key) : null;
    }

    /** {@code true} or {@code false}; false when absent. */
    protected boolean bool(Map<String, Node> f, String key, String path) {
        if (!f.containsKey(key)) return false;
        String v = scalar(f.get(key), path + "." + key);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(f.get(key), path + "." + key, "expected true or false, found '" + v + "'.");
        };
    }

    /** A list of single values; empty when absent. */
    protected List<String> strings(Map<String, Node> f, String key, String path) {
        if (!f.containsKey(key)) return List.of();
        List<String> out = new ArrayList<>();
        for (Node n : list(f.get(key), path + "." + key)) out.add(scalar(n, path + "." + key));
        return out;
    }

    protected String oneOf(Node node, String path, Set<String> allowed) {
        return oneOf(scalar(node, path), node, path, allowed);
    }

    /** {@code value} (read from {@code node}) must be one of {@code allowed}. */
    protected String oneOf(String value, Node node, String path, Set<String> allowed) {
        if (!allowed.contains(value)) {
            throw error(node, path, "'" + value + "' is not one of " + String.join(", ", allowed) + "."
                    + NearestNames.hint(value, allowed));
        }
        return value;
    }

    protected static String kind(Node n) {
        return n instanceof MappingNode ? "a mapping" : n instanceof SequenceNode ? "a list" : "a single value";
    }

    protected static int line(Node node) {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    protected SkiffException error(Node node, String field, String message) {
        return new SkiffException(file + ":" + line(node) + ": " + field + ": " + message);
    }
}
