package dev.skiff.project;

import dev.skiff.GitDescribe;
import dev.skiff.SkiffException;
import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.VersionInfo;
import dev.skiff.configure.VersionStamp;
import dev.skiff.buildroot.BuildrootSource;
import dev.skiff.buildroot.Submodules;
import dev.skiff.layer.Layer;
import dev.skiff.layer.LayerArchive;
import dev.skiff.layer.LayerCatalog;
import dev.skiff.layer.LayerName;
import dev.skiff.layer.LayerRoot;
import dev.skiff.layer.LayerSources;
import dev.skiff.layer.SkiffosTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The decisions behind every goal, made in one place from {@link ProjectInputs}: which value of
 * each setting wins ({@code -D}, then the POM, then the upstream environment variable, then the
 * default), the order of the layer roots, the base layers, the SkiffOS tree and where Buildroot
 * comes from. Mojos only hand the raw values over and report {@link #warnings} and
 * {@link #notes}.
 *
 * @param chain the requested chain, or null when none is set (a goal that needs one says so)
 * @param chainSource where the chain came from, for messages
 * @param hostname the hostname to force, or null to let the layers decide
 * @param passthrough the user's own {@code SKIFF_*} environment variables, passed on to
 *     Buildroot, hooks and commands as SkiffOS passes them
 */
public record ProjectSettings(
        Path basedir,
        String chain,
        String chainSource,
        String workspace,
        Path workspacesDir,
        LayerSources layers,
        BuildrootSource buildroot,
        String hostname,
        List<String> allowDropped,
        boolean strict,
        Path home,
        Path downloadDir,
        Path ccacheDir,
        Path overrideFile,
        boolean offline,
        String projectVersion,
        String toolVersion,
        Map<String, String> passthrough,
        List<String> warnings,
        List<String> notes) {

    /** The Buildroot tree of the official project, cloned when a project has no tree of its own. */
    public static final String DEFAULT_BUILDROOT_URL = "https://gitlab.com/buildroot.org/buildroot.git";

    public ProjectSettings {
        allowDropped = List.copyOf(allowDropped);
        passthrough = Map.copyOf(passthrough);
        warnings = List.copyOf(warnings);
        notes = List.copyOf(notes);
    }

    public Path workspaceDir() {
        return workspacesDir.resolve(workspace);
    }

    public LayerCatalog catalog() {
        return layers.catalog();
    }

    public SkiffosTree skiffos() {
        return layers.skiffos();
    }

    /** The configure request of this project's workspace: what configure, compile and the other build goals merge. */
    public ConfigureRequest configureRequest() {
        GitDescribe git = GitDescribe.of(basedir);
        VersionInfo version = new VersionInfo(projectVersion, VersionStamp.describe(basedir),
                git == null ? "unknown" : git.shortHead(), toolVersion, skiffos() == null ? null : skiffos().version());
        return new ConfigureRequest(chain, chainSource, workspace, workspaceDir(), basedir, layers, hostname, allowDropped,
                strict, version, ccacheDir, overrideFile, buildroot.expectedDir(), passthrough);
    }

    /** Resolves {@code in}; throws a {@link SkiffException} naming the setting for a bad value. */
    public static ProjectSettings resolve(ProjectInputs in) {
        return new Resolution(in).run();
    }

    /** One resolution: collects warnings and notes while it decides. */
    private static final class Resolution {
        private final ProjectInputs in;
        private final List<String> warnings = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        Resolution(ProjectInputs in) {
            this.in = in;
        }

        ProjectSettings run() {
            Path base = in.basedir().toAbsolutePath().normalize();
            String chainCli = in.commandLine().get("skiff.config");
            String chain = fromCommandLineOrEnv("skiff.config", "SKIFF_CONFIG", in.config());
            String chainSource = chainCli != null ? "-Dskiff.config"
                    : in.config() != null ? "skiff.config" : chain != null ? "SKIFF_CONFIG" : "skiff.config";
            String ws = fromCommandLineOrEnv("skiff.workspace", "SKIFF_WORKSPACE", in.workspace());
            if (ws == null || ws.isBlank()) ws = "default";
            ws = ws.trim();
            if (!ws.matches("[A-Za-z0-9_.-]+") || ws.startsWith(".")) {
                throw new SkiffException("invalid workspace id '" + ws + "' (skiff.workspace): use letters, digits,"
                        + " '_', '.' or '-', not starting with '.', for example -Dskiff.workspace="
                        + suggestWorkspace(ws) + ".");
            }
            String wsDir = value("skiff.workspacesDir", in.workspacesDir());
            Path workspacesDir = wsDir == null ? base.resolve("workspaces") : path(base, wsDir);
            Path home = pathOr(base, value("skiff.home", in.home()), Path.of(System.getProperty("user.home"), ".skiff"));

            SkiffosTree skiffos = skiffos(base);
            LayerSources layers = layers(base, home, skiffos);

            String buildroot = value("skiff.buildroot", in.buildroot());
            String url = value("skiff.buildrootUrl", in.buildrootUrl());
            BuildrootSource br = new BuildrootSource(buildroot == null ? null : path(base, buildroot), base, skiffos,
                    url == null || url.isBlank() ? DEFAULT_BUILDROOT_URL : url.trim(), home.resolve("buildroot"), in.offline());

            String hostname = value("skiff.hostname", in.hostname());
            if (hostname != null) hostname = Hostname.check(hostname.trim(), "skiff.hostname");
            String strict = in.commandLine().get("skiff.strict");
            boolean isStrict = strict != null ? Boolean.parseBoolean(strict.trim()) : Boolean.TRUE.equals(in.strict());
            Path dl = pathOr(base, valueOrEnv("skiff.downloadDir", in.downloadDir(), "BR2_DL_DIR"), home.resolve("dl"));
            Path ccache = pathOr(base, valueOrEnv("skiff.ccacheDir", in.ccacheDir(), "BR2_CCACHE_DIR"), home.resolve("ccache"));
            Path overrideFile = overrideFile(base);

            Map<String, String> passthrough = new TreeMap<>();
            in.environment().forEach((k, v) -> {
                if (k.startsWith("SKIFF_") && v != null) passthrough.put(k, v);
            });
            return new ProjectSettings(base, chain, chainSource, ws, workspacesDir, layers, br, hostname,
                    list("skiff.allowDropped", in.allowDropped()), isStrict, home, dl, ccache, overrideFile, in.offline(),
                    in.projectVersion() == null ? "unknown" : in.projectVersion(),
                    in.toolVersion() == null ? "unknown" : in.toolVersion(), passthrough, warnings, notes);
        }

        /**
         * {@code skiff.overrideFile}: an existing regular file, or unset. Checked here, before
         * anything is configured: Buildroot itself ignores a missing override file silently, and
         * the build would then download what the file meant to replace.
         */
        private Path overrideFile(Path base) {
            String v = value("skiff.overrideFile", in.overrideFile());
            if (v == null || v.isBlank()) return null;
            Path p = path(base, v.trim());
            if (!Files.isRegularFile(p)) {
                throw new SkiffException("skiff.overrideFile names " + p + ", which "
                        + (Files.isDirectory(p) ? "is a directory" : "does not exist")
                        + ": name a Buildroot override file (a local.mk with <PKG>_OVERRIDE_SRCDIR lines), or unset it.");
            }
            return p;
        }

        /**
         * {@code skiff.skiffos}: a directory, {@code none}, or unset. Unset means
         * {@code ${basedir}/skiffos} when that directory holds a SkiffOS tree.
         */
        private SkiffosTree skiffos(Path base) {
            String v = value("skiff.skiffos", in.skiffos());
            if (v != null && !v.isBlank()) {
                String t = v.trim();
                if (t.equalsIgnoreCase(SkiffosTree.NONE)) return null;
                Path dir = path(base, t);
                Submodules.ensure(dir, in.offline(), notes::add);
                return SkiffosTree.open(dir, "skiff.skiffos");
            }
            Path def = base.resolve("skiffos");
            // An empty submodule means the user wants SkiffOS: check it out rather than quietly
            // falling back to the stock layers.
            if (Files.isDirectory(def) && !Submodules.checkedOut(def) && Submodules.isSubmodule(def)) {
                Submodules.ensure(def, in.offline(), notes::add);
            }
            if (SkiffosTree.looksLike(def)) return SkiffosTree.open(def, "the skiffos/ directory");
            if (Files.isDirectory(def)) {
                notes.add(def + " is not a SkiffOS tree (it has no configs/ and configs-base/): using the stock layers"
                        + " alone. Set -Dskiff.skiffos=<dir> to use a SkiffOS tree elsewhere.");
            }
            return null;
        }

        private LayerSources layers(Path base, Path home, SkiffosTree skiffos) {
            List<LayerRoot> roots = new ArrayList<>();
            List<String> project = list("skiff.layerRoots", in.layerRoots());
            if (project.isEmpty()) {
                Path def = base.resolve("layers");
                if (Files.isDirectory(def)) roots.add(new LayerRoot("project", def, LayerRoot.Kind.PROJECT));
            } else {
                for (String p : project) roots.add(new LayerRoot("project", path(base, p), LayerRoot.Kind.PROJECT));
            }
            for (String p : list("skiff.extraRoots", in.extraRoots())) {
                roots.add(new LayerRoot("extra", path(base, p), LayerRoot.Kind.EXTRA));
            }
            String envExtra = in.environment().get("SKIFF_EXTRA_CONFIGS_PATH");
            if (envExtra != null) {
                for (String p : envExtra.split(":")) {
                    if (!p.isBlank()) roots.add(new LayerRoot("SKIFF_EXTRA_CONFIGS_PATH", path(base, p.trim()), LayerRoot.Kind.EXTRA));
                }
            }
            if (skiffos != null) {
                roots.add(new LayerRoot("SkiffOS " + skiffos.version(), skiffos.configsDir(), LayerRoot.Kind.SKIFFOS));
            }
            Path cache = home.resolve("layers");
            for (String a : list("skiff.layerArchives", in.layerArchives())) {
                Path jar = path(base, a);
                roots.add(new LayerRoot("layer archive " + jar.getFileName(), LayerArchive.extract(jar, cache), LayerRoot.Kind.PACK));
            }
            for (ProjectInputs.LayerPack pack : in.layerPacks()) {
                roots.add(new LayerRoot(pack.label(), LayerArchive.extract(pack.file(), cache), LayerRoot.Kind.PACK));
            }
            if (in.stockLibrary() == null) {
                throw new SkiffException("the stock layer library dev.skiff:skiff-layers was not resolved with the plugin;"
                        + " check the plugin's dependencies.");
            }
            roots.add(new LayerRoot(in.stockLibrary().label(), LayerArchive.extract(in.stockLibrary().file(), cache),
                    LayerRoot.Kind.STOCK));

            Map<LayerName, Path> overrides = new LinkedHashMap<>();
            String layerPaths = value("skiff.layerPaths", in.layerPaths());
            if (layerPaths != null && !layerPaths.isBlank()) {
                for (String entry : layerPaths.split(",")) {
                    String e = entry.trim();
                    if (e.isEmpty()) continue;
                    int eq = e.indexOf('=');
                    if (eq < 0) {
                        throw new SkiffException("skiff.layerPaths entry '" + e + "' must be <category>/<name>=<directory>.");
                    }
                    overrides.put(LayerName.parse(e.substring(0, eq), "skiff.layerPaths"), path(base, e.substring(eq + 1).trim()));
                }
            }
            LayerCatalog plain = LayerCatalog.scan(roots, Map.of());
            // Upstream's SKIFF_CONFIG_PATH_<CAT>_<NAME>: mapped back to a known layer by its suffix.
            for (Map.Entry<String, String> env : new TreeMap<>(in.environment()).entrySet()) {
                if (!env.getKey().startsWith("SKIFF_CONFIG_PATH_")) continue;
                String suffix = env.getKey().substring("SKIFF_CONFIG_PATH_".length());
                List<LayerName> matches = plain.names().stream().filter(n -> n.envSuffix().equals(suffix)).toList();
                if (matches.size() == 1) {
                    overrides.putIfAbsent(matches.get(0), path(base, env.getValue()));
                } else {
                    warnings.add(env.getKey() + " is ignored: it names " + (matches.isEmpty() ? "no known layer" : "several layers " + matches)
                            + ". Use -Dskiff.layerPaths=<category>/<name>=<directory> instead.");
                }
            }
            LayerCatalog catalog = overrides.isEmpty() ? plain : LayerCatalog.scan(roots, overrides);
            Layer pre = baseLayer(catalog, skiffos, "skiff.basePre", in.basePre(), "pre");
            Layer post = baseLayer(catalog, skiffos, "skiff.basePost", in.basePost(), "post");
            return new LayerSources(catalog, pre, post, skiffos);
        }

        /**
         * The named layer if {@code skiff.basePre}/{@code skiff.basePost} is set; else SkiffOS's
         * {@code configs-base/<part>}; else the stock {@code base/<part>}.
         */
        private Layer baseLayer(LayerCatalog catalog, SkiffosTree skiffos, String property, String injected, String part) {
            String v = value(property, injected);
            if (v != null && !v.isBlank()) return catalog.require(LayerName.parse(v, property), "base layer (" + property + ")");
            if (skiffos != null) {
                Path dir = skiffos.baseDir().resolve(part);
                return Layer.read(new LayerName("base", part), dir,
                        new LayerRoot("SkiffOS " + skiffos.version() + " configs-base", skiffos.baseDir(), LayerRoot.Kind.SKIFFOS));
            }
            return catalog.require(new LayerName("base", part), "base layer (" + property + ")");
        }

        /** {@code -D} wins over the POM (Maven alone would let the POM win). */
        private String value(String property, String injected) {
            String cli = in.commandLine().get(property);
            return cli != null ? cli : injected;
        }

        private List<String> list(String property, List<String> injected) {
            String cli = in.commandLine().get(property);
            if (cli == null) return injected;
            return Arrays.stream(cli.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }

        /** {@code -D}, then the POM, then an environment variable Buildroot itself honours. */
        private String valueOrEnv(String property, String injected, String env) {
            String v = value(property, injected);
            if (v != null && !v.isBlank()) return v;
            String e = in.environment().get(env);
            return e == null || e.isBlank() ? null : e;
        }

        /**
         * {@code -D} first, then the POM, then the upstream environment variable. An environment
         * variable that loses to the POM is named in a warning, never ignored silently; it does not
         * win over the POM because one exported variable would then retarget every execution.
         */
        private String fromCommandLineOrEnv(String property, String env, String injected) {
            String cli = in.commandLine().get(property);
            if (cli != null) return cli;
            String e = in.environment().get(env);
            boolean hasEnv = e != null && !e.isBlank();
            if (injected != null) {
                if (hasEnv && !e.equals(injected)) {
                    warnings.add(env + "=" + e + " is ignored: the POM sets " + property + " to '" + injected
                            + "'. Use -D" + property + "=... to override it.");
                }
                return injected;
            }
            if (hasEnv) {
                notes.add("Using " + env + "=" + e + " from the environment.");
                return e;
            }
            return null;
        }

        private static Path path(Path base, String p) {
            Path x = Path.of(p.trim());
            return (x.isAbsolute() ? x : base.resolve(x)).normalize();
        }

        private static Path pathOr(Path base, String p, Path def) {
            return p == null || p.isBlank() ? def.toAbsolutePath().normalize() : path(base, p);
        }

        private static String suggestWorkspace(String ws) {
            String s = ws.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^\\.+", "");
            return s.isEmpty() ? "default" : s;
        }
    }
}
