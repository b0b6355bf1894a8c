package dev.skiff.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.layer.LayerName;
import dev.skiff.layer.LayerRoot;
import dev.skiff.testing.LayerTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings policy: precedence, root order, base layers, SkiffOS detection, Buildroot choice. */
class ProjectSettingsTest {
    @TempDir
    Path tmp;

    Path project;
    Path stockLib;
    Map<String, String> cli = new LinkedHashMap<>();
    Map<String, String> env = new LinkedHashMap<>();
    String config;
    String skiffos;
    String basePre;
    String hostname;
    String overrideFile;
    String buildroot;
    List<String> extraRoots;

    @BeforeEach
    void setUp() throws Exception {
        project = tmp.resolve("project");
        Files.createDirectories(project);
        // A layer library as the plugin gets it: layers under skiff/layers/.
        stockLib = tmp.resolve("stock-lib");
        Files.createDirectories(stockLib.resolve("skiff"));
        Files.createSymbolicLink(stockLib.resolve("skiff/layers"), LayerTree.stockLayers());
    }

    private ProjectSettings resolve() {
        return ProjectSettings.resolve(new ProjectInputs(project, cli, env, config, null, null, null, extraRoots, null,
                null, null, new ProjectInputs.LayerPack("stock", stockLib), basePre, null, tmp.resolve("home").toString(),
                buildroot, null, skiffos, hostname, null, null, null, null, overrideFile, false, "1.0", "0.1"));
    }

    /** A minimal SkiffOS-shaped tree: configs/ with the given layers, configs-base/pre and post. */
    private Path skiffosTree(Path dir, String... layers) {
        LayerTree t = new LayerTree(dir);
        t.file("configs-base/pre/buildroot/arch", "BR2_x86_64=y\n");
        t.file("configs-base/pre/metadata/dependencies", "skiff/standard\n");
        t.file("configs-base/post/buildroot/config", "BR2_DEFCONFIG=$(TOPDIR)/../.config/buildroot/config\n");
        for (String l : layers) t.layer("configs/" + l, "skiffos " + l, null);
        t.dir("configs");
        t.dir("buildroot");
        return dir;
    }

    @Test
    void commandLineBeatsPomBeatsEnvironmentAndALosingVariableIsNamed() {
        config = "virt/qemu";
        env.put("SKIFF_CONFIG", "pi/4");
        ProjectSettings s = resolve();
        assertEquals("virt/qemu", s.chain());
        assertEquals("skiff.config", s.chainSource());
        assertTrue(s.warnings().stream().anyMatch(w -> w.contains("SKIFF_CONFIG=pi/4 is ignored") && w.contains("-Dskiff.config")),
                s.warnings().toString());
        cli.put("skiff.config", "pi/5");
        s = resolve();
        assertEquals("pi/5", s.chain());
        assertEquals("-Dskiff.config", s.chainSource());
        config = null;
        cli.clear();
        s = resolve();
        assertEquals("pi/4", s.chain());
        assertEquals("SKIFF_CONFIG", s.chainSource());
        assertTrue(s.notes().stream().anyMatch(n -> n.contains("SKIFF_CONFIG=pi/4")), s.notes().toString());
    }

    @Test
    void theOverrideFileIsResolvedAgainstTheProjectAndMustBeAFile() throws Exception {
        assertNull(resolve().overrideFile());
        Files.writeString(project.resolve("local.mk"), "BUSYBOX_OVERRIDE_SRCDIR = /src/busybox\n");
        overrideFile = "local.mk";
        assertEquals(project.resolve("local.mk"), resolve().overrideFile());
        cli.put("skiff.overrideFile", "missing.mk");
        SkiffException e = assertThrows(SkiffException.class, this::resolve);
        assertTrue(e.getMessage().contains("skiff.overrideFile names " + project.resolve("missing.mk") + ", which does not exist"),
                e.getMessage());
        cli.put("skiff.overrideFile", ".");
        e = assertThrows(SkiffException.class, this::resolve);
        assertTrue(e.getMessage().contains("which is a directory"), e.getMessage());
    }

