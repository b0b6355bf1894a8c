package dev.skiff.maven;

import dev.skiff.NearestNames;
import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.VersionInfo;
import dev.skiff.configure.VersionStamp;
import dev.skiff.layer.LayerArchive;
import dev.skiff.layer.LayerCatalog;
import dev.skiff.layer.LayerName;
import dev.skiff.layer.LayerRoot;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.Parameter;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;

/**
 * Translates the shared {@code skiff.*} parameters into engine inputs. No build logic lives
 * here: every decision is in the engine packages.
 */
abstract class AbstractSkiffMojo extends AbstractMojo {
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{(skiff\\.[A-Za-z0-9_.]+)}");

    @org.apache.maven.plugins.annotations.Parameter(defaultValue = "${project}", readonly = true)
    protected MavenProject project;

    @org.apache.maven.plugins.annotations.Parameter(defaultValue = "${session}", readonly = true)
    protected MavenSession session;

    @org.apache.maven.plugins.annotations.Parameter(defaultValue = "${plugin}", readonly = true)
    protected PluginDescriptor plugin;

    @org.apache.maven.plugins.annotations.Parameter(defaultValue = "${mojoExecution}", readonly = true)
    protected MojoExecution mojoExecution;

    /**
     * The layer chain, e.g. {@code virt/qemu,skiff/core}. {@code -Dskiff.config} wins over the POM;
     * when neither sets it, the {@code SKIFF_CONFIG} environment variable is used, as upstream
     * users type it.
     */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.config")
    protected String config;

    /** The workspace id, default {@code default}; {@code SKIFF_WORKSPACE} is honoured the same way as the chain. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.workspace")
    protected String workspace;

    /**
     * Where workspaces live; default {@code workspaces/} beside the POM. Not under target/:
     * {@code mvn clean} must not throw away hours of compiling.
     */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.workspacesDir")
    protected File workspacesDir;

    /** The project's own layer directories, searched first. Default: {@code layers/} if it exists. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.layerRoots")
    protected List<File> layerRoots;

    /** More layer roots, searched after the project's; {@code SKIFF_EXTRA_CONFIGS_PATH} (colon-separated) adds to them. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.extraRoots")
    protected List<File> extraRoots;

    /** Per-layer directories that beat every root: {@code cat/name=/path,cat2/name2=/path2}. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.layerPaths")
    protected String layerPaths;

    /** Layer libraries beyond the stock one, as jar files (a company's layer pack). */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.layerArchives")
    protected List<File> layerArchives;

    /** The base layer merged first. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.basePre", defaultValue = "base/pre")
    protected String basePre;

    /** The base layer merged last; it fills the placeholders. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.basePost", defaultValue = "base/post")
    protected String basePost;

    /** Skiff's own cache (extracted layer libraries); the download directory lives here too. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.home", defaultValue = "${user.home}/.skiff")
    protected File home;

    /** The Buildroot tree. Default: the {@code buildroot/} submodule, then {@code skiffos/buildroot}. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.buildroot")
    protected File buildroot;

    /** The target hostname written into the image. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.hostname", defaultValue = "skiff")
    protected String hostname;

    /** Symbols excused from the dropped-symbol check; {@code PREFIX*} matches a prefix. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.allowDropped")
    protected List<String> allowDropped;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        warnUnknownProperties();
        if (skipped()) {
            getLog().info("Skipping " + mojoExecution.getGoal() + " (skip flag set).");
            return;
        }
        try {
            run();
        } catch (SkiffException e) {
            // A user mistake or a failed tool: the message says everything, no stack trace.
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    protected abstract boolean skipped();

    protected abstract void run() throws MojoExecutionException, MojoFailureException;

    protected Path basedir() {
        if (project != null && project.getBasedir() != null) return project.getBasedir().toPath();
        return Path.of(session.getExecutionRootDirectory());
    }

    /**
     * {@code -D} first, then the POM, then the upstream environment variable. An environment
     * variable that loses to the POM is named in a warning, never ignored silently; it does not
     * win over the POM because one exported variable would then retarget every execution.
     */
    protected String fromCommandLineOrEnv(String property, String env, String pomValue) {
        String cli = session.getUserProperties().getProperty(property);
        if (cli != null) return cli;
        String e = System.getenv(env);
        boolean hasEnv = e != null && !e.isBlank();
        if (pomValue != null) {
            if (hasEnv && !e.equals(pomValue)) {
                getLog().warn(env + "=" + e + " is ignored: the POM sets " + property + " to '" + pomValue
                        + "'. Use -D" + property + "=... to override it.");
            }
            return pomValue;
        }
        if (hasEnv) {
            getLog().info("Using " + env + "=" + e + " from the environment.");
            return e;
        }
        return null;
    }

