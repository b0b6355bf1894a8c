package dev.skiff.configure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.kconfig.DroppedSymbol;
import dev.skiff.testing.RealBuildroot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configure step against real Buildroot 2026.02.3 (gated on SKIFF_TEST_BUILDROOT). */
class RealConfigureTest {
    @TempDir
    Path tmp;

    private MergeFixture stockOnly() throws Exception {
        return new MergeFixture(tmp).withStock();
    }

    private static ConfigureResult configure(MergeFixture f, String chain, BuildrootTree tree) {
        return new Configure(new BuildrootMake()).run(f.request(chain), tree, line -> { });
    }

    @Test
    void qemuWithSkiffCoreConfiguresWithZeroDroppedSymbols() throws Exception {
        BuildrootTree tree = RealBuildroot.tree();
        MergeFixture f = stockOnly();
        ConfigureResult r = configure(f, "virt/qemu,skiff/core", tree);
        assertFalse(r.skipped());
        assertEquals(List.of(), r.dropped(), "no symbol may be dropped, not even an allowed one");
        assertEquals("virt/qemu,apps/runc,apps/containerd,apps/docker,skiff/core", r.effective().chain().text());
        Path fin = r.finalDir();
        for (String name : List.of("skiff_config", "skiff_version", "buildroot/config", "kernel/config", "uboot/config",
                "busybox/config", "users", "cflags", "skiff-env.sh", "final/buildroot", "report.txt", "fingerprint",
                "effective.json")) {
            assertTrue(Files.isRegularFile(fin.resolve(name)), name);
        }
        String config = Files.readString(f.workspaceDir.resolve(".config"));
        for (String sym : List.of("BR2_x86_64=y", "BR2_TOOLCHAIN_BUILDROOT_GLIBC=y", "BR2_INIT_SYSTEMD=y",
                "BR2_TARGET_ROOTFS_CPIO=y", "BR2_PACKAGE_OPENSSH=y", "BR2_PACKAGE_DOCKER_ENGINE=y",
                "BR2_PACKAGE_CONTAINERD=y", "BR2_PACKAGE_RUNC=y", "BR2_LINUX_KERNEL=y")) {
            assertTrue(config.contains("\n" + sym + "\n"), sym);
        }
        assertTrue(config.contains("BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES=\"" + fin.resolve("kernel/config") + "\""));
        assertTrue(Files.readString(fin.resolve("report.txt")).contains("Dropped symbols: 0"));
        assertEquals(config, Files.readString(fin.resolve("final/buildroot")));
        assertFalse(Files.exists(f.workspaceDir.resolve("skiff.staging")));
        assertFalse(Files.exists(f.workspaceDir.resolve("skiff.previous")));
    }

    @Test
    void anUnsatisfiableSymbolFailsNamingItsLayerAndFileAndLeavesThePreviousStateIntact() throws Exception {
        BuildrootTree tree = RealBuildroot.tree();
        MergeFixture f = stockOnly();
        f.layers.layer("acme/good", "good", null);
        f.layers.file("acme/good/buildroot/10-good", "BR2_PACKAGE_HTOP=y\n");
        ConfigureResult good = configure(f, "acme/good", tree);
        String goodConfig = Files.readString(f.workspaceDir.resolve(".config"));
        String goodFingerprint = Files.readString(good.finalDir().resolve("fingerprint"));

        f.layers.layer("acme/bad", "bad", null);
        // U-Boot options without U-Boot, and a package that does not exist in this Buildroot.
        f.layers.file("acme/bad/buildroot/20-bad", "BR2_PACKAGE_HTOP=y\n\nBR2_TARGET_UBOOT_NEEDS_DTC=y\nBR2_PACKAGE_NOT_IN_BUILDROOT=y\n");
        SkiffException e = assertThrows(SkiffException.class, () -> configure(f, "acme/bad", tree));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("2 symbols"), msg);
        Path bad = f.layers.root().resolve("acme/bad/buildroot/20-bad");
        assertTrue(msg.contains("BR2_TARGET_UBOOT_NEEDS_DTC=y  from acme/bad at " + bad + ":3"), msg);
        assertTrue(msg.contains("BR2_PACKAGE_NOT_IN_BUILDROOT=y  from acme/bad at " + bad + ":4"), msg);
        assertTrue(msg.contains("-Dskiff.allowDropped"), msg);

