package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceLockTest {
    @TempDir
    Path ws;

    @Test
    void aSecondBuildInTheSameWorkspaceIsRefusedUntilTheFirstEnds() {
        try (WorkspaceLock first = WorkspaceLock.acquire(ws, "skiff:compile")) {
            SkiffException e = assertThrows(SkiffException.class, () -> WorkspaceLock.acquire(ws, "skiff:compile"));
            assertTrue(e.getMessage().contains("is in use by another build"), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        WorkspaceLock.acquire(ws, "again").close();
    }

    @Test
    void aLockHeldByAnotherProcessIsRespected() throws Exception {
        // A child shell holds an fcntl lock through python3; fcntl locks are what FileChannel uses.
        Path lockFile = ws.resolve(WorkspaceLock.FILE);
        Files.writeString(lockFile, "");
        Process holder = new ProcessBuilder("python3", "-c",
                "import fcntl,sys,time\nf=open(sys.argv[1],'r+')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(30)",
                lockFile.toString()).redirectErrorStream(true).start();
        try {
            String line = new String(holder.getInputStream().readNBytes(6));
            assertTrue(line.equals("locked"), line);
            assertThrows(SkiffException.class, () -> WorkspaceLock.acquire(ws, "skiff:compile"));
        } finally {
            holder.destroyForcibly().waitFor();
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock l = ch.tryLock()) {
            assertTrue(l != null, "released when the holder died");
        }
    }

    @Test
    void deletingAWorkspaceWaitsForNoOneAndRemovesEverythingButTheLockFile() throws Exception {
        Path w = ws.resolve("ws");
        Files.createDirectories(w.resolve("build/busybox"));
        Files.writeString(w.resolve("build/busybox/.stamp_built"), "");
        Files.writeString(w.resolve(".config"), "BR2_HAVE_DOT_CONFIG=y\n");
        try (WorkspaceLock busy = WorkspaceLock.acquire(w, "skiff:compile")) {
            assertThrows(SkiffException.class, () -> WorkspaceLock.deleteWorkspace(w), "a running build keeps its workspace");
        }
        assertTrue(Files.exists(w.resolve("build/busybox/.stamp_built")));
        assertFalse(WorkspaceLock.isEmpty(w));
        WorkspaceLock.deleteWorkspace(w);
        try (Stream<Path> left = Files.list(w)) {
            assertEquals(List.of(w.resolve(WorkspaceLock.FILE)), left.toList());
        }
        assertTrue(WorkspaceLock.isEmpty(w));
        assertTrue(WorkspaceLock.isEmpty(ws.resolve("never-created")));
    }

    /**
     * Another build opened the lock file and waits for it while skiff:clean runs. Had clean deleted
     * the file, that build would lock a file with no name, and a third build would lock a new file
     * under the same name: two builds in one workspace.
     */
    @Test
    void deletingAWorkspaceKeepsTheLockFileAnotherBuildWaitsOn() throws Exception {
        Path w = ws.resolve("ws");
        Files.createDirectories(w.resolve("build"));
        Path lockFile = w.resolve(WorkspaceLock.FILE);
        Files.writeString(lockFile, "");
        Process waiter = new ProcessBuilder("python3", "-c", String.join("\n",
                "import fcntl,os,sys,time",
                "f=open(sys.argv[1],'r+')",
                "print('opened',flush=True)",
                "sys.stdin.readline()",
                "fcntl.lockf(f,fcntl.LOCK_EX)",
                "print('locked',flush=True)",
                "time.sleep(30)"), lockFile.toString()).redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(waiter.getInputStream()));
            assertEquals("opened", out.readLine());

            WorkspaceLock.deleteWorkspace(w);

            waiter.getOutputStream().write('\n');
            waiter.getOutputStream().flush();
            assertEquals("locked", out.readLine());
            SkiffException e = assertThrows(SkiffException.class, () -> WorkspaceLock.acquire(w, "skiff:compile"),
                    "the waiting build holds the workspace's one lock file");
            assertTrue(e.getMessage().contains("is in use by another build"), e.getMessage());
        } finally {
            waiter.destroyForcibly().waitFor();
        }
    }

    /** {@code setsid <command>}: the new process leads a process group (and session) of its own. */
    private static Process group(String... command) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("setsid"));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // start() returns before setsid has run; wait until the process leads its group.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (MakeGroup.Stat.read(p.pid()).map(s -> s.pgrp() != p.pid()).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return p;
    }

    @Test
    void aMakeStillRunningFromAKilledBuildKeepsEveryOtherBuildOut() throws Exception {
        // Plays the make of a build whose JVM and watchdog were killed: a process group that runs
        // on, recorded in the workspace.
        Files.writeString(ws.resolve(".config"), "BR2_HAVE_DOT_CONFIG=y\n");
        Process orphan = group("sleep", "300");
        try {
            MakeGroup g = MakeGroup.of(orphan.toHandle(), "make -C /buildroot O=" + ws + " all");
            g.record(ws);
            assertTrue(g.alive());

            SkiffException e = assertThrows(SkiffException.class, () -> WorkspaceLock.acquire(ws, "skiff:compile"));
            assertTrue(e.getMessage().contains("Buildroot is still running there"), e.getMessage());
            assertTrue(e.getMessage().contains("process group " + orphan.pid() + " (`make -C /buildroot O=" + ws + " all`)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("stop it with `kill -TERM -" + orphan.pid() + "`"), e.getMessage());
            assertThrows(SkiffException.class, () -> WorkspaceLock.deleteWorkspace(ws), "clean is refused too");
            assertTrue(Files.exists(ws.resolve(".config")));
            // Refusing released the OS lock again.
            try (FileChannel ch = FileChannel.open(ws.resolve(WorkspaceLock.FILE), StandardOpenOption.WRITE);
                    FileLock l = ch.tryLock()) {
                assertTrue(l != null);
            }

            // The command the message gives stops it; then the workspace is free.
            Process stop = new ProcessBuilder("sh", "-c", g.stopCommand()).inheritIO().start();
            assertEquals(0, stop.waitFor());
            assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "kill -TERM -pgid stopped the group");
            assertFalse(g.alive());
            WorkspaceLock.acquire(ws, "skiff:compile").close();
            assertFalse(Files.exists(ws.resolve(MakeGroup.RECORD)), "the stale record is removed");
        } finally {
            orphan.destroyForcibly().waitFor();
        }
    }

    @Test
    void aGroupLivesOnWhileAnyMemberRunsAfterItsLeaderExited() throws Exception {
        // The leader (make's watchdog) is gone; make, re-parented, still runs in its group.
        Process leader = group("sh", "-c", "sleep 300 & echo $!; read -r _");
        ProcessHandle member = null;
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(leader.getInputStream()));
            member = ProcessHandle.of(Long.parseLong(out.readLine().trim())).orElseThrow();
            MakeGroup g = MakeGroup.of(leader.toHandle(), "make");
            leader.getOutputStream().close(); // read gets EOF: the leader exits
            assertTrue(leader.waitFor(10, TimeUnit.SECONDS));
            assertTrue(member.isAlive());

            assertTrue(g.alive(), "a member of the group still runs");
            assertEquals(List.of(member.pid()), g.members().stream().map(ProcessHandle::pid).toList());
            g.record(ws);
            assertThrows(SkiffException.class, () -> WorkspaceLock.acquire(ws, "skiff:br all"));

            g.stop(java.time.Duration.ofSeconds(2));
            member.onExit().get(10, TimeUnit.SECONDS);
            assertFalse(g.alive());
            WorkspaceLock.acquire(ws, "skiff:br all").close();
        } finally {
            leader.destroyForcibly().waitFor();
            if (member != null) member.destroyForcibly();
        }
    }

    @Test
    void aRecordOfAGroupThatIsGoneOrOfAReusedPidIsStale() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        MakeGroup gone = new MakeGroup(done.pid(), "1", java.time.Instant.now(), "make");
        assertFalse(gone.alive());

        // A live group leader, but started at another time than the recorded one: the pid was reused.
        Process other = group("sleep", "300");
        try {
            MakeGroup.Stat st = MakeGroup.Stat.read(other.pid()).orElseThrow();
            assertEquals(other.pid(), st.pgrp());
            assertTrue(new MakeGroup(other.pid(), st.startTicks(), java.time.Instant.now(), "make").alive());
            MakeGroup reused = new MakeGroup(other.pid(), st.startTicks() + "7", java.time.Instant.now(), "make");
            assertFalse(reused.alive());
            // Stopping the dead group must not touch the process that now has its number.
            assertEquals(List.of(), reused.members());
            reused.stop(java.time.Duration.ofMillis(200));
            assertTrue(other.isAlive());
            reused.record(ws);
            WorkspaceLock.acquire(ws, "skiff:compile").close();
            assertFalse(Files.exists(ws.resolve(MakeGroup.RECORD)), "the stale record is removed");
        } finally {
            other.destroyForcibly().waitFor();
        }

        Files.createDirectories(ws.resolve(".skiff"));
        Files.writeString(ws.resolve(MakeGroup.RECORD), "pgid=not a number\n");
        assertTrue(MakeGroup.recorded(ws).isEmpty());
        WorkspaceLock.acquire(ws, "skiff:compile").close();
    }
}