    @Test
    void commandLineBeatsThePomForEverySetting() {
        hostname = "from-pom";
        cli.put("skiff.hostname", "from-cli");
        cli.put("skiff.workspacesDir", "ws");
        cli.put("skiff.strict", "true");
        ProjectSettings s = resolve();
        assertEquals("from-cli", s.hostname());
        assertEquals(project.resolve("ws"), s.workspacesDir());
        assertTrue(s.strict());
    }

    @Test
    void withoutSkiffosTheStockLibraryServesAloneWithItsBaseLayers() {
        ProjectSettings s = resolve();
        assertNull(s.skiffos());
        assertEquals(LayerRoot.Kind.STOCK, s.layers().basePre().root().kind());
        assertEquals(new LayerName("base", "pre"), s.layers().basePre().name());
        assertNull(s.buildroot().skiffos());
        assertEquals(tmp.resolve("home/buildroot/2026.02.3"), s.buildroot().expectedDir());
    }

    @Test
    void aSkiffosSubmoduleDirectoryIsUsedByDefaultWithItsRootOrderBaseLayersAndBuildroot() throws Exception {
        skiffosTree(project.resolve("skiffos"), "pi/4", "virt/qemu", "core/debian");
        new LayerTree(project.resolve("layers")).layer("acme/app", "ours", null);
        new LayerTree(project.resolve("layers")).layer("pi/4", "our pi", null);
        Path extra = tmp.resolve("extra");
        new LayerTree(extra).layer("virt/qemu", "extra qemu", null);
        extraRoots = List.of(extra.toString());
        ProjectSettings s = resolve();
        assertEquals(project.resolve("skiffos"), s.skiffos().dir());
        assertEquals(List.of(LayerRoot.Kind.PROJECT, LayerRoot.Kind.EXTRA, LayerRoot.Kind.SKIFFOS, LayerRoot.Kind.STOCK),
                s.catalog().roots().stream().map(LayerRoot::kind).toList());
        // First root wins: the project's pi/4, the extra root's virt/qemu, SkiffOS's core/debian,
        // and the stock library only for names SkiffOS lacks.
        assertEquals(LayerRoot.Kind.PROJECT, s.catalog().find(LayerName.parse("pi/4", "t")).root().kind());
        assertEquals(LayerRoot.Kind.EXTRA, s.catalog().find(LayerName.parse("virt/qemu", "t")).root().kind());
        assertEquals(LayerRoot.Kind.SKIFFOS, s.catalog().find(LayerName.parse("core/debian", "t")).root().kind());
        assertEquals(LayerRoot.Kind.STOCK, s.catalog().find(LayerName.parse("apps/podman", "t")).root().kind());
        assertEquals(project.resolve("skiffos/configs-base/pre"), s.layers().basePre().dir());
        assertEquals(project.resolve("skiffos/configs-base/post"), s.layers().basePost().dir());
        assertEquals(project.resolve("skiffos/buildroot"), s.buildroot().expectedDir());
    }

    @Test
    void basePreAndBuildrootSettingsBeatTheSkiffosDefaults() throws Exception {
        skiffosTree(project.resolve("skiffos"), "pi/4");
        new LayerTree(project.resolve("layers")).layer("acme/pre", "our base", null);
        basePre = "acme/pre";
        buildroot = "/opt/br";
        ProjectSettings s = resolve();
        assertEquals(project.resolve("layers/acme/pre"), s.layers().basePre().dir());
        assertEquals(project.resolve("skiffos/configs-base/post"), s.layers().basePost().dir());
        assertEquals(Path.of("/opt/br"), s.buildroot().expectedDir());
    }

    @Test
    void skiffosNoneTurnsTheTreeOff() throws Exception {
        skiffosTree(project.resolve("skiffos"), "pi/4");
        skiffos = "none";
        ProjectSettings s = resolve();
        assertNull(s.skiffos());
        assertEquals(LayerRoot.Kind.STOCK, s.catalog().find(LayerName.parse("pi/4", "t")).root().kind());
    }

