package dev.skiff.configure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.FileTree;
import dev.skiff.buildroot.BuildRequest;
import dev.skiff.buildroot.BuildrootBuild;
import dev.skiff.buildroot.BuildrootCheckout;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.project.ProjectInputs;
import dev.skiff.project.ProjectSettings;
import dev.skiff.testing.LayerTree;
import dev.skiff.testing.PathNormalizer;
import dev.skiff.testing.RealBuildroot;
import dev.skiff.testing.RealSkiffos;
import dev.skiff.testing.SkiffosOracle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SkiffOS's environment contract, tested with a probe layer whose hooks and command print their
 * environment: run once through SkiffOS's own {@code make} ({@code make configure},
 * {@code make br/...}, {@code make cmd/...}) and once through Skiff, on the same SkiffOS tree
 * and Buildroot, both must print the same variables with the same values once the places of the
 * workspaces are normalised. The hooks run as Buildroot runs post-build and post-image scripts:
 * the probe's BR2_EXTERNAL has a make target that calls them with Buildroot's own
 * {@code EXTRA_ENV} and arguments, inside the real Buildroot make.
 */
class RealSkiffosEnvironmentTest {
    /**
     * Variables of the process itself, not of the contract: the shell, make's recursion, the
     * terminal, the login. And SKIFF_FORCE_RECONFIG: SkiffOS's {@code make configure} sets it for its
     * configure script only, and its bind_env.sh happens to capture it; a build that SkiffOS
     * configures through {@code make compile} does not have it.
     */
    static final Set<String> PROCESS = Set.of("PWD", "OLDPWD", "SHLVL", "_", "MAKEFLAGS", "MFLAGS", "MAKELEVEL",
            "MAKEOVERRIDES", "MAKE_TERMOUT", "MAKE_TERMERR", "GNUMAKEFLAGS", "TERM", "HOME", "USER", "LOGNAME", "TMPDIR",
            "LANG", "LC_ALL", "PATH", "SKIFF_FORCE_RECONFIG");
    /** Both sides use the same workspace name, so SKIFF_WORKSPACE compares as it is. */
    static final String WS = "probe";

    private static Path tmp;
    private static Path skiffos;
    private static Path project;
    private static Path probeRoot;
    private static SkiffosOracle oracle;
    private static EffectiveConfig ours;
    private static BuildrootTree tree;