        // Nothing of the failed attempt is left: the previous configuration is back, whole.
        assertEquals(goodConfig, Files.readString(f.workspaceDir.resolve(".config")));
        assertEquals(goodFingerprint, Files.readString(good.finalDir().resolve("fingerprint")));
        assertEquals("acme/good\n", Files.readString(good.finalDir().resolve("skiff_config")));
        assertFalse(Files.exists(f.workspaceDir.resolve("skiff.previous")));
        assertFalse(Files.exists(f.workspaceDir.resolve("skiff.staging")));
        assertFalse(Files.exists(f.workspaceDir.resolve(".config.skiff-previous")));
        // With the inputs as they were (the bad layer gone again: every layer's directory is part of
        // the environment hooks see), the restored configuration is current.
        dev.skiff.FileTree.delete(f.layers.root().resolve("acme/bad"));
        assertTrue(configure(f, "acme/good", tree).skipped(), "the restored configuration is still current");

        f.layers.layer("acme/bad", "bad", null);
        f.layers.file("acme/bad/buildroot/20-bad", "BR2_PACKAGE_HTOP=y\n\nBR2_TARGET_UBOOT_NEEDS_DTC=y\nBR2_PACKAGE_NOT_IN_BUILDROOT=y\n");
        f.allow = List.of("BR2_TARGET_UBOOT_*", "BR2_PACKAGE_NOT_IN_BUILDROOT");
        ConfigureResult allowed = configure(f, "acme/bad", tree);
        assertEquals(2, allowed.dropped().size());
        assertTrue(allowed.dropped().stream().allMatch(DroppedSymbol::allowed));
        String report = Files.readString(allowed.finalDir().resolve("report.txt"));
        assertTrue(report.contains("Dropped symbols: 2\n  on the allow-list (skiff.allowDropped):"), report);
        assertTrue(report.contains("BR2_TARGET_UBOOT_NEEDS_DTC") && report.contains(bad + ":3"), report);
    }

    @Test
    void aWorkspaceBuiltForOneArchitectureIsNotSwitchedToAnotherWithoutSkiffReconfigure() throws Exception {
        BuildrootTree tree = RealBuildroot.tree();
        MergeFixture f = stockOnly();
        f.layers.layer("acme/pc", "pc", null);
        f.layers.file("acme/pc/buildroot/00-arch", "BR2_x86_64=y\n");
        f.layers.layer("acme/pc2", "pc2", null);
        f.layers.file("acme/pc2/buildroot/00-arch", "BR2_x86_64=y\nBR2_PACKAGE_HTOP=y\n");
        f.layers.layer("acme/board", "board", null);
        f.layers.file("acme/board/buildroot/00-arch", "BR2_aarch64=y\n");
        f.allow = List.of("BR2_x86_*"); // base/pre's x86-64 CPU variant, which an aarch64 board drops
        ConfigureResult first = configure(f, "acme/pc", tree);
        assertEquals(null, first.previousChain(), "a new workspace has no previous chain");
        assertEquals("acme/pc\n", Files.readString(first.finalDir().resolve(Configure.REQUEST_FILE)), "the board is recorded");
        // Before anything is built a switch costs nothing, so it is not refused.
        ConfigureResult unbuilt = configure(f, "acme/board", tree);
        assertEquals("acme/pc", unbuilt.previousChain());
        configure(f, "acme/pc", tree);
        // Built: Buildroot's build/ has entries.
        Files.createDirectories(f.workspaceDir.resolve("build/host-gcc-final-14.3.0"));
        String config = Files.readString(f.workspaceDir.resolve(".config"));
        SkiffException e = assertThrows(SkiffException.class, () -> configure(f, "acme/board", tree));
        assertTrue(e.getMessage().contains("was built for x86_64 (chain acme/pc); chain acme/board targets aarch64"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dskiff.workspace=<name>") && e.getMessage().contains("-Dskiff.reconfigure=true")
                && e.getMessage().endsWith("Nothing was changed."), e.getMessage());
        assertEquals(config, Files.readString(f.workspaceDir.resolve(".config")), "the previous .config is back");
        assertEquals("acme/pc\n", Files.readString(first.finalDir().resolve("skiff_config")));
        assertEquals("acme/pc\n", Files.readString(first.finalDir().resolve(Configure.REQUEST_FILE)));
        // Another chain for the same architecture goes ahead; the mojo warns with the previous chain.
        assertEquals("acme/pc", configure(f, "acme/pc2", tree).previousChain());
        // -Dskiff.reconfigure=true: the switch is the user's decision.
        ConfigureResult forced = new Configure(new BuildrootMake(), true).run(f.request("acme/board"), tree, line -> { });
        assertEquals("acme/pc2", forced.previousChain());
        assertTrue(Files.readString(f.workspaceDir.resolve(".config")).contains("\nBR2_ARCH=\"aarch64\"\n"));
    }

    @Test
    void aMisspeltPackageGetsTheNearestOptionOfTheRealBuildroot() throws Exception {
        BuildrootTree tree = RealBuildroot.tree();
        MergeFixture f = stockOnly();
        f.layers.layer("acme/typo", "typo", null);
        Path frag = f.layers.file("acme/typo/buildroot/10-typo", "BR2_PACKAGE_NANOO=y\n");
        SkiffException e = assertThrows(SkiffException.class, () -> configure(f, "acme/typo", tree));
        assertTrue(e.getMessage().contains("BR2_PACKAGE_NANOO=y  from acme/typo at " + frag + ":1: no Kconfig file of this Buildroot"
                + " or the layers' external trees defines BR2_PACKAGE_NANOO; did you mean BR2_PACKAGE_NANO"), e.getMessage());
    }

    @Test
    void reconfigurationIsSkippedOnlyWhileEveryInputIsUnchanged() throws Exception {
        BuildrootTree tree = RealBuildroot.tree();
        MergeFixture f = stockOnly();
        f.layers.layer("acme/app", "app", null);
        Path frag = f.layers.file("acme/app/buildroot/10-app", "BR2_TARGET_GENERIC_ROOT_PASSWD=\"abc\"\n");
        assertFalse(configure(f, "acme/app", tree).skipped());
        assertTrue(configure(f, "acme/app", tree).skipped());
        Files.writeString(frag, "BR2_TARGET_GENERIC_ROOT_PASSWD=\"abd\"\n");
        ConfigureResult again = configure(f, "acme/app", tree);
        assertFalse(again.skipped(), "one changed byte in one fragment must reconfigure");
        assertTrue(Files.readString(f.workspaceDir.resolve(".config")).contains("BR2_TARGET_GENERIC_ROOT_PASSWD=\"abd\""));
        assertTrue(configure(f, "acme/app", tree).skipped());
        Files.delete(f.workspaceDir.resolve(".config"));
        assertFalse(configure(f, "acme/app", tree).skipped(), "a missing .config is never current");
    }

    @Test
    void aBuildrootExternalFromALayerIsPassedToBuildroot() throws Exception {
        BuildrootTree tree = RealBuildroot.tree();
        MergeFixture f = stockOnly();
        f.layers.layer("acme/ext", "ext", null);
        f.layers.file("acme/ext/buildroot_ext/external.desc", "name: ACME\ndesc: test external\n");
        f.layers.file("acme/ext/buildroot_ext/external.mk", "include $(sort $(wildcard $(BR2_EXTERNAL_ACME_PATH)/package/*/*.mk))\n");
        f.layers.file("acme/ext/buildroot_ext/Config.in", "source \"$BR2_EXTERNAL_ACME_PATH/package/acme-hello/Config.in\"\n");
        f.layers.file("acme/ext/buildroot_ext/package/acme-hello/Config.in",
                "config BR2_PACKAGE_ACME_HELLO\n\tbool \"acme-hello\"\n\thelp\n\t  Test package.\n");
        f.layers.file("acme/ext/buildroot/10-ext", "BR2_PACKAGE_ACME_HELLO=y\n");
        ConfigureResult r = configure(f, "acme/ext", tree);
        assertEquals(List.of(), r.dropped());
        assertTrue(Files.readString(f.workspaceDir.resolve(".config")).contains("\nBR2_PACKAGE_ACME_HELLO=y\n"));
    }
}
