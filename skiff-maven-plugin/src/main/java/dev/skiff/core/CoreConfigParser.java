package dev.skiff.core;

import dev.skiff.NearestNames;
import dev.skiff.SkiffException;
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
 * Reads a skiff-core YAML file strictly, from snakeyaml's node tree so every error can name the
 * line: an unknown field (with the nearest valid one), a wrong type, a malformed mount, a user
 * of a container that does not exist. skiff-core itself would only fail on the device.
 */
public final class CoreConfigParser {
    static final Set<String> TOP = Set.of("containers", "users", "images");
    static final Set<String> CONTAINER = Set.of("image", "mounts", "privileged", "hostNetwork", "network", "hostPID",
            "hostIPC", "restartPolicy", "capAdd", "securityOpt", "env", "workingDirectory", "startAfterCreate",
            "disableInit");
    static final Set<String> USER = Set.of("container", "containerUser", "shell", "containerShell",
            "createContainerUser", "auth");
    static final Set<String> AUTH = Set.of("copyRootKeys", "authorizedKeys");
    static final Set<String> IMAGE = Set.of("pull", "build");
    static final Set<String> PULL = Set.of("policy", "registry");
    static final Set<String> BUILD = Set.of("source", "dockerfile");
    static final Set<String> RESTART = Set.of("no", "always", "on-failure", "unless-stopped");
    static final Set<String> NETWORK = Set.of("host", "bridge", "none");
    static final Set<String> POLICY = Set.of("always", "ifNotExists", "never", "ifBuildFails");

    private final Path file;

    private CoreConfigParser(Path file) {
        this.file = file;
    }