    @BeforeAll
    static void setUp() throws Exception {
        BuildrootTree next = RealBuildroot.next();
        RealSkiffos.source();
        tmp = Files.createTempDirectory("skiff-skiffos-env");
        skiffos = RealSkiffos.checkout(tmp.resolve("skiffos"), next);
        project = tmp.resolve("project");
        RealSkiffosConfigureTest.copyTree(skiffos.resolve("overrides"), project.resolve("overrides"));
        probeRoot = tmp.resolve("probe-layers");
        LayerTree probe = new LayerTree(probeRoot);
        probe.file("probe/env/metadata/description", "Prints the environment of hooks and commands\n");
        probe.file("probe/env/metadata/commands", "print Print the environment of a command.\n");
        probe.executable("probe/env/hooks/pre.sh", "#!/bin/bash\nenv -0 > \"$BUILDROOT_DIR/probe-pre.env\"\n");
        probe.executable("probe/env/hooks/post.sh", "#!/bin/bash\nenv -0 > \"$BUILDROOT_DIR/probe-post.env\"\n");
        probe.file("probe/env/extensions/Makefile", "print:\n\tenv -0 > \"$(BUILDROOT_DIR)/probe-cmd.env\"\n");
        probe.file("probe/env/buildroot_ext/external.desc", "name: SKIFF_PROBE\n");
        probe.file("probe/env/buildroot_ext/Config.in", "");
        // Buildroot's own way of running the scripts (target-finalize, target-post-image).
        probe.file("probe/env/buildroot_ext/external.mk", String.join("\n",
                ".PHONY: skiff-probe-hooks",
                "skiff-probe-hooks:",
                "\tmkdir -p $(TARGET_DIR) $(BINARIES_DIR)",
                "\t$(foreach s, $(call qstrip,$(BR2_ROOTFS_POST_BUILD_SCRIPT)), $(EXTRA_ENV) $(s) $(TARGET_DIR) $(call qstrip,$(BR2_ROOTFS_POST_SCRIPT_ARGS))$(sep))",
                "\t$(foreach s, $(call qstrip,$(BR2_ROOTFS_POST_IMAGE_SCRIPT)), $(EXTRA_ENV) $(s) $(BINARIES_DIR) $(call qstrip,$(BR2_ROOTFS_POST_SCRIPT_ARGS))$(sep))",
                ""));

        oracle = new SkiffosOracle(skiffos);
        Map<String, String> extra = Map.of("SKIFF_EXTRA_CONFIGS_PATH", probeRoot.toString());
        oracle.make("probe/env", WS, extra, "configure");
        oracle.make("probe/env", WS, extra, "br/skiff-probe-hooks");
        oracle.make("probe/env", WS, extra, "cmd/probe/env/print");

        Path stockLib = tmp.resolve("stock-lib");
        Files.createDirectories(stockLib.resolve("skiff"));
        Files.createSymbolicLink(stockLib.resolve("skiff/layers"), LayerTree.stockLayers());
        ProjectInputs in = new ProjectInputs(project, Map.of(), Map.of("SKIFF_EXTRA_CONFIGS_PATH", probeRoot.toString()),
                "probe/env", WS, null, null, null, null, null, null, new ProjectInputs.LayerPack("stock", stockLib),
                null, null, tmp.resolve("home").toString(), null, null, skiffos.toString(), null, null, null, null,
                tmp.resolve("ccache").toString(), null, true, "1.0.0", "test");
        ProjectSettings settings = ProjectSettings.resolve(in);
        tree = BuildrootCheckout.ensure(settings.buildroot(), l -> { });
        ConfigureResult r = new Configure(new BuildrootMake()).run(settings.configureRequest(), tree, l -> { });
        ours = r.effective();
        Path ws = settings.workspaceDir();
        // What skiff:br does: Buildroot with the workspace environment (BuildrootBuild), the probe's target.
        new BuildrootBuild(new BuildrootMake()).run(new BuildRequest(tree, ws, List.of("skiff-probe-hooks"), ours.environment(),
                tmp.resolve("dl"), settings.ccacheDir(), null, false, ws.resolve("br.log")), 0, l -> { }, l -> { });
        // What skiff:cmd does.
        ExtensionCommand c = ExtensionCommand.of(ours, "probe/env/print", SkiffosOracle.baseEnvironment().get("PATH"));
        assertEquals(0, new BuildrootMake().runAttached(c.argv(), c.directory(), c.environment()));
    }

    @AfterAll
    static void cleanup() throws IOException {
        if (tmp != null) FileTree.delete(tmp);
    }

    private static PathNormalizer normalizer() throws IOException {
        return new PathNormalizer()
                .map(oracle.finalDir(WS), "@FINAL@").map(project.resolve("workspaces/" + WS + "/skiff"), "@FINAL@")
                .map(oracle.workspaceDir(WS), "@WS@").map(project.resolve("workspaces/" + WS), "@WS@")
                .map(skiffos.resolve("workspaces/.ccache").resolve(WS), "@CCACHE@").map(tmp.resolve("ccache"), "@CCACHE@")
                .map(skiffos.resolve("overrides"), "@OVERRIDES@").map(project.resolve("overrides"), "@OVERRIDES@")
                .map(skiffos.resolve("workspaces"), "@WORKSPACES@").map(project.resolve("workspaces"), "@WORKSPACES@")
                // By design Skiff shares one download directory between workspaces (BR2_DL_DIR);
                // SkiffOS leaves Buildroot's default, dl/ in the Buildroot tree.
                .map(tree.dir().toRealPath().resolve("dl"), "@DL@").map(tmp.resolve("dl"), "@DL@");
    }

