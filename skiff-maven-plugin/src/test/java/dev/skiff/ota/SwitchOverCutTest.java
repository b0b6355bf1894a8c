package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.skiff.SkiffException;
import dev.skiff.image.ImageSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH session cut at every step of the switch-over, against a real OpenSSH sshd on
 * 127.0.0.1: a push or rollback runs through {@link BootSetPush} as in production, and the
 * device-side script is stopped before its k-th file system command, for every k.
 *
 * <p>How the cut is placed, deterministically and without any hook in the shipped scripts: the
 * test sshd puts a directory of wrappers first on the session's PATH ({@code SetEnv}). The
 * wrappers for {@code mv cp rm rmdir mkdir} pass straight through to the real command, except
 * while the test has armed them, from the moment the final command of a push (finalize and
 * switch-over) or the rollback starts: then they count, and the k-th one announces itself in a
 * file and waits. The test then either kills the whole session (sshd's processes, the shell, the
 * script: what a device crash or a killed session does) or only sshd's processes (a dropped
 * network connection), and checks the device:
 * <ul>
 * <li>right after a cut, without a journal, the boot directory holds exactly one whole set;
 * <li>the user's next command, a push after odd steps and a rollback after even ones, completes
 *     a pending journal first and leaves exactly one whole set, with the set it replaced as the
 *     backup;
 * <li>a dropped connection does not stop the switch-over: it completes on its own.
 * </ul>
 * {@code sync} is a no-op on the test's PATH: a killed process loses nothing that sync would
 * have saved (the page cache survives it), and a real sync on a shared machine can wait seconds
 * on other jobs' writes. Power loss itself is {@link SwitchScriptCrashTest}'s subject.
 */
class SwitchOverCutTest {
    // Small sets, each step a connection or two, yet every kind of move: a replaced file, a file
    // the new set drops (and its emptied directory), a file in a new directory.
    private static final Map<String, String> OLDER = set("Image", "oldest kernel");
    private static final Map<String, String> OLD = set("Image", "old kernel", "old/only.dtb", "old only");
    private static final Map<String, String> NEW = set("Image", "new kernel", "new/d.bin", "new file");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private TestSshd sshd;
    private Path ctl;
    private ExecutorService background;

