package dev.skiff.maven;

import dev.skiff.NearestNames;
import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootCheckout;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.configure.ConfigureRequest;
import dev.skiff.layer.LayerArchive;
import dev.skiff.layer.LayerCatalog;
import dev.skiff.layer.LayerName;
import dev.skiff.project.ProjectInputs;
import dev.skiff.project.ProjectSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    protected String workspacesDir;

    /** The project's own layer directories, searched first. Default: {@code layers/} if it exists. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.layerRoots")
    protected List<String> layerRoots;

    /** More layer roots, searched after the project's; {@code SKIFF_EXTRA_CONFIGS_PATH} (colon-separated) adds to them. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.extraRoots")
    protected List<String> extraRoots;

    /**
     * The SkiffOS tree whose {@code configs/} layers, {@code configs-base/} base layers and
     * {@code buildroot/} the build uses. Default: {@code skiffos/} beside the POM when it holds a
     * SkiffOS tree; {@code none} turns it off (the stock layers alone).
     */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.skiffos")
    protected String skiffos;

    /** Per-layer directories that beat every root: {@code cat/name=/path,cat2/name2=/path2}. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.layerPaths")
    protected String layerPaths;

    /** Layer libraries beyond the stock one, as jar files (a company's layer pack). */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.layerArchives")
    protected List<String> layerArchives;

    /** The base layer merged first. Default: SkiffOS's {@code configs-base/pre}, else the stock {@code base/pre}. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.basePre")
    protected String basePre;

    /** The base layer merged last; it fills the placeholders. Default: SkiffOS's {@code configs-base/post}, else the stock {@code base/post}. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.basePost")
    protected String basePost;

    /** Skiff's own cache (extracted layer libraries, cloned Buildroot); default {@code ~/.skiff}. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.home")
    protected String home;

    /**
     * The Buildroot tree. Default: with a SkiffOS tree its {@code buildroot/}; otherwise the
     * project's {@code buildroot/}, else Buildroot 2026.02.3 cloned into {@code ~/.skiff/buildroot/}.
     */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.buildroot")
    protected String buildroot;

    /** Where Buildroot 2026.02.3 is cloned from when a project has no tree; default the official repository. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.buildrootUrl")
    protected String buildrootUrl;

    /** A hostname for the target (RFC 1123). Default: the layers decide ({@code skiffos-<commit>} with SkiffOS, {@code skiff} with the stock layers). */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.hostname")
    protected String hostname;

    /** Symbols excused from the dropped-symbol check; {@code PREFIX*} matches a prefix. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.allowDropped")
    protected List<String> allowDropped;

    /** Fail on symbols dropped from the SkiffOS tree's layers too (by default they are a warning, as in SkiffOS). */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.strict")
    protected Boolean strict;

    /** Buildroot's download directory (BR2_DL_DIR), shared by every workspace. Default {@code BR2_DL_DIR}, else {@code ~/.skiff/dl}. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.downloadDir")
    protected String downloadDir;

    /** The shared ccache directory (BR2_CCACHE_DIR). Default {@code BR2_CCACHE_DIR}, else {@code ~/.skiff/ccache}. */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.ccacheDir")
    protected String ccacheDir;

    /**
     * A Buildroot package override file ({@code BR2_PACKAGE_OVERRIDE_FILE}, the {@code local.mk}
     * where {@code <PKG>_OVERRIDE_SRCDIR} lines point packages at local source trees). Written into
     * the configuration, after the layers, so it wins over one a layer sets. Unset: Buildroot's
     * default, {@code local.mk} in the workspace.
     */
    @org.apache.maven.plugins.annotations.Parameter(property = "skiff.overrideFile")
    protected String overrideFile;

    private ProjectSettings settings;

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

    /** The engine's decisions for this execution, made once from the raw parameters; its warnings are logged. */
    protected ProjectSettings settings() {
        if (settings == null) {
            Map<String, String> cli = new java.util.TreeMap<>();
            Properties user = session.getUserProperties();
            for (String k : user.stringPropertyNames()) if (k.startsWith("skiff.")) cli.put(k, user.getProperty(k));
            List<ProjectInputs.LayerPack> packs = new ArrayList<>();
            ProjectInputs.LayerPack stock = null;
            for (Artifact a : plugin.getArtifacts()) {
                if (a.getFile() == null) continue;
                if ("dev.skiff:skiff-layers".equals(a.getGroupId() + ":" + a.getArtifactId())) {
                    stock = new ProjectInputs.LayerPack("stock skiff-layers " + a.getVersion(), a.getFile().toPath());
                } else if (LayerArchive.isLayerLibrary(a.getFile().toPath())) {
                    // Layer packs: jars with skiff/layers/ declared as dependencies of this plugin in the POM.
                    packs.add(new ProjectInputs.LayerPack("layer pack " + a.getGroupId() + ":" + a.getArtifactId() + ":"
                            + a.getVersion(), a.getFile().toPath()));
                }
            }
            ProjectInputs in = new ProjectInputs(basedir(), cli, System.getenv(), config, workspace, workspacesDir,
                    layerRoots, extraRoots, layerPaths, layerArchives, packs, stock, basePre, basePost, home, buildroot,
                    buildrootUrl, skiffos, hostname, allowDropped, strict, downloadDir, ccacheDir, overrideFile, session.isOffline(),
                    project != null ? project.getVersion() : null, plugin.getVersion());
            settings = ProjectSettings.resolve(in);
            settings.notes().forEach(getLog()::info);
            settings.warnings().forEach(getLog()::warn);
        }
        return settings;
    }

    protected String chain() {
        return settings().chain();
    }

    /** Where the chain came from, for messages: "-Dskiff.config", "skiff.config" or "SKIFF_CONFIG". */
    protected String chainSource() {
        return settings().chainSource();
    }

    protected String workspaceId() {
        return settings().workspace();
    }

    protected Path workspaceDir(String ws) {
        return settings().workspacesDir().resolve(ws);
    }

    protected LayerCatalog catalog() {
        return settings().catalog();
    }

    /** The configure request of this execution's workspace ({@code catalog} is {@link #catalog()}). */
    protected ConfigureRequest request(LayerCatalog catalog) {
        return settings().configureRequest();
    }

    /** Locates (checking out or cloning if needed) the Buildroot tree, warning once if it is not the one the layers were validated on. */
    protected BuildrootTree buildrootTree() {
        ProjectSettings s = settings();
        BuildrootTree tree = BuildrootCheckout.ensure(s.buildroot(), getLog()::info);
        // Once per build, not once per goal: skiff:buildroot, configure and compile all locate the
        // tree, and the plugin context is shared by this plugin's goals in one project.
        @SuppressWarnings("unchecked")
        java.util.Map<Object, Object> context = getPluginContext();
        BuildrootCheckout.seriesWarning(tree, s.skiffos()).ifPresent(w -> {
            if (context == null || context.putIfAbsent("skiff.seriesWarning:" + w, Boolean.TRUE) == null) getLog().warn(w);
        });
        return tree;
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