    protected String chainSource() {
        if (session.getUserProperties().getProperty("skiff.config") != null) return "-Dskiff.config";
        if (config != null) return "skiff.config";
        String e = System.getenv("SKIFF_CONFIG");
        return e != null && !e.isBlank() ? "SKIFF_CONFIG" : "skiff.config";
    }

    protected String chain() {
        return fromCommandLineOrEnv("skiff.config", "SKIFF_CONFIG", config);
    }

    protected String workspaceId() {
        String ws = fromCommandLineOrEnv("skiff.workspace", "SKIFF_WORKSPACE", workspace);
        if (ws == null) ws = "default";
        if (ws == null || !ws.matches("[A-Za-z0-9_.-]+") || ws.startsWith(".")) {
            throw new SkiffException("invalid workspace id '" + ws + "' (skiff.workspace): use letters, digits,"
                    + " '_', '.' or '-', for example -Dskiff.workspace=default.");
        }
        return ws;
    }

    protected Path workspaceDir(String ws) {
        Path dir = workspacesDir == null ? basedir().resolve("workspaces") : absolute(workspacesDir);
        return dir.resolve(ws);
    }

    protected LayerCatalog catalog() {
        List<LayerRoot> roots = new ArrayList<>();
        if (layerRoots == null || layerRoots.isEmpty()) {
            Path def = basedir().resolve("layers");
            if (Files.isDirectory(def)) roots.add(new LayerRoot("project", def));
        } else {
            for (File f : layerRoots) roots.add(new LayerRoot("project", absolute(f)));
        }
        if (extraRoots != null) for (File f : extraRoots) roots.add(new LayerRoot("extra", absolute(f)));
        String envExtra = System.getenv("SKIFF_EXTRA_CONFIGS_PATH");
        if (envExtra != null) {
            for (String p : envExtra.split(":")) {
                if (!p.isBlank()) roots.add(new LayerRoot("SKIFF_EXTRA_CONFIGS_PATH", Path.of(p).toAbsolutePath()));
            }
        }
        Path cache = home.toPath().resolve("layers");
        if (layerArchives != null) {
            for (File f : layerArchives) {
                roots.add(new LayerRoot("layer archive " + f.getName(), LayerArchive.extract(absolute(f), cache)));
            }
        }
        // Layer packs: jars with skiff/layers/ declared as dependencies of this plugin in the POM,
        // searched after the project's roots and before the stock library.
        for (Artifact a : plugin.getArtifacts()) {
            if (a.getFile() == null || "dev.skiff:skiff-layers".equals(a.getGroupId() + ":" + a.getArtifactId())) continue;
            if (LayerArchive.isLayerLibrary(a.getFile().toPath())) {
                roots.add(new LayerRoot("layer pack " + a.getGroupId() + ":" + a.getArtifactId() + ":" + a.getVersion(),
                        LayerArchive.extract(a.getFile().toPath(), cache)));
            }
        }
        Artifact stock = plugin.getArtifactMap().get("dev.skiff:skiff-layers");
        if (stock == null || stock.getFile() == null) {
            throw new SkiffException("the stock layer library dev.skiff:skiff-layers:" + plugin.getVersion()
                    + " was not resolved with the plugin; check the plugin's dependencies.");
        }
        roots.add(new LayerRoot("stock skiff-layers " + stock.getVersion(), LayerArchive.extract(stock.getFile().toPath(), cache)));

        Map<LayerName, Path> overrides = new LinkedHashMap<>();
        if (layerPaths != null && !layerPaths.isBlank()) {
            for (String entry : layerPaths.split(",")) {
                String e = entry.trim();
                if (e.isEmpty()) continue;
                int eq = e.indexOf('=');
                if (eq < 0) {
                    throw new SkiffException("skiff.layerPaths entry '" + e + "' must be <category>/<name>=<directory>.");
                }
                overrides.put(LayerName.parse(e.substring(0, eq), "skiff.layerPaths"), absolute(new File(e.substring(eq + 1).trim())));
            }
        }
        LayerCatalog plain = LayerCatalog.scan(roots, Map.of());
        // Upstream's SKIFF_CONFIG_PATH_<CAT>_<NAME>: mapped back to a known layer by its suffix.
        for (Map.Entry<String, String> env : System.getenv().entrySet()) {
            if (!env.getKey().startsWith("SKIFF_CONFIG_PATH_")) continue;
            String suffix = env.getKey().substring("SKIFF_CONFIG_PATH_".length());
            List<LayerName> matches = plain.names().stream().filter(n -> n.envSuffix().equals(suffix)).toList();
            if (matches.size() == 1) {
                overrides.putIfAbsent(matches.get(0), Path.of(env.getValue()).toAbsolutePath());
            } else {
                getLog().warn(env.getKey() + " is ignored: it names " + (matches.isEmpty() ? "no known layer" : "several layers " + matches)
                        + ". Use -Dskiff.layerPaths=<category>/<name>=<directory> instead.");
            }
        }
        return overrides.isEmpty() ? plain : LayerCatalog.scan(roots, overrides);
    }

