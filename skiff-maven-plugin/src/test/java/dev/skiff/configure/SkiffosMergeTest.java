package dev.skiff.configure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.kconfig.KconfigKind;
import dev.skiff.layer.LayerName;
import dev.skiff.layer.LayerRoot;
import dev.skiff.layer.SkiffosTree;
import dev.skiff.testing.LayerTree;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SkiffOS-mode merge on a small SkiffOS-shaped tree: the files are SkiffOS's, byte for byte
 * (RealSkiffosConfigureTest proves the same against the real SkiffOS, with Buildroot).
 */
class SkiffosMergeTest {
    @TempDir
    Path tmp;

    private MergeFixture fixture() throws Exception {
        LayerTree sk = new LayerTree(tmp.resolve("skiffos"));
        sk.file("configs-base/pre/buildroot/arch", "BR2_x86_64=y\n");
        sk.file("configs-base/pre/kernel/base", "CONFIG_A=y\n# CONFIG_B is not set\n");
        sk.file("configs-base/pre/metadata/commands", "format Format a disk.\n");
        sk.file("configs-base/post/buildroot/config", String.join("\n",
                "BR2_DEFCONFIG=$(TOPDIR)/../.config/buildroot/config",
                "BR2_GLOBAL_PATCH_DIR=\"REPLACEME_BR_PATCHES\"",
                "BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES=\"REPLACEME_KERNEL_FRAGMENTS\"",
                "BR2_ROOTFS_OVERLAY=\"REPLACEME_ROOTFS_OVERLAY\"",
                "BR2_ROOTFS_POST_BUILD_SCRIPT=\"REPLACEME_FINAL_CONFIG_DIR/pre_build.sh\"",
                "BR2_TARGET_GENERIC_HOSTNAME=\"skiffos-REPLACEME_SKIFF_VERSION_COMMIT\"",
                "BR2_TARGET_GENERIC_ISSUE=\"Welcome to SkiffOS REPLACEME_SKIFF_VERSION!\"", ""));
        sk.file("configs/pi/4/metadata/description", "Raspberry Pi 4\n");
        sk.file("configs/pi/4/buildroot/kernel", "BR2_aarch64=y\nBR2_LINUX_KERNEL_CUSTOM_DTS_PATH=\"SKIFF_CONFIG_ROOT/dts/pi4.dts\"\n");
        sk.file("configs/pi/4/kernel/pi", "# a note about CONFIG_B here\nCONFIG_B=y\nCONFIG_C=m");
        sk.dir("configs/pi/4/root_overlay");
        sk.dir("configs/pi/4/buildroot_patches");
        sk.file("configs/pi/4/users/u", "alice -1 alice -1 =x /home/alice /bin/sh - Alice\n");
        sk.file("configs/pi/4/cflags/arch", "# registers\n-ftree-vectorize\n");
        sk.file("configs/apps/tool/metadata/description", "SkiffOS's tool\n");
        sk.dir("buildroot");
        MergeFixture f = new MergeFixture(tmp.resolve("p"));
        f.withSkiffos(new SkiffosTree(tmp.resolve("skiffos"), "v2026.08-3-gabcdef12", "abcdef12", null));
        return f;
    }