    static Map<String, String> read(Path envFile, PathNormalizer n) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String entry : new String(Files.readAllBytes(envFile), StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) continue;
            String k = entry.substring(0, eq);
            if (PROCESS.contains(k) || k.startsWith("BASH_FUNC_")) continue;
            m.put(k, n.apply(entry.substring(eq + 1)));
        }
        return m;
    }

    /**
     * What Skiff may have beyond SkiffOS, by design: SKIFF_PROJECT_DIR, and the
     * SKIFF_CONFIG_PATH_/SKIFF_CONFIG_NAME_ variables of the stock layers SkiffOS does not have.
     */
    static Set<String> documentedExtras() {
        Set<String> extra = new TreeSet<>(Set.of("SKIFF_PROJECT_DIR"));
        Path stock = LayerTree.stockLayers();
        try (var s = Files.walk(stock, 2)) {
            for (Path p : s.filter(p -> stock.relativize(p).getNameCount() == 2 && Files.isDirectory(p)).toList()) {
                String rel = stock.relativize(p).toString();
                if (Files.isDirectory(skiffos.resolve("configs").resolve(rel))) continue;
                String suffix = rel.replace('/', '_').toUpperCase(java.util.Locale.ROOT);
                extra.add("SKIFF_CONFIG_PATH_" + suffix);
                extra.add("SKIFF_CONFIG_NAME_" + suffix);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return extra;
    }

    private void compare(String file) throws IOException {
        PathNormalizer n = normalizer();
        Map<String, String> theirs = read(oracle.workspaceDir(WS).resolve(file), n);
        Map<String, String> mine = read(project.resolve("workspaces/" + WS).resolve(file), n);
        Set<String> extras = documentedExtras();
        assertTrue(theirs.size() > 150, "SkiffOS exported its contract: " + theirs.keySet());
        StringBuilder diff = new StringBuilder();
        for (String k : new TreeSet<>(theirs.keySet())) {
            if (!mine.containsKey(k)) diff.append("\n  missing ").append(k).append('=').append(theirs.get(k));
            else if (!mine.get(k).equals(theirs.get(k))) {
                diff.append("\n  ").append(k).append(": SkiffOS '").append(theirs.get(k)).append("', Skiff '").append(mine.get(k)).append('\'');
            }
        }
        for (String k : new TreeSet<>(mine.keySet())) {
            if (!theirs.containsKey(k) && !extras.contains(k)) diff.append("\n  extra ").append(k).append('=').append(mine.get(k));
        }
        assertEquals("", diff.toString(), file + ": the environment differs from SkiffOS's");
        Set<String> present = mine.keySet().stream().filter(extras::contains).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(present.contains("SKIFF_PROJECT_DIR"), present.toString());
    }

    @Test
    void postBuildHooksSeeSkiffosEnvironment() throws IOException {
        compare("probe-pre.env");
    }

    @Test
    void postImageHooksSeeSkiffosEnvironment() throws IOException {
        compare("probe-post.env");
    }

    @Test
    void extensionCommandsSeeSkiffosEnvironment() throws IOException {
        compare("probe-cmd.env");
    }

    @Test
    void theWorkspaceMeaningsAreSkiffosMeanings() throws IOException {
        Map<String, String> env = read(project.resolve("workspaces/" + WS + "/probe-cmd.env"), new PathNormalizer());
        Path ws = project.resolve("workspaces/" + WS);
        for (String v : List.of("BUILDROOT_DIR", "SKIFF_BUILDROOT_DIR", "WORKSPACE_DIR", "SKIFF_WORKSPACE_DIR")) {
            assertEquals(ws.toString(), env.get(v), v + " is the workspace (Buildroot's output directory), as in SkiffOS");
        }
        assertEquals(skiffos.resolve("buildroot").toString(), env.get("BUILDROOT_DEFAULT_DIR"));
        assertEquals(skiffos.toString(), env.get("SKIFF_ROOT_DIR"));
        assertEquals(probeRoot.resolve("probe/env").toString(), env.get("SKIFF_CURRENT_CONF_DIR"));
        assertEquals("probe/env", env.get("SKIFF_CURRENT_CONF_NAME"));
        assertEquals("SKIFF_CONFIG_PATH_PROBE_ENV", env.get("SKIFF_CURRENT_CONF_NAME_FULL"));
    }
}