    @Test
    void aDirectoryThatIsNotASkiffosTreeSaysWhatIsMissing() throws Exception {
        Path notTree = tmp.resolve("other");
        new LayerTree(notTree).file("configs/README", "x\n");
        skiffos = notTree.toString();
        SkiffException e = assertThrows(SkiffException.class, this::resolve);
        assertTrue(e.getMessage().contains("skiff.skiffos") && e.getMessage().contains("not a SkiffOS tree")
                && e.getMessage().contains("configs-base/") && e.getMessage().contains("-Dskiff.skiffos=none"), e.getMessage());
        skiffos = tmp.resolve("missing").toString();
        e = assertThrows(SkiffException.class, this::resolve);
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aProjectSkiffosDirectoryThatIsNotATreeFallsBackWithANote() throws Exception {
        Files.createDirectories(project.resolve("skiffos/docs"));
        ProjectSettings s = resolve();
        assertNull(s.skiffos());
        assertTrue(s.notes().stream().anyMatch(n -> n.contains("not a SkiffOS tree")), s.notes().toString());
    }

    @Test
    void upstreamPerLayerPathVariableBeatsEveryRoot() throws Exception {
        Path mine = tmp.resolve("my-qemu");
        new LayerTree(mine).file("metadata/description", "mine\n");
        env.put("SKIFF_CONFIG_PATH_VIRT_QEMU", mine.toString());
        env.put("SKIFF_CONFIG_PATH_NO_SUCH", "/x");
        ProjectSettings s = resolve();
        assertEquals(mine, s.catalog().find(LayerName.parse("virt/qemu", "t")).dir());
        assertTrue(s.warnings().stream().anyMatch(w -> w.contains("SKIFF_CONFIG_PATH_NO_SUCH")), s.warnings().toString());
    }

    @Test
    void theUsersOwnSkiffVariablesArePassedOn() {
        env.put("SKIFF_ESP_SIZE", "512M");
        env.put("OTHER", "x");
        ProjectSettings s = resolve();
        assertEquals(Map.of("SKIFF_ESP_SIZE", "512M"), s.passthrough());
    }

    @Test
    void ccacheAndDownloadDirectoriesFollowBuildrootsVariables() {
        env.put("BR2_CCACHE_DIR", "/cache/cc");
        env.put("BR2_DL_DIR", "/cache/dl");
        ProjectSettings s = resolve();
        assertEquals(Path.of("/cache/cc"), s.ccacheDir());
        assertEquals(Path.of("/cache/dl"), s.downloadDir());
        cli.put("skiff.ccacheDir", "/elsewhere");
        assertEquals(Path.of("/elsewhere"), resolve().ccacheDir());
        env.clear();
        assertEquals(tmp.resolve("home/dl"), resolve().downloadDir());
    }

    @Test
    void aHostnameMustBeValidByRfc1123() {
        hostname = "evil\nBR2_INIT_NONE=y";
        SkiffException e = assertThrows(SkiffException.class, this::resolve);
        assertTrue(e.getMessage().contains("skiff.hostname") && e.getMessage().contains("a newline")
                && e.getMessage().contains("RFC 1123"), e.getMessage());
        hostname = "my host";
        e = assertThrows(SkiffException.class, this::resolve);
        assertTrue(e.getMessage().contains("did you mean my-host?"), e.getMessage());
        hostname = "-lead";
        assertThrows(SkiffException.class, this::resolve);
        hostname = "a".repeat(64);
        assertThrows(SkiffException.class, this::resolve);
        hostname = "quote\"";
        assertThrows(SkiffException.class, this::resolve);
        hostname = "skiff-01.lab.example";
        assertEquals("skiff-01.lab.example", resolve().hostname());
    }

    @Test
    void anInvalidWorkspaceIdSuggestsOne() {
        cli.put("skiff.workspace", "my ws");
        SkiffException e = assertThrows(SkiffException.class, this::resolve);
        assertTrue(e.getMessage().contains("-Dskiff.workspace=my-ws"), e.getMessage());
    }
}