    @BeforeEach
    void startSshdWithCountingWrappers() throws Exception {
        TestSshd.assumeAvailable();
        ctl = Files.createDirectories(tmp.resolve("ctl"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("mv", "cp", "rm", "rmdir", "mkdir")) {
            Path real = TestSshd.findOnPath(tool);
            assertNotNull(real, tool + " on PATH");
            writeExecutable(bin.resolve(tool), String.join("\n",
                    "#!/bin/sh",
                    "# SwitchOverCutTest: while armed, count this command and wait before the one numbered in armed.",
                    "# Builtins only until then: every process started here slows each step.",
                    "# The push lock's commands (.skiff-lock) are not steps of the switch-over: they pass.",
                    "ctl='" + ctl + "'",
                    "case \"$*\" in *.skiff-lock*) exec " + real + " \"$@\" ;; esac",
                    "if [ -f \"$ctl/armed\" ]; then",
                    "  read -r n < \"$ctl/count\"; read -r k < \"$ctl/armed\"",
                    "  n=$((n + 1))",
                    "  echo \"$n\" > \"$ctl/count\"",
                    "  if [ \"$n\" -eq \"$k\" ]; then",
                    "    printf '%s %s\\n' \"$PPID\" \"" + tool + " $*\" > \"$ctl/cut\"",
                    "    while [ ! -f \"$ctl/go\" ]; do sleep 0.01; done",
                    "  fi",
                    "fi",
                    "exec " + real + " \"$@\"", ""));
        }
        writeExecutable(bin.resolve("sync"), "#!/bin/sh\n# SwitchOverCutTest: see the class comment.\nexit 0\n");
        sshd = TestSshd.start(tmp.resolve("sshd"),
                Map.of("PATH", bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        // A system-wide rc file of the login shell could still put more in front of PATH: make sure
        // the wrappers are what runs.
        try (DeviceConnection c = sshd.connect()) {
            String found = c.run("finding the wrappers", "sh -c 'for t in mv cp rm rmdir mkdir sync; do command -v $t; done'");
            for (String tool : List.of("mv", "cp", "rm", "rmdir", "mkdir", "sync")) {
                assertTrue(found.contains(bin.resolve(tool) + "\n"), "the session runs the wrapper " + bin.resolve(tool)
                        + ", but its PATH finds:\n" + found);
            }
        }
        background = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        if (background != null) background.shutdownNow();
        if (sshd != null) sshd.close();
    }

    @Test
    void pushKilledAtEveryStepIsCompletedByTheNextPushOrRollback() throws Exception {
        List<PushFile> newSet = images("new", NEW);
        int cuts = 0;
        boolean journalByPush = false;
        boolean journalByRollback = false;
        for (int k = 1; ; k++) {
            if (k > 200) fail("the push never completed");
            Path boot = device("push-" + k, OLD, OLDER);
            int step = k;
            Future<PushResult> push = background.submit(() -> push(boot, newSet, armedAtVerify(step)));
            String cut = awaitCut(push);
            if (cut == null) {
                assertEquals(PushResult.Action.SWITCHED, push.get().action(), "with no cut the push switches over");
                break;
            }
            cuts++;
            String at = "push killed before step " + k + " (" + cut + ")";
            sshd.killSessions();
            assertCutFails(push, at);
            disarm();
            boolean journal = Files.exists(boot.resolve(BootSetPush.JOURNAL));
            if (!journal) assertWhole(boot, OLD, at); // the commit point was not reached: the old set, untouched

            // The user's next command, alternately a push and a rollback (one connection each keeps
            // this test fast; SwitchScriptCrashTest recovers every step both ways, locally).
            if (k % 2 == 1) {
                PushResult next = push(boot, newSet, PushProgress.NONE);
                assertEquals(journal, next.recovered(), at + ": the next push completes a pending journal first");
                assertWhole(boot, NEW, at + ", then a push");
                assertEquals(OLD, files(boot.resolve(BootSetPush.BACKUP)), at + ", then a push: the backup");
                assertFalse(Files.exists(boot.resolve(BootSetPush.STAGING)), at + ", then a push: no staging left");
                journalByPush |= journal;
            } else if (journal) {
                PushResult next = rollback(boot);
                assertTrue(next.recovered(), at + ": the next rollback completes the pending journal first");
                assertWhole(boot, OLD, at + ", then a rollback");
                assertEquals(NEW, files(boot.resolve(BootSetPush.BACKUP)), at + ", then a rollback: the backup");
                journalByRollback = true;
            } else {
                // Before the commit point the backup may already be cleared for the new one: the
                // rollback restores the older set if it is still whole, or refuses and changes nothing.
                // The killed push's lock is stale (its connection is gone): the rollback takes it
                // over and releases it, which is not a change to the boot set.
                Map<String, String> before = withoutLock(BootSetPushTest.snapshot(boot));
                try {
                    rollback(boot);
                    assertWhole(boot, OLDER, at + ", then a rollback");
                    assertEquals(OLD, files(boot.resolve(BootSetPush.BACKUP)), at + ", then a rollback: the backup");
                } catch (SkiffException refused) {
                    assertTrue(refused.getMessage().contains("nothing to roll back to")
                            || refused.getMessage().contains("is damaged"), at + ": " + refused.getMessage());
                    assertEquals(before, withoutLock(BootSetPushTest.snapshot(boot)), at + ": a refused rollback changes nothing");
                    assertWhole(boot, OLD, at + ", then a refused rollback");
                }
            }
        }
        assertTrue(cuts > 12, "the push's final command has many steps, saw " + cuts);
        assertTrue(journalByPush && journalByRollback, "cuts after the commit point were completed by a push and by a rollback");
    }

    @Test
    void rollbackKilledAtEveryStepIsCompletedByTheNextRollbackOrPush() throws Exception {
        List<PushFile> newSet = images("new", NEW);
        int cuts = 0;
        boolean journalByRollback = false;
        boolean journalByPush = false;
        for (int k = 1; ; k++) {
            if (k > 200) fail("the rollback never completed");
            Path boot = device("rollback-" + k, NEW, OLD);
            arm(k);
            Future<PushResult> rollback = background.submit(() -> rollback(boot));
            String cut = awaitCut(rollback);
            if (cut == null) {
                assertEquals(PushResult.Action.ROLLED_BACK, rollback.get().action(), "with no cut the rollback completes");
                break;
            }
            cuts++;
            String at = "rollback killed before step " + k + " (" + cut + ")";
            sshd.killSessions();
            assertCutFails(rollback, at);
            disarm();
            boolean journal = Files.exists(boot.resolve(BootSetPush.JOURNAL));
            if (!journal) assertWhole(boot, NEW, at);

            if (k % 2 == 1) {
                // The user runs the rollback again: a cut-short rollback is completed, not undone.
                PushResult again = rollback(boot);
                assertEquals(PushResult.Action.ROLLED_BACK, again.action(), at);
                assertEquals(journal, again.recovered(), at + ": the next rollback completes a pending journal first");
                assertWhole(boot, OLD, at + ", then a rollback");
                assertEquals(NEW, files(boot.resolve(BootSetPush.BACKUP)), at + ", then a rollback: the backup");
                assertFalse(Files.exists(boot.resolve(BootSetPush.STAGING)), at + ", then a rollback: no staging left");
                journalByRollback |= journal;
            } else {
                // Or pushes the new set again: a pending journal (the rollback) is completed first,
                // then the new set switched in; without one, the new set is still active.
                PushResult push = push(boot, newSet, PushProgress.NONE);
                assertEquals(journal, push.recovered(), at + ", then a push: completes a pending journal first");
                assertEquals(journal ? PushResult.Action.SWITCHED : PushResult.Action.UP_TO_DATE, push.action(), at);
                assertWhole(boot, NEW, at + ", then a push");
                if (journal) assertEquals(OLD, files(boot.resolve(BootSetPush.BACKUP)), at + ", then a push: the backup");
                journalByPush |= journal;
            }
        }
        assertTrue(cuts > 12, "the rollback has many steps, saw " + cuts);
        assertTrue(journalByPush && journalByRollback, "cuts after the commit point were completed by a push and by a rollback");
    }

    @Test
    void droppedConnectionAtEveryStepDoesNotStopTheSwitchOver() throws Exception {
        List<PushFile> newSet = images("new", NEW);
        int drops = 0;
        for (int k = 1; ; k++) {
            if (k > 200) fail("the push never completed");
            Path boot = device("drop-" + k, OLD, OLDER);
            int step = k;
            Future<PushResult> push = background.submit(() -> push(boot, newSet, armedAtVerify(step)));
            String cut = awaitCut(push);
            if (cut == null) {
                assertEquals(PushResult.Action.SWITCHED, push.get().action());
                break;
            }
            drops++;
            String at = "connection dropped before step " + k + " (" + cut + ")";
            // The shells serving the push: the script's shell up to sshd's per-connection processes.
            List<ProcessHandle> shells = new ArrayList<>();
            for (ProcessHandle h = ProcessHandle.of(Long.parseLong(cut.split(" ")[0])).orElseThrow();
                 !TestSshd.isSshd(h); h = h.parent().orElseThrow()) {
                shells.add(h);
            }
            sshd.dropConnections();
            assertCutFails(push, at);
            Files.delete(ctl.resolve("armed")); // the rest runs straight through
            Files.writeString(ctl.resolve("go"), ""); // the script carries on, its connection gone
            for (ProcessHandle h : shells) TestSshd.awaitExit(h, WAIT);
            disarm();
            assertFalse(Files.exists(boot.resolve(BootSetPush.JOURNAL)), at + ": the switch-over completed its journal");
            assertWhole(boot, NEW, at);
            assertEquals(OLD, files(boot.resolve(BootSetPush.BACKUP)), at + ": the backup");
            assertFalse(Files.exists(boot.resolve(BootSetPush.STAGING)), at + ": no staging left");
        }
        assertTrue(drops > 12, "the push's final command has many steps, saw " + drops);
        // And the device is then simply up to date.
        Path boot = tmp.resolve("drop-1/boot");
        PushResult r = push(boot, newSet, PushProgress.NONE);
        assertEquals(PushResult.Action.UP_TO_DATE, r.action());
        assertFalse(r.recovered());
    }

    private static Map<String, String> withoutLock(Map<String, String> snapshot) {
        Map<String, String> m = new TreeMap<>(snapshot);
        m.keySet().removeIf(k -> k.equals(".skiff-lock") || k.startsWith(".skiff-lock/"));
        return m;
    }

    // ---- the cut

    /** Arms the wrappers when the push reaches its final command (verify and switch over). */
    private PushProgress armedAtVerify(int step) {
        return new PushProgress() {
            @Override
            public void step(String message) {
                if (message.startsWith("Verifying")) {
                    try {
                        arm(step);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
    }

    private void arm(int step) throws IOException {
        Files.deleteIfExists(ctl.resolve("cut"));
        Files.deleteIfExists(ctl.resolve("go"));
        Files.writeString(ctl.resolve("count"), "0\n");
        Files.writeString(ctl.resolve("armed"), step + "\n");
    }

    private void disarm() throws IOException {
        Files.deleteIfExists(ctl.resolve("armed"));
        Files.deleteIfExists(ctl.resolve("cut"));
        Files.deleteIfExists(ctl.resolve("go"));
    }

    /** Waits until a wrapper holds the script ("<script shell pid> <command>"), or null if {@code op} finished first. */
    private String awaitCut(Future<PushResult> op) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Path cut = ctl.resolve("cut");
        while (System.nanoTime() < deadline) {
            if (Files.exists(cut)) {
                String s = Files.readString(cut);
                if (s.endsWith("\n")) return s.strip();
            }
            if (op.isDone()) {
                disarm();
                return null;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("neither a cut nor the end of the operation within " + WAIT);
    }

    private static void assertCutFails(Future<PushResult> op, String at) throws Exception {
        try {
            PushResult r = op.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            fail(at + ": the operation reported success over a dead connection: " + r);
        } catch (ExecutionException e) {
            assertInstanceOf(SkiffException.class, e.getCause(), at);
        }
    }

    // ---- the device

    private PushResult push(Path boot, List<PushFile> files, PushProgress progress) {
        try (DeviceConnection c = sshd.connect()) {
            return new BootSetPush(c, boot.toString(), progress).push(files);
        }
    }

    private PushResult rollback(Path boot) {
        try (DeviceConnection c = sshd.connect()) {
            return new BootSetPush(c, boot.toString(), PushProgress.NONE).rollback();
        }
    }

    /** A boot directory with {@code active} and its manifest, {@code backup} in .skiff-backup/, and a user's file. */
    private Path device(String name, Map<String, String> active, Map<String, String> backup) throws Exception {
        Path boot = Files.createDirectories(tmp.resolve(name).resolve("boot"));
        writeSet(boot, active);
        Files.writeString(boot.resolve(BootSetPush.MANIFEST), manifest(active));
        Files.writeString(boot.resolve("keep.txt"), "user file");
        Path p = Files.createDirectories(boot.resolve(BootSetPush.BACKUP));
        writeSet(p, backup);
        Files.writeString(p.resolve(BootSetPush.MANIFEST), manifest(backup));
        return boot;
    }

    /** {@code boot} holds exactly {@code set}, its manifest, no journal, and the user's file untouched. */
    private static void assertWhole(Path boot, Map<String, String> set, String at) throws Exception {
        assertFalse(Files.exists(boot.resolve(BootSetPush.JOURNAL)), at + ": no journal");
        Map<String, String> active = files(boot);
        assertEquals("user file", active.remove("keep.txt"), at + ": the user's file");
        assertEquals(set, active, at + ": the active set (a mix of two sets, or a partial one, fails here)");
        assertEquals(manifest(set), Files.readString(boot.resolve(BootSetPush.MANIFEST)), at + ": the manifest");
    }

    private List<PushFile> images(String name, Map<String, String> set) throws IOException {
        Path dir = tmp.resolve("images-" + name);
        writeSet(dir, set);
        try (ImageSource src = ImageSource.fromDirectory(dir, List.of())) {
            return PushFile.allOf(src);
        }
    }

    private static Map<String, String> set(String... pathsAndContents) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) m.put(pathsAndContents[i], pathsAndContents[i + 1]);
        return m;
    }

    private static void writeSet(Path dir, Map<String, String> set) throws IOException {
        for (Map.Entry<String, String> e : set.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
        }
    }

    /** The files under {@code dir} but push's own state. */
    private static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(f).toString();
                if (!rel.startsWith(".skiff")) m.put(rel, Files.readString(f));
            }
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

    private static void writeExecutable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        assertTrue(file.toFile().setExecutable(true), "chmod +x " + file);
    }
}
