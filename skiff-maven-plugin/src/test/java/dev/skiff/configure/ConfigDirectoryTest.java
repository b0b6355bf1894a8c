package dev.skiff.configure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.buildroot.BuildrootTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDirectoryTest {
    @TempDir
    Path tmp;

    private MergeFixture hooked() {
        MergeFixture f = new MergeFixture(tmp);
        String record = "echo \"$SKIFF_CURRENT_CONF_DIR|$1|$SKIFF_WORKSPACE\" >> \"$HOOK_LOG\"\n";
        f.layers.file("base/pre/hooks/pre.sh", record);
        f.layers.layer("a/one", "one", null);
        f.layers.file("a/one/hooks/pre.sh", record + "exit \"${FAIL_ONE:-0}\"\n");
        f.layers.layer("a/two", "two", "a/one");
        f.layers.file("a/two/hooks/pre.sh", record);
        f.layers.file("a/two/hooks/post.sh", record);
        return f;
    }

    private Process run(Path script, Path log, String failOne) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "/target/dir").redirectErrorStream(true);
        pb.environment().put("HOOK_LOG", log.toString());
        if (failOne != null) pb.environment().put("FAIL_ONE", failOne);
        Process p = pb.start();
        p.waitFor();
        return p;
    }

    @Test
    void writesEveryFileOfTheFinalDirectory() throws IOException {
        MergeFixture f = hooked();
        f.layers.file("a/one/buildroot/x", "BR2_X=y\n");
        f.layers.file("a/one/kernel/x", "CONFIG_X=y\n");
        f.layers.file("a/one/users/u", "alice -1 alice -1 =pw /home/alice /bin/sh - Alice");
        f.layers.file("a/one/cflags/c", "-O2\n");
        EffectiveConfig eff = f.merge("a/two");
        Path dir = tmp.resolve("out");
        ConfigDirectory.write(eff, dir);
        assertEquals("a/one,a/two\n", Files.readString(dir.resolve("skiff_config")));
        assertTrue(Files.readString(dir.resolve("skiff_version")).contains("git=v1.0.0-3-gabcdef0"));
        assertTrue(Files.readString(dir.resolve("buildroot/config")).contains("\nBR2_X=y\n"));
        assertTrue(Files.readString(dir.resolve("buildroot/config")).contains("BR2_TARGET_OPTIMIZATION=\"-O2 \""));
        for (String k : List.of("kernel", "uboot", "busybox")) assertTrue(Files.isRegularFile(dir.resolve(k + "/config")), k);
        // Concatenated as SkiffOS does it (cat >>): a table without a final newline stays so.
        assertEquals("alice -1 alice -1 =pw /home/alice /bin/sh - Alice", Files.readString(dir.resolve("users")));
        assertEquals("-O2 \n", Files.readString(dir.resolve("cflags")));
        assertTrue(Files.readString(dir.resolve("skiff-env.sh")).contains("export SKIFF_CONFIG='a/one,a/two'"));
        assertTrue(Files.isExecutable(dir.resolve("pre_build.sh")));
        assertTrue(Files.isExecutable(dir.resolve("post_build.sh")));
    }

    @Test
    void generatedHookScriptRunsHooksInOrderWithTheirConfDir() throws Exception {
        MergeFixture f = hooked();
        EffectiveConfig eff = f.merge("a/two");
        // The script sources the environment script from the final location.
        ConfigDirectory.write(eff, eff.finalDir());
        Path log = tmp.resolve("hooks.log");
        Process p = run(eff.preBuildScript(), log, null);
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        Path lay = f.layers.root();
        assertEquals(List.of(lay.resolve("base/pre") + "|/target/dir|default",
                lay.resolve("a/one") + "|/target/dir|default",
                lay.resolve("a/two") + "|/target/dir|default"), Files.readAllLines(log));
    }

    @Test
    void generatedHookScriptStopsAtTheFirstFailingHook() throws Exception {
        MergeFixture f = hooked();
        EffectiveConfig eff = f.merge("a/two");
        ConfigDirectory.write(eff, eff.finalDir());
        Path log = tmp.resolve("hooks.log");
        Process p = run(eff.preBuildScript(), log, "3");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, p.exitValue());
        assertTrue(out.contains("a/one/hooks/pre.sh of a/one failed with status 3"), out);
        assertEquals(2, Files.readAllLines(log).size(), "a/two's hook must not run after a/one failed");
    }

    @Test
    void fingerprintChangesWithOneByteOfAnyInput() throws IOException {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("a/one", "one", null);
        Path frag = f.layers.file("a/one/buildroot/x", "BR2_X=\"abc\"\n");
        Path overlay = f.layers.file("a/one/root_overlay/etc/motd", "hello\n");
        ConfigureRequest req = f.request("a/one");
        String base = Fingerprint.of(LayerMerge.merge(req), req, null);
        assertEquals(base, Fingerprint.of(LayerMerge.merge(f.request("a/one")), f.request("a/one"), null), "stable");

        Files.writeString(frag, "BR2_X=\"abd\"\n");
        String changedFragment = Fingerprint.of(LayerMerge.merge(f.request("a/one")), f.request("a/one"), null);
        assertNotEquals(base, changedFragment);
        Files.writeString(frag, "BR2_X=\"abc\"\n");
        assertEquals(base, Fingerprint.of(LayerMerge.merge(f.request("a/one")), f.request("a/one"), null));

        Files.writeString(overlay, "hellO\n");
        assertNotEquals(base, Fingerprint.of(LayerMerge.merge(f.request("a/one")), f.request("a/one"), null));
        Files.writeString(overlay, "hello\n");

        f.project.file("overrides/buildroot/x", "# local\n");
        assertNotEquals(base, Fingerprint.of(LayerMerge.merge(f.request("a/one")), f.request("a/one"), null));
        Files.delete(f.project.root().resolve("overrides/buildroot/x"));

        f.version = new VersionInfo("1.0.1", "v1.0.1", "0.1.0");
        assertNotEquals(base, Fingerprint.of(LayerMerge.merge(f.request("a/one")), f.request("a/one"), null));
    }

    @Test
    void fingerprintFollowsLinkedFragmentsAndLinkedDirectories() throws IOException {
        // A fragment kept once, outside the layer, and linked in (as layers sharing a kernel
        // fragment do): editing the shared file must reconfigure, though no layer file changed.
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("a/one", "one", null);
        Path shared = tmp.resolve("shared");
        Files.createDirectories(shared.resolve("dir"));
        Path frag = Files.writeString(shared.resolve("kernel-frag"), "CONFIG_A=y\n");
        Path inDir = Files.writeString(shared.resolve("dir/frag"), "CONFIG_B=y\n");
        Path kernel = f.layers.root().resolve("a/one/kernel");
        Files.createDirectories(kernel);
        Files.createSymbolicLink(kernel.resolve("10-shared"), frag);
        Files.createSymbolicLink(f.layers.root().resolve("a/one/kernel-more"), shared.resolve("dir"));
        String base = Fingerprint.of(f.merge("a/one"), f.request("a/one"), null);

        Files.writeString(frag, "CONFIG_A=n\n");
        String afterFile = Fingerprint.of(f.merge("a/one"), f.request("a/one"), null);
        assertNotEquals(base, afterFile, "a linked fragment's content changed");

        Files.writeString(inDir, "CONFIG_B=n\n");
        assertNotEquals(afterFile, Fingerprint.of(f.merge("a/one"), f.request("a/one"), null),
                "a file in a linked directory changed");
    }

    @Test
    void fingerprintCoversBuildrootKconfigFiles() throws IOException {
        MergeFixture f = new MergeFixture(tmp);
        f.layers.layer("a/one", "one", null);
        Path br = tmp.resolve("br");
        Files.createDirectories(br.resolve("package/foo"));
        Files.writeString(br.resolve("Makefile"), "export BR2_VERSION := 2026.02.3\n");
        Files.writeString(br.resolve("Config.in"), "menu x\n");
        Path pkg = br.resolve("package/foo/Config.in");
        Files.writeString(pkg, "config BR2_PACKAGE_FOO\n");
        BuildrootTree tree = BuildrootTree.open(br);
        String a = Fingerprint.of(f.merge("a/one"), f.request("a/one"), tree);
        Files.writeString(pkg, "config BR2_PACKAGE_FOO\n\tbool \"foo\"\n");
        assertNotEquals(a, Fingerprint.of(f.merge("a/one"), f.request("a/one"), tree));
    }

    @Test
    void gccStampsAreRemovedSoGccIsReconfigured() throws IOException {
        Path ws = tmp.resolve("ws");
        Path gcc = Files.createDirectories(ws.resolve("build/host-gcc-final-14.3.0"));
        Path initial = Files.createDirectories(ws.resolve("build/host-gcc-initial-14.3.0"));
        Path other = Files.createDirectories(ws.resolve("build/busybox-1.37.0"));
        for (Path d : List.of(gcc, initial, other)) {
            Files.writeString(d.resolve(".stamp_configured"), "");
            Files.writeString(d.resolve(".stamp_built"), "");
        }
        assertTrue(Configure.removeGccStamps(ws));
        assertFalse(Files.exists(gcc.resolve(".stamp_configured")));
        assertFalse(Files.exists(initial.resolve(".stamp_built")));
        assertTrue(Files.exists(other.resolve(".stamp_configured")), "other packages keep their stamps");
        assertFalse(Configure.removeGccStamps(tmp.resolve("empty")));
    }

    @Test
    void versionStampIsGitDescribeOfTheProject() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        assertEquals(VersionStamp.UNKNOWN, VersionStamp.describe(repo));
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            assertEquals(VersionStamp.UNKNOWN, VersionStamp.describe(repo), "no commit yet");
            Files.writeString(repo.resolve("pom.xml"), "<project/>");
            git.add().addFilepattern("pom.xml").call();
            git.commit().setMessage("first").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false).call();
            String sha = VersionStamp.describe(repo);
            assertTrue(sha.matches("[0-9a-f]{7,}"), sha);
            git.tag().setName("v1.2.0").setAnnotated(false).call();
            assertEquals("v1.2.0", VersionStamp.describe(Files.createDirectories(repo.resolve("sub"))));
        }
    }
}