    public static CoreConfig parse(Path file) {
        Node root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new LoaderOptions()).compose(r);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new SkiffException(file + ":" + line + ": invalid YAML: " + e.getProblem());
        } catch (IOException e) {
            throw new SkiffException("cannot read skiff-core config " + file + ": " + e.getMessage(), e);
        }
        return new CoreConfigParser(file).config(root);
    }

    private CoreConfig config(Node root) {
        if (root == null) throw new SkiffException(file + ": empty skiff-core config; expected containers, users and images.");
        Map<String, Node> top = fields(root, "skiff-core config", TOP);
        Map<String, CoreContainer> containers = new LinkedHashMap<>();
        if (top.containsKey("containers")) {
            for (Map.Entry<String, Node> e : entries(top.get("containers"), "containers").entrySet()) {
                containers.put(e.getKey(), container(e.getKey(), e.getValue()));
            }
        }
        Map<String, CoreUser> users = new LinkedHashMap<>();
        if (top.containsKey("users")) {
            for (Map.Entry<String, Node> e : entries(top.get("users"), "users").entrySet()) {
                CoreUser u = user(e.getKey(), e.getValue());
                if (!containers.containsKey(u.container())) {
                    Node at = fields(e.getValue(), "users." + e.getKey(), USER).get("container");
                    throw error(at, "users." + e.getKey() + ".container", "names container '" + u.container()
                            + "', which is not defined under containers." + NearestNames.hint(u.container(), containers.keySet())
                            + (containers.isEmpty() ? "" : " Defined: " + String.join(", ", containers.keySet()) + "."));
                }
                users.put(e.getKey(), u);
            }
        }
        Map<String, CoreImage> images = new LinkedHashMap<>();
        if (top.containsKey("images")) {
            for (Map.Entry<String, Node> e : entries(top.get("images"), "images").entrySet()) {
                images.put(e.getKey(), image(e.getKey(), e.getValue()));
            }
        }
        return new CoreConfig(file, containers, users, images);
    }

    private CoreContainer container(String name, Node node) {
        String path = "containers." + name;
        Map<String, Node> f = fields(node, path, CONTAINER);
        String image = required(f, "image", path, node);
        List<Mount> mounts = new ArrayList<>();
        if (f.containsKey("mounts")) {
            for (Node m : list(f.get("mounts"), path + ".mounts")) mounts.add(mount(scalar(m, path + ".mounts"), m, path + ".mounts"));
        }
        String network = f.containsKey("network") ? oneOf(f.get("network"), path + ".network", NETWORK) : null;
        if (bool(f, "hostNetwork", path)) {
            if (network != null && !network.equals("host")) {
                throw error(f.get("hostNetwork"), path + ".hostNetwork", "contradicts network: " + network + ".");
            }
            network = "host";
        }
        String restart = f.containsKey("restartPolicy") ? oneOf(f.get("restartPolicy"), path + ".restartPolicy", RESTART) : null;
        Map<String, String> env = new LinkedHashMap<>();
        if (f.containsKey("env")) {
            for (Map.Entry<String, Node> e : entries(f.get("env"), path + ".env").entrySet()) {
                env.put(e.getKey(), scalar(e.getValue(), path + ".env." + e.getKey()));
            }
        }
        return new CoreContainer(name, image, mounts, bool(f, "privileged", path), network == null ? "bridge" : network,
                bool(f, "hostPID", path), bool(f, "hostIPC", path), restart, strings(f, "capAdd", path),
                strings(f, "securityOpt", path), env, optional(f, "workingDirectory", path),
                bool(f, "startAfterCreate", path), bool(f, "disableInit", path));
    }

    /** {@code src:dst[:ro]}: dst absolute; the option, if any, is ro or rw. */
    private Mount mount(String text, Node node, String path) {
        String[] parts = text.split(":", -1);
        String hint = "Mounts are written src:dst or src:dst:ro, for example /mnt/persist:/mnt/persist:ro.";
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw error(node, path, "malformed mount '" + text + "'. " + hint);
        }
        if (!parts[1].startsWith("/")) {
            throw error(node, path, "mount '" + text + "': the destination '" + parts[1] + "' must be an absolute path. " + hint);
        }
        boolean ro = false;
        if (parts.length == 3) {
            if (parts[2].equals("ro")) ro = true;
            else if (!parts[2].equals("rw")) {
                throw error(node, path, "mount '" + text + "': unknown option '" + parts[2] + "'; use ro or rw. " + hint);
            }
        }
        return new Mount(parts[0], parts[1], ro);
    }

    private CoreUser user(String name, Node node) {
        String path = "users." + name;
        Map<String, Node> f = fields(node, path, USER);
        String container = required(f, "container", path, node);
        String shell = optional(f, "shell", path);
        if (f.containsKey("containerShell")) {
            List<String> cs = strings(f, "containerShell", path);
            if (shell != null) throw error(f.get("containerShell"), path + ".containerShell", "give either shell or containerShell, not both.");
            shell = String.join(" ", cs);
        }
        boolean copyRootKeys = false;
        List<String> keys = List.of();
        if (f.containsKey("auth")) {
            Map<String, Node> a = fields(f.get("auth"), path + ".auth", AUTH);
            copyRootKeys = bool(a, "copyRootKeys", path + ".auth");
            keys = strings(a, "authorizedKeys", path + ".auth");
        }
        return new CoreUser(name, container, optional(f, "containerUser", path), shell,
                bool(f, "createContainerUser", path), copyRootKeys, keys);
    }

    private CoreImage image(String ref, Node node) {
        String path = "images." + ref;
        Map<String, Node> f = fields(node, path, IMAGE);
        if (f.isEmpty()) throw error(node, path, "says neither pull nor build: give at least one.");
        String policy = null;
        String registry = null;
        if (f.containsKey("pull")) {
            Map<String, Node> p = fields(f.get("pull"), path + ".pull", PULL);
            policy = p.containsKey("policy") ? oneOf(p.get("policy"), path + ".pull.policy", POLICY) : "ifNotExists";
            registry = optional(p, "registry", path + ".pull");
        }
        String source = null;
        String dockerfile = null;
        if (f.containsKey("build")) {
            Map<String, Node> b = fields(f.get("build"), path + ".build", BUILD);
            source = required(b, "source", path + ".build", f.get("build"));
            dockerfile = optional(b, "dockerfile", path + ".build");
        }
        if ("ifBuildFails".equals(policy) && source == null) {
            throw error(f.get("pull"), path + ".pull.policy", "ifBuildFails needs a build section to fall back from.");
        }
        return new CoreImage(ref, policy, registry, source, dockerfile);
    }

    // --- node access with line numbers -------------------------------------------------------

    private Map<String, Node> fields(Node node, String path, Set<String> allowed) {
        Map<String, Node> out = entries(node, path);
        for (Map.Entry<String, Node> e : out.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw error(e.getValue(), path + "." + e.getKey(), "unknown field '" + e.getKey() + "'."
                        + NearestNames.hint(e.getKey(), allowed) + " Valid fields: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ".");
            }
        }
        return out;
    }

    private Map<String, Node> entries(Node node, String path) {
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

    private List<Node> list(Node node, String path) {
        if (!(node instanceof SequenceNode s)) {
            throw error(node, path, "expected a list (lines starting with '- '), found " + kind(node) + ".");
        }
        return s.getValue();
    }

    private String scalar(Node node, String path) {
        if (!(node instanceof ScalarNode s)) throw error(node, path, "expected a single value, found " + kind(node) + ".");
        return s.getValue();
    }

    private String required(Map<String, Node> f, String key, String path, Node parent) {
        if (!f.containsKey(key)) throw error(parent, path, "is missing the required field '" + key + "'.");
        String v = scalar(f.get(key), path + "." + key);
        if (v.isBlank()) throw error(f.get(key), path + "." + key, "must not be empty.");
        return v;
    }

    private String optional(Map<String, Node> f, String key, String path) {
        return f.containsKey(key) ? scalar(f.get(key), path + "." + key) : null;
    }

    private boolean bool(Map<String, Node> f, String key, String path) {
        if (!f.containsKey(key)) return false;
        String v = scalar(f.get(key), path + "." + key);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(f.get(key), path + "." + key, "expected true or false, found '" + v + "'.");
        };
    }

    private List<String> strings(Map<String, Node> f, String key, String path) {
        if (!f.containsKey(key)) return List.of();
        List<String> out = new ArrayList<>();
        for (Node n : list(f.get(key), path + "." + key)) out.add(scalar(n, path + "." + key));
        return out;
    }

    private String oneOf(Node node, String path, Set<String> allowed) {
        String v = scalar(node, path);
        if (!allowed.contains(v)) {
            throw error(node, path, "'" + v + "' is not one of " + String.join(", ", allowed.stream().sorted().toList()) + "."
                    + NearestNames.hint(v, allowed));
        }
        return v;
    }

    private static String kind(Node n) {
        return n instanceof MappingNode ? "a mapping" : n instanceof SequenceNode ? "a list" : "a single value";
    }

    private SkiffException error(Node node, String field, String message) {
        int line = node == null ? 0 : node.getStartMark().getLine() + 1;
        return new SkiffException(file + ":" + line + ": " + field + ": " + message);
    }
}
