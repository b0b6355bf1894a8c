package dev.skiff;

import java.io.IOException;
import java.io.Reader;
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

    /** The document's root node, or null for an empty file. {@code what} names it in I/O errors. */
    protected static Node compose(Path file, String what) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Yaml(new LoaderOptions()).compose(r);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new SkiffException(file + ":" + line + ": invalid YAML: " + e.getProblem());
        } catch (IOException e) {
            throw new SkiffException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
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
