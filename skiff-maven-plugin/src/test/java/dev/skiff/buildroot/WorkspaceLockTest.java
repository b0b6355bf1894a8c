package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    void deletingAWorkspaceWaitsForNoOneAndRemovesEverything() throws Exception {
        Path w = ws.resolve("ws");
        Files.createDirectories(w.resolve("build/busybox"));
        Files.writeString(w.resolve("build/busybox/.stamp_built"), "");
        try (WorkspaceLock busy = WorkspaceLock.acquire(w, "skiff:compile")) {
            assertThrows(SkiffException.class, () -> WorkspaceLock.deleteWorkspace(w), "a running build keeps its workspace");
        }
        assertTrue(Files.exists(w.resolve("build/busybox/.stamp_built")));
        WorkspaceLock.deleteWorkspace(w);
        assertTrue(!Files.exists(w));
    }
}
