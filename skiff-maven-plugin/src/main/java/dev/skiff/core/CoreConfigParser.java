package dev.skiff.core;

import dev.skiff.NearestNames;
import dev.skiff.SkiffException;
import dev.skiff.YamlReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a skiff-core YAML file strictly, from snakeyaml's node tree so every error can name the
 * line: an unknown field (with the nearest valid one), a wrong type, a malformed mount, a user
 * of a container that does not exist. skiff-core itself would only fail on the device.
 */
public final class CoreConfigParser extends YamlReader {
    static final Set<String> TOP = sorted("containers", "users", "images");
    static final Set<String> CONTAINER = sorted("image", "mounts", "privileged", "hostNetwork", "network", "hostPID",
            "hostIPC", "restartPolicy", "capAdd", "securityOpt", "env", "workingDirectory", "startAfterCreate",
            "disableInit");
    static final Set<String> USER = sorted("container", "containerUser", "shell", "containerShell",
            "createContainerUser", "auth");
    static final Set<String> AUTH = sorted("copyRootKeys", "authorizedKeys");
    static final Set<String> IMAGE = sorted("pull", "build");
    static final Set<String> PULL = sorted("policy", "registry");
    static final Set<String> BUILD = sorted("source", "dockerfile");
    static final Set<String> RESTART = sorted("no", "always", "on-failure", "unless-stopped");
    static final Set<String> NETWORK = sorted("host", "bridge", "none");
    static final Set<String> POLICY = sorted("always", "ifNotExists", "never", "ifBuildFails");

    /** Errors list the valid values alphabetically. */
    private static Set<String> sorted(String... names) {
        return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(List.of(names)));
    }

    private CoreConfigParser(Path file) {
        super(file);
    }

    public static CoreConfig parse(Path file) {
        Node root = compose(file, "skiff-core config");
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
}