    @Test
    void buildrootFileIsSkiffosConcatenationWithItsPlaceholdersFilled() throws Exception {
        MergeFixture f = fixture();
        EffectiveConfig eff = f.merge("pi/4");
        Path sk = tmp.resolve("skiffos");
        Path fin = f.workspaceDir.resolve("skiff");
        String br = eff.files().get("buildroot/config");
        String expected = "\n# Configuration from " + sk.resolve("configs-base/pre/buildroot/arch") + "\n"
                + "BR2_x86_64=y\n"
                + "\n# Configuration from " + sk.resolve("configs/pi/4/buildroot/kernel") + "\n"
                + "BR2_aarch64=y\nBR2_LINUX_KERNEL_CUSTOM_DTS_PATH=\"" + sk.resolve("configs/pi/4") + "/dts/pi4.dts\"\n"
                // SkiffOS names the buildroot/ directory in the cflags comment.
                + "\n# Configuration from " + sk.resolve("configs/pi/4/buildroot/arch") + "\n# CFLAGS: \"-ftree-vectorize \"\n"
                + "\n# Configuration from " + sk.resolve("configs-base/post/buildroot/config") + "\n"
                + "BR2_DEFCONFIG=$(TOPDIR)/../.config/buildroot/config\n"
                + "BR2_GLOBAL_PATCH_DIR=\"" + sk.resolve("configs/pi/4/buildroot_patches") + "\"\n"
                + "BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES=\"" + fin.resolve("kernel/config") + "\"\n"
                + "BR2_ROOTFS_OVERLAY=\"" + sk.resolve("configs/pi/4/root_overlay") + "\"\n"
                + "BR2_ROOTFS_POST_BUILD_SCRIPT=\"" + fin + "/pre_build.sh\"\n"
                + "BR2_TARGET_GENERIC_HOSTNAME=\"skiffos-abcdef12\"\n"
                + "BR2_TARGET_GENERIC_ISSUE=\"Welcome to SkiffOS v2026.08-3-gabcdef12!\"\n"
                + "BR2_TARGET_OPTIMIZATION=\"-ftree-vectorize \"\n";
        assertEquals(expected, br);
        // The last assignment wins, each traced to its layer file and line.
        assertEquals("y", eff.fragment(KconfigKind.BUILDROOT).symbols().get("BR2_aarch64").value());
        assertEquals(sk.resolve("configs/pi/4/buildroot/kernel") + ":1",
                eff.fragment(KconfigKind.BUILDROOT).symbols().get("BR2_aarch64").where());
        assertEquals("alice -1 alice -1 =x /home/alice /bin/sh - Alice\n", eff.files().get("users"));
        assertEquals("-ftree-vectorize \n", eff.files().get("cflags"));
    }

    @Test
    void theSharedCompilerCacheIsWrittenWhenTheChainUsesCcache() throws Exception {
        MergeFixture f = fixture();
        assertFalse(f.merge("pi/4").files().get("buildroot/config").contains("BR2_CCACHE_DIR"));
        new LayerTree(tmp.resolve("skiffos")).file("configs-base/pre/buildroot/cache", "BR2_CCACHE=y\n");
        String br = f.merge("pi/4").files().get("buildroot/config");
        assertTrue(br.contains("\nBR2_CCACHE_DIR=\"" + f.ccacheDir + "\"\nBR2_TARGET_OPTIMIZATION="), br);
    }

    @Test
    void kernelFileIsMergeConfigOutputWithEarlierLinesOfARedefinedSymbolDeleted() throws Exception {
        MergeFixture f = fixture();
        EffectiveConfig eff = f.merge("pi/4");
        Path sk = tmp.resolve("skiffos");
        // merge_config.sh deletes every earlier line naming CONFIG_B before a space or '=' (the
        // '# CONFIG_B is not set' line), keeps the fragment's own comment, and a fragment without a
        // final newline is closed by the next 'Configuration from' line or left open at the end.
        assertEquals("\n# Configuration from " + sk.resolve("configs-base/pre/kernel/base") + "\n"
                + "CONFIG_A=y\n"
                + "\n# Configuration from " + sk.resolve("configs/pi/4/kernel/pi") + "\n"
                + "# a note about CONFIG_B here\nCONFIG_B=y\nCONFIG_C=m", eff.files().get("kernel/config"));
        assertEquals("y", eff.fragment(KconfigKind.KERNEL).symbols().get("CONFIG_B").value());
        assertTrue(eff.redefinitions().stream().anyMatch(r -> r.next().symbol().equals("CONFIG_B")), eff.redefinitions().toString());
    }

