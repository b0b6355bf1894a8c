package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power loss at every step of the device-side switch-over and rollback. The script runs locally
 * under {@code /bin/sh}; each file-changing command ({@code mv cp rm rmdir mkdir}) is wrapped so
 * that the k-th one kills the script before it acts, for every k. After each cut: without a
 * journal, the boot directory holds exactly one complete set (old or new) and its manifest; with
 * a journal, the recovery that every later skiff operation runs first yields exactly the new set
 * with the old one as the backup.
 */
class SwitchScriptCrashTest {
    private static final Map<String, String> OLD = new TreeMap<>(Map.of(
            "Image", "old kernel", "only-old.dtb", "old only", "overlays/x.dtbo", "old overlay", "same.txt", "unchanged"));
    private static final Map<String, String> NEW = new TreeMap<>(Map.of(
            "Image", "new kernel", "overlays/x.dtbo", "new overlay", "same.txt", "unchanged", "newdir/d.bin", "new file"));

    @TempDir
    Path tmp;

    private Path fakeBin;

    @BeforeEach
    void wrappers() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");
        fakeBin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("mv", "cp", "rm", "rmdir", "mkdir")) {
            Path real = TestSshd.findOnPath(tool);
            Files.writeString(fakeBin.resolve(tool), String.join("\n",
                    "#!/bin/sh",
                    "n=$(( $(cat \"$SKIFF_CRASH_COUNTER\") + 1 ))",
                    "echo $n > \"$SKIFF_CRASH_COUNTER\"",
                    "if [ \"$n\" -eq \"$SKIFF_CRASH_AT\" ]; then kill -KILL $PPID; exit 137; fi",
                    "exec " + real + " \"$@\"", ""));
            fakeBin.resolve(tool).toFile().setExecutable(true);
        }
    }

    @Test
    void switchOverSurvivesACutAtEveryStep() throws Exception {
        int cuts = 0;
        for (int k = 1; ; k++) {
            Path b = Files.createDirectories(tmp.resolve("switch-" + k + "/boot"));
            writeSet(b, OLD);
            Files.writeString(b.resolve(BootSetPush.MANIFEST), manifest(OLD));
            Files.writeString(b.resolve("keep.txt"), "user file");
            Path s = Files.createDirectories(b.resolve(BootSetPush.STAGING));
            writeSet(s, NEW);
            Files.writeString(s.resolve(BootSetPush.MANIFEST), manifest(NEW));
            Files.writeString(s.resolve(BootSetPush.PREVIOUS), manifest(OLD));

            int exit = run(b, "switch", k);
            if (exit == 0) break;
            cuts++;
            if (Files.exists(b.resolve(BootSetPush.JOURNAL))) {
                assertEquals(0, run(b, "recover", 0), "recovery after a cut at step " + k);
            } else {
                Map<String, String> now = active(b);
                assertTrue(now.equals(OLD) || now.equals(NEW), "cut at step " + k + " left a mix: " + now.keySet());
                assertEquals(manifest(now), Files.readString(b.resolve(BootSetPush.MANIFEST)), "manifest after a cut at step " + k);
                if (now.equals(NEW)) continue; // only the final sync was left
                assertEquals(0, run(b, "switch", 0), "a retried switch after a cut at step " + k);
            }
            assertEquals(NEW, active(b), "after the cut at step " + k);
            assertEquals(OLD, files(b.resolve(BootSetPush.BACKUP)), "backup after the cut at step " + k);
            assertFalse(Files.exists(b.resolve(BootSetPush.STAGING)));
            assertEquals("user file", Files.readString(b.resolve("keep.txt")));
            if (k > 200) fail("the script never completed");
        }
        assertTrue(cuts > 10, "the switch-over has many cut points, saw " + cuts);
    }

    @Test
    void rollbackSurvivesACutAtEveryStep() throws Exception {
        int cuts = 0;
        for (int k = 1; ; k++) {
            Path b = Files.createDirectories(tmp.resolve("rollback-" + k + "/boot"));
            writeSet(b, NEW);
            Files.writeString(b.resolve(BootSetPush.MANIFEST), manifest(NEW));
            Path p = Files.createDirectories(b.resolve(BootSetPush.BACKUP));
            writeSet(p, OLD);
            Files.writeString(p.resolve(BootSetPush.MANIFEST), manifest(OLD));

            int exit = run(b, "rollback", k);
            if (exit == 0) break;
            cuts++;
            if (!Files.exists(b.resolve(BootSetPush.JOURNAL))) {
                Map<String, String> now = active(b);
                assertTrue(now.equals(OLD) || now.equals(NEW), "cut at step " + k + " left a mix: " + now.keySet());
                assertEquals(manifest(now), Files.readString(b.resolve(BootSetPush.MANIFEST)), "manifest after a cut at step " + k);
                if (now.equals(OLD)) continue;
            }
            // The user runs the rollback again (it completes a pending switch-over first).
            assertEquals(0, run(b, "rollback", 0), "a retried rollback after a cut at step " + k);
            // A cut-short rollback is completed, not undone by the retry.
            assertEquals(OLD, active(b), "after the cut at step " + k);
            assertEquals(NEW, files(b.resolve(BootSetPush.BACKUP)), "backup after the cut at step " + k);
            assertFalse(Files.exists(b.resolve(BootSetPush.STAGING)));
            assertFalse(Files.exists(b.resolve(BootSetPush.JOURNAL)));
            if (k > 200) fail("the script never completed");
        }
        assertTrue(cuts > 10, "the rollback has many cut points, saw " + cuts);
    }

    private int run(Path boot, String mode, int crashAt) throws Exception {
        Path counter = tmp.resolve("counter");
        Files.writeString(counter, "0");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", DeviceScript.SWITCH.text(), "skiff", boot.toString(), mode);
        pb.environment().put("PATH", (crashAt > 0 ? fakeBin + ":" : "") + System.getenv("PATH"));
        pb.environment().put("SKIFF_CRASH_COUNTER", counter.toString());
        pb.environment().put("SKIFF_CRASH_AT", Integer.toString(crashAt));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        if (crashAt == 0 && exit != 0) System.err.println("switch script (" + mode + ") said: " + out);
        return exit;
    }

    private static void writeSet(Path dir, Map<String, String> set) throws IOException {
        for (Map.Entry<String, String> e : set.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
        }
    }

    /** The boot set files in {@code boot}: everything but push's own state and the user's file. */
    private static Map<String, String> active(Path boot) throws IOException {
        Map<String, String> m = files(boot);
        m.remove("keep.txt");
        return m;
    }

    private static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(all::add);
        }
        for (Path f : all) {
            String rel = dir.relativize(f).toString();
            if (rel.startsWith(".skiff")) continue;
            m.put(rel, Files.readString(f));
        }
        return m;
    }

    private static String manifest(Map<String, String> set) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(set).entrySet()) {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(e.getValue().getBytes(StandardCharsets.UTF_8));
            sb.append(HexFormat.of().formatHex(d)).append("  ").append(e.getKey()).append('\n');
        }
        return sb.toString();
    }
}