    protected ConfigureRequest request(LayerCatalog catalog) {
        String ws = workspaceId();
        String projectVersion = project != null ? project.getVersion() : "unknown";
        VersionInfo version = new VersionInfo(projectVersion, VersionStamp.describe(basedir()), plugin.getVersion());
        return new ConfigureRequest(chain(), chainSource(), ws, workspaceDir(ws), basedir(), catalog,
                LayerName.parse(basePre, "skiff.basePre"), LayerName.parse(basePost, "skiff.basePost"),
                hostname, allowDropped == null ? List.of() : allowDropped, version);
    }

    protected BuildrootTree buildrootTree() {
        return dev.skiff.buildroot.BuildrootCheckout.ensure(buildroot == null ? null : absolute(buildroot), basedir(),
                session.isOffline(), getLog()::info);
    }

    private Path absolute(File f) {
        Path p = f.toPath();
        return (p.isAbsolute() ? p : basedir().resolve(p)).normalize();
    }

    /** The disk layout of {@code chain}: the last layer with a layout.yaml, found through the catalog. */
    protected dev.skiff.install.DiskLayout diskLayout(LayerCatalog catalog, List<String> chain) {
        List<Path> dirs = new java.util.ArrayList<>();
        List<String> missing = new java.util.ArrayList<>();
        for (String name : chain) {
            dev.skiff.layer.Layer l = catalog.find(LayerName.parse(name, "the image's layer chain"));
            if (l == null) missing.add(name);
            else dirs.add(l.dir());
        }
        try {
            return dev.skiff.install.DiskLayouts.forChain(dirs);
        } catch (SkiffException e) {
            if (missing.isEmpty() || dirs.stream().anyMatch(d -> Files.isRegularFile(d.resolve(dev.skiff.install.DiskLayouts.FILE_NAME)))) throw e;
            throw new SkiffException(e.getMessage() + " The image's chain also names layers this project does not have: "
                    + String.join(", ", missing) + "; add their layer library with -Dskiff.layerArchives or"
                    + " -Dskiff.extraRoots.");
        }
    }

    /**
     * {@code -Dskiff.confg} would otherwise be ignored without a word; the known names come from
     * this plugin's own descriptor so the list never goes stale.
     */
    private void warnUnknownProperties() {
        Set<String> known = new TreeSet<>();
        for (MojoDescriptor md : plugin.getMojos()) {
            if (md.getParameters() == null) continue;
            for (Parameter p : md.getParameters()) {
                for (String s : new String[] {p.getExpression(), p.getDefaultValue()}) {
                    if (s == null) continue;
                    Matcher m = EXPRESSION.matcher(s);
                    while (m.find()) known.add(m.group(1));
                }
            }
        }
        Properties user = session.getUserProperties();
        for (String key : user.stringPropertyNames()) {
            if (key.startsWith("skiff.") && !known.contains(key)) {
                // Compare what follows "skiff.": the shared prefix would make every name look close.
                List<String> bare = known.stream().map(k -> k.substring("skiff.".length())).toList();
                List<String> near = NearestNames.of(key.substring("skiff.".length()), bare, 3).stream()
                        .map(n -> "skiff." + n).toList();
                getLog().warn("Unknown property -D" + key + " is not used by the Skiff plugin."
                        + (near.isEmpty() ? "" : " Did you mean " + String.join(", ", near) + "?"));
            }
        }
    }
}
