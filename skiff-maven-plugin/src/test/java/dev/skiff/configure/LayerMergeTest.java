package dev.skiff.configure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.kconfig.Assignment;
import dev.skiff.kconfig.KconfigKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerMergeTest {
    @TempDir
    Path tmp;

    private String value(EffectiveConfig eff, String symbol) {
        Assignment a = eff.fragment(KconfigKind.BUILDROOT).symbols().get(symbol);
        return a == null ? null : a.value();
    }

    @Test
    void mergeOrderIsPreChainOverridesWorkspaceOverridesPost() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.file("base/pre/buildroot/x", "BR2_ORDER=\"pre\"\nBR2_PRE_ONLY=y\n");
        f.layers.layer("a/one", "one", null);
        f.layers.file("a/one/buildroot/x", "BR2_ORDER=\"one\"\n");
        f.layers.layer("a/two", "two", null);
        f.layers.file("a/two/buildroot/x", "BR2_ORDER=\"two\"\n");
        f.project.file("overrides/buildroot/x", "BR2_ORDER=\"overrides\"\n");
        f.project.file("overrides/workspaces/default/buildroot/x", "BR2_ORDER=\"ws\"\n");
        f.project.file("overrides/workspaces/other/buildroot/x", "BR2_ORDER=\"other-ws\"\n");
        EffectiveConfig eff = f.merge("a/one,a/two");
        assertEquals(List.of("base/pre", "a/one", "a/two", "overrides", "overrides/workspaces/default", "base/post"),
                eff.sources().stream().map(MergeSource::label).toList());
        assertEquals("\"ws\"", value(eff, "BR2_ORDER"));
        assertEquals("y", value(eff, "BR2_PRE_ONLY"));
        // Every step of the way is reported, with the file it came from.
        List<String> chainOfValues = eff.redefinitions().stream().map(r -> r.next().value()).toList();
        assertEquals(List.of("\"one\"", "\"two\"", "\"overrides\"", "\"ws\""), chainOfValues);
        assertTrue(eff.redefinitions().get(3).previous().file().toString().endsWith("overrides/buildroot/x"));

        f.project.file("overrides/buildroot/y", "# BR2_ORDER is not set\n");
        f.project.dir("overrides/workspaces/default/buildroot").toFile().listFiles()[0].delete();
        EffectiveConfig eff2 = f.merge("a/one,a/two");
        assertNull(value(eff2, "BR2_ORDER"), "'is not set' wins like any value when it comes last");
        assertTrue(eff2.fragment(KconfigKind.BUILDROOT).symbols().containsKey("BR2_ORDER"));
    }

    @Test
    void anOverrideFileIsWrittenAfterTheLayersAndReplacesALayersOneWithAWarning() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("a/one", "one", null);
        assertNull(value(f.merge("a/one"), "BR2_PACKAGE_OVERRIDE_FILE"), "unset: Buildroot's default applies");
        f.overrideFile = tmp.resolve("cache/local.mk");
        EffectiveConfig eff = f.merge("a/one");
        assertEquals("\"" + tmp.resolve("cache/local.mk") + "\"", value(eff, "BR2_PACKAGE_OVERRIDE_FILE"));
        assertTrue(eff.warnings().isEmpty(), eff.warnings().toString());
        f.layers.file("a/one/buildroot/x", "BR2_PACKAGE_OVERRIDE_FILE=\"/layer/local.mk\"\n");
        eff = f.merge("a/one");
        assertEquals("\"" + tmp.resolve("cache/local.mk") + "\"", value(eff, "BR2_PACKAGE_OVERRIDE_FILE"));
        assertTrue(eff.warnings().stream().anyMatch(w -> w.contains("replaced by skiff.overrideFile")), eff.warnings().toString());
    }

    @Test
    void aFragmentPathOnTheBuildHostIsWarnedAboutWithItsFileAndLine() throws Exception {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("a/one", "one", null);
        Path inLayer = f.layers.root().resolve("a/one/extra_overlay");
        Path frag = f.layers.file("a/one/buildroot/10-paths", "BR2_ROOTFS_OVERLAY=\"" + inLayer + " /etc\"\n"
                + "BR2_GLOBAL_PATCH_DIR=\"$(BR2_EXTERNAL_SKIFF_PATH)/patches board/acme/patches\"\n"
                + "BR2_LINUX_KERNEL_CUSTOM_CONFIG_FILE=\"/home/someone/linux.config\"\n");
        EffectiveConfig eff = f.merge("a/one");
        List<String> host = eff.warnings().stream().filter(w -> w.contains("lies outside the project")).toList();
        assertEquals(2, host.size(), eff.warnings().toString());
        assertTrue(host.get(0).startsWith("BR2_ROOTFS_OVERLAY=\"" + inLayer + " /etc\" from a/one at " + frag + ":1: /etc lies outside"),
                host.get(0));
        assertTrue(host.get(1).startsWith("BR2_LINUX_KERNEL_CUSTOM_CONFIG_FILE=\"/home/someone/linux.config\" from a/one at " + frag
                + ":3: /home/someone/linux.config lies outside"), host.get(1));
        assertTrue(host.get(0).contains("Keep the files in a layer"), host.get(0));
        // A path of the layer, a $(VAR) path and a path relative to the Buildroot tree are not warned about.
        assertTrue(eff.warnings().stream().noneMatch(w -> w.contains(inLayer + " lies") || w.contains("BR2_GLOBAL_PATCH_DIR")),
                eff.warnings().toString());
    }

    @Test
    void basePostComesLastAndBeatsOverrides() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.file("base/post/buildroot/x", "BR2_LAST=\"post\"\n");
        f.project.file("overrides/buildroot/x", "BR2_LAST=\"overrides\"\n");
        f.layers.layer("a/one", "one", null);
        assertEquals("\"post\"", value(f.merge("a/one"), "BR2_LAST"));
    }

    @Test
    void filesAreTakenInByteOrderAndDotfilesSkipped() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("a/one", "one", null);
        // Byte order: "10-b" < "9-a" < "B" < "a"; a locale-aware sort would put "a" before "B".
        f.layers.file("a/one/buildroot/a", "BR2_SEQ=\"a\"\n");
        f.layers.file("a/one/buildroot/B", "BR2_SEQ=\"B\"\n");
        f.layers.file("a/one/buildroot/9-a", "BR2_SEQ=\"9-a\"\n");
        f.layers.file("a/one/buildroot/10-b", "BR2_SEQ=\"10-b\"\n");
        f.layers.file("a/one/buildroot/.hidden", "BR2_SEQ=\"hidden\"\nBR2_HIDDEN=y\n");
        EffectiveConfig eff = f.merge("a/one");
        assertEquals("\"a\"", value(eff, "BR2_SEQ"));
        assertEquals(List.of("\"9-a\"", "\"B\"", "\"a\""),
                eff.redefinitions().stream().map(r -> r.next().value()).toList());
        assertNull(eff.fragment(KconfigKind.BUILDROOT).symbols().get("BR2_HIDDEN"));
    }

    @Test
    void aDirectoryInsideAFragmentDirectoryIsAnError() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("a/one", "one", null);
        f.layers.file("a/one/buildroot/old/x", "BR2_X=y\n");
        SkiffException e = assertThrows(SkiffException.class, () -> f.merge("a/one"));
        assertTrue(e.getMessage().contains("a/one/buildroot/old"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected directory"), e.getMessage());
    }

    @Test
    void placeholdersAreFilledInLayerOrderAndEmptyOnesLeftOut() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.file("base/post/buildroot/99", String.join("\n",
                "BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES=\"@SKIFF_KERNEL_FRAGMENTS@\"",
                "BR2_TARGET_UBOOT_CONFIG_FRAGMENT_FILES=\"@SKIFF_UBOOT_FRAGMENTS@\"",
                "BR2_ROOTFS_OVERLAY=\"@SKIFF_ROOTFS_OVERLAYS@\"",
                "BR2_GLOBAL_PATCH_DIR=\"@SKIFF_BUILDROOT_PATCH_DIRS@\"",
                "BR2_LINUX_KERNEL_PATCH=\"@SKIFF_KERNEL_PATCH_DIRS@\"",
                "BR2_ROOTFS_POST_BUILD_SCRIPT=\"@SKIFF_POST_BUILD_SCRIPT@\"",
                "BR2_ROOTFS_POST_IMAGE_SCRIPT=\"@SKIFF_POST_IMAGE_SCRIPT@\"",
                "BR2_ROOTFS_USERS_TABLES=\"@SKIFF_USERS_TABLES@\"",
                "BR2_PACKAGE_BUSYBOX_CONFIG_FRAGMENT_FILES=\"@SKIFF_BUSYBOX_FRAGMENTS@\"",
                "BR2_TARGET_GENERIC_HOSTNAME=\"@SKIFF_HOSTNAME@\"",
                "BR2_TARGET_GENERIC_ISSUE=\"@SKIFF_ISSUE@\"", ""));
        f.layers.layer("board/x", "board", null);
        f.layers.file("board/x/buildroot/k", "BR2_LINUX_KERNEL=y\n");
        f.layers.file("board/x/kernel/k", "CONFIG_FOO=y\n");
        f.layers.dir("board/x/root_overlay/etc");
        f.layers.dir("board/x/buildroot_patches/busybox");
        f.layers.dir("board/x/kernel_patches");
        f.layers.file("board/x/users/u", "alice -1 alice -1 =pw /home/alice /bin/sh - Alice\n");
        f.layers.file("board/x/hooks/post.sh", "echo post\n");
        f.layers.layer("app/y", "app", "board/x");
        f.layers.dir("app/y/root_overlay");
        f.layers.dir("app/y/buildroot_patches");
        f.layers.file("app/y/users/v", "bob -1 bob -1 =pw /home/bob /bin/sh - Bob\n");
        f.hostname = "myhost";
        EffectiveConfig eff = f.merge("app/y");
        Path fin = f.workspaceDir.resolve("skiff");
        Path lay = f.layers.root();
        assertEquals("\"" + fin.resolve("kernel/config") + "\"", value(eff, "BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES"));
        assertEquals("\"" + lay.resolve("board/x/root_overlay") + " " + lay.resolve("app/y/root_overlay") + "\"",
                value(eff, "BR2_ROOTFS_OVERLAY"));
        assertEquals("\"" + lay.resolve("board/x/buildroot_patches") + " " + lay.resolve("app/y/buildroot_patches") + "\"",
                value(eff, "BR2_GLOBAL_PATCH_DIR"));
        assertEquals("\"" + lay.resolve("board/x/kernel_patches") + "\"", value(eff, "BR2_LINUX_KERNEL_PATCH"));
        assertEquals("\"" + fin.resolve("post_build.sh") + "\"", value(eff, "BR2_ROOTFS_POST_IMAGE_SCRIPT"));
        assertEquals("\"" + fin.resolve("users") + "\"", value(eff, "BR2_ROOTFS_USERS_TABLES"));
        assertEquals("\"myhost\"", value(eff, "BR2_TARGET_GENERIC_HOSTNAME"));
        assertEquals("\"Welcome to SkiffOS 1.0.0 (v1.0.0-3-gabcdef0)\"", value(eff, "BR2_TARGET_GENERIC_ISSUE"));
        // Nothing fills these: they are left out, and said so, instead of set to "".
        List<String> omitted = eff.omittedPlaceholders().stream().map(Assignment::symbol).toList();
        assertEquals(List.of("BR2_TARGET_UBOOT_CONFIG_FRAGMENT_FILES", "BR2_ROOTFS_POST_BUILD_SCRIPT",
                "BR2_PACKAGE_BUSYBOX_CONFIG_FRAGMENT_FILES"), omitted);
        for (String s : omitted) assertFalse(eff.fragment(KconfigKind.BUILDROOT).symbols().containsKey(s), s);
        assertEquals(List.of("board/x", "app/y"), eff.usersTables().stream().map(Contribution::origin).toList());
        assertTrue(eff.redefinitions().isEmpty(), "filling a placeholder is not a redefinition: " + eff.redefinitions());
    }

    @Test
    void anUnknownPlaceholderIsAnErrorWithTheNearestName() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.file("base/post/buildroot/99", "\nBR2_ROOTFS_OVERLAY=\"@SKIFF_ROOTFS_OVERLAY@\"\n");
        f.layers.layer("a/one", "one", null);
        SkiffException e = assertThrows(SkiffException.class, () -> f.merge("a/one"));
        assertTrue(e.getMessage().contains("base/post/buildroot/99:2"), e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean SKIFF_ROOTFS_OVERLAYS"), e.getMessage());
    }

    @Test
    void kernelFragmentsWithoutAKernelAreNotAppliedAndSaidSo() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.file("base/post/buildroot/99", "BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES=\"@SKIFF_KERNEL_FRAGMENTS@\"\n");
        f.layers.layer("apps/d", "docker-ish", null);
        f.layers.file("apps/d/kernel/c", "CONFIG_CGROUPS=y\n");
        EffectiveConfig eff = f.merge("apps/d");
        assertNull(eff.fragment(KconfigKind.BUILDROOT).symbols().get("BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES"));
        assertTrue(eff.omittedPlaceholders().stream().anyMatch(a -> a.symbol().equals("BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES")));
        assertTrue(eff.warnings().stream().anyMatch(w -> w.contains("apps/d") && w.contains("BR2_LINUX_KERNEL=y")),
                eff.warnings().toString());
    }

    @Test
    void cflagsAreJoinedAsSkiffosJoinsThemAndSetLast() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.file("base/pre/cflags/a", "# tuned for the test\n-O2\n");
        f.layers.layer("a/one", "one", null);
        f.layers.file("a/one/cflags/x", "-mtune=generic -pipe\n\n");
        f.layers.file("a/one/cflags/y", "   # only a comment\n");
        f.layers.file("a/one/buildroot/x", "BR2_TARGET_OPTIMIZATION=\"-Os\"\n");
        EffectiveConfig eff = f.merge("a/one");
        // SkiffOS: comment lines go, every newline becomes a space, files are joined with a space.
        assertEquals("-O2  -mtune=generic -pipe  ", eff.cflags());
        assertEquals("\"-O2  -mtune=generic -pipe  \"", value(eff, "BR2_TARGET_OPTIMIZATION"));
        String br = eff.files().get("buildroot/config");
        assertTrue(br.endsWith("\nBR2_TARGET_OPTIMIZATION=\"-O2  -mtune=generic -pipe  \"\n"), br);
        assertTrue(br.contains("# CFLAGS: \"-O2 \"\n"), br);
        assertEquals("-O2  -mtune=generic -pipe  \n", eff.files().get("cflags"));
        assertTrue(eff.warnings().stream().anyMatch(w -> w.contains("BR2_TARGET_OPTIMIZATION") && w.contains("cflags/")),
                eff.warnings().toString());

        f.layers.file("a/one/cflags/z", "-DNAME=\"x\"\n");
        SkiffException e = assertThrows(SkiffException.class, () -> f.merge("a/one"));
        assertTrue(e.getMessage().contains("a/one/cflags/z"), e.getMessage());

        f.layers.file("a/one/cflags/z", "-pipe  # faster\n");
        e = assertThrows(SkiffException.class, () -> f.merge("a/one"));
        assertTrue(e.getMessage().contains("a/one/cflags/z:1") && e.getMessage().contains("own line"), e.getMessage());
    }

    @Test
    void buildrootExternalMustBeComplete() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("a/ext", "ext", null);
        f.layers.file("a/ext/buildroot_ext/external.desc", "name: ACME\n");
        f.layers.file("a/ext/buildroot_ext/Config.in", "");
        SkiffException e = assertThrows(SkiffException.class, () -> f.merge("a/ext"));
        assertTrue(e.getMessage().contains("a/ext/buildroot_ext"), e.getMessage());
        assertTrue(e.getMessage().contains("missing external.mk"), e.getMessage());

        f.layers.file("a/ext/buildroot_ext/external.mk", "");
        EffectiveConfig eff = f.merge("a/ext");
        assertEquals(List.of("ACME"), eff.externals().stream().map(External::name).toList());
        assertEquals(f.layers.root().resolve("a/ext/buildroot_ext").toString(), eff.br2External());

        f.layers.file("a/ext/buildroot_ext/external.desc", "desc: no name\n");
        e = assertThrows(SkiffException.class, () -> f.merge("a/ext"));
        assertTrue(e.getMessage().contains("no 'name:' line"), e.getMessage());

        f.layers.file("a/ext/buildroot_ext/external.desc", "name: acme-ext\n");
        e = assertThrows(SkiffException.class, () -> f.merge("a/ext"));
        assertTrue(e.getMessage().contains("external.desc:1") && e.getMessage().contains("ACME_EXT"), e.getMessage());
    }

    @Test
    void twoExternalsWithOneNameAreAnError() {
        MergeFixture f = new MergeFixture(tmp);
        for (String l : List.of("a/one", "a/two")) {
            f.layers.layer(l, l, null);
            f.layers.file(l + "/buildroot_ext/external.desc", "name: SAME\n");
            f.layers.file(l + "/buildroot_ext/external.mk", "");
            f.layers.file(l + "/buildroot_ext/Config.in", "");
        }
        SkiffException e = assertThrows(SkiffException.class, () -> f.merge("a/one,a/two"));
        assertTrue(e.getMessage().contains("already used by a/one"), e.getMessage());
    }

    @Test
    void baseLayersNamedInTheChainAreMergedOnceWithAWarning() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("a/one", "one", null);
        EffectiveConfig eff = f.merge("base/pre,a/one");
        assertEquals(List.of("base/pre", "a/one", "base/post"), eff.sources().stream().map(MergeSource::label).toList());
        assertTrue(eff.warnings().stream().anyMatch(w -> w.contains("base/pre is a base layer")));
    }

    @Test
    void buildTargetComesFromTheFirstLayerThatSetsIt() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("a/one", "one", null);
        f.layers.file("a/one/metadata/buildtarget", "all sdk\n");
        f.layers.layer("a/two", "two", null);
        f.layers.file("a/two/metadata/buildtarget", "legal-info\n");
        assertEquals("all sdk", f.merge("a/one,a/two").buildTarget());
    }

    @Test
    void environmentNamesEveryLayerPathTheUpstreamWay() {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("pi/4x64", "pi", null);
        EffectiveConfig eff = f.merge("pi/4x64");
        assertEquals(f.layers.root().resolve("pi/4x64").toString(), eff.environment().get("SKIFF_CONFIG_PATH_PI_4X64"));
        assertEquals("pi/4x64", eff.environment().get("SKIFF_CONFIG"));
        assertEquals("default", eff.environment().get("SKIFF_WORKSPACE"));
    }
}