    @Test
    void skiffosBaseLayersAreReadTolerantlyAndTheirCommandsWithoutExtensionsWarn() throws Exception {
        MergeFixture f = fixture();
        EffectiveConfig eff = f.merge("pi/4");
        assertEquals(List.of("base/pre", "pi/4", "base/post"), eff.sources().stream().map(MergeSource::label).toList());
        assertTrue(eff.sources().get(0).tolerant() && eff.sources().get(2).tolerant());
        assertTrue(eff.warnings().stream().anyMatch(w -> w.contains("configs-base/pre/metadata/commands")
                && w.contains("no extensions/")), eff.warnings().toString());
        assertEquals("$(TOPDIR)/../.config/buildroot/config",
                eff.fragment(KconfigKind.BUILDROOT).symbols().get("BR2_DEFCONFIG").value());
    }

    @Test
    void aLayerBothSkiffosAndTheProjectDefineIsTheProjectsAndTheViewSaysSo() throws Exception {
        MergeFixture f = fixture();
        f.layers.layer("apps/tool", "our tool", null);
        f.layers.file("apps/tool/buildroot/t", "BR2_PACKAGE_OURS=y\n");
        EffectiveConfig eff = f.merge("pi/4,apps/tool");
        MergeSource tool = eff.sources().stream().filter(s -> s.label().equals("apps/tool")).findFirst().orElseThrow();
        assertEquals(LayerRoot.Kind.PROJECT, tool.root().kind());
        assertEquals(List.of(LayerRoot.Kind.SKIFFOS),
                f.catalog().shadowedRoots(LayerName.parse("apps/tool", "t")).stream().map(LayerRoot::kind).toList());
        assertTrue(EffectiveView.lines(eff).stream().anyMatch(l -> l.contains("apps/tool") && l.contains("[project; replaces the copy in SkiffOS")),
                EffectiveView.lines(eff).toString());
        assertFalse(eff.files().get("buildroot/config").contains("SkiffOS's tool"));
    }

    @Test
    void theEnvironmentHasSkiffosMeanings() throws Exception {
        MergeFixture f = fixture();
        f.buildrootDir = tmp.resolve("skiffos/buildroot");
        f.passthrough.put("SKIFF_ESP_SIZE", "512M");
        EffectiveConfig eff = f.merge("pi/4");
        var env = eff.environment();
        Path ws = f.workspaceDir;
        for (String v : List.of("BUILDROOT_DIR", "SKIFF_BUILDROOT_DIR", "WORKSPACE_DIR", "SKIFF_WORKSPACE_DIR")) {
            assertEquals(ws.toString(), env.get(v), v);
        }
        assertEquals(tmp.resolve("skiffos/buildroot").toString(), env.get("BUILDROOT_DEFAULT_DIR"));
        assertEquals(tmp.resolve("skiffos").toString(), env.get("SKIFF_ROOT_DIR"));
        assertEquals(tmp.resolve("skiffos/configs-base").toString(), env.get("SKIFF_BASE_CONFIGS_DIR"));
        assertEquals("v2026.08-3-gabcdef12", env.get("SKIFF_VERSION"));
        assertEquals("abcdef12", env.get("SKIFF_VERSION_COMMIT"));
        assertEquals("pi/4", env.get("SKIFF_CONFIG"));
        assertEquals("PI_4", env.get("SKIFF_CONFIG_FULL"));
        assertEquals(tmp.resolve("skiffos/configs/apps/tool").toString(), env.get("SKIFF_CONFIG_PATH_APPS_TOOL"));
        assertEquals("512M", env.get("SKIFF_ESP_SIZE"));
        assertEquals(ws.resolve("skiff") + "/", env.get("SKIFF_FINAL_CONFIG_DIR"));
        assertFalse(env.containsKey("SKIFF_BUILD_TARGET_OVERRIDE"), "only when a layer sets a build target");
    }
}
