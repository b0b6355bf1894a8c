package dev.skiff.buildroot;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Keeps two builds out of one workspace: two {@code make} runs in one output tree corrupt it in
 * ways that show up hours later. An OS file lock, so a crashed build never leaves it held.
 */
public final class WorkspaceLock implements AutoCloseable {
    public static final String FILE = ".skiff.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private WorkspaceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or fails at once, naming the holder. */
    public static WorkspaceLock acquire(Path workspaceDir, String what) {
        Path file = workspaceDir.resolve(FILE);
        try {
            Files.createDirectories(workspaceDir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by another thread of this JVM (mvn -T)
            }
            if (l == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
                ch.close();
                throw new SkiffException("workspace " + workspaceDir + " is in use by another build"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + ". Wait for it to finish, or use another"
                        + " -Dskiff.workspace. The lock is " + file + "; it is released when that build exits.");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((what + " by pid " + ProcessHandle.current().pid() + " since " + Instant.now())
                    .getBytes(StandardCharsets.UTF_8)), 0);
            return new WorkspaceLock(ch, l);
        } catch (IOException e) {
            throw new SkiffException("cannot lock workspace " + workspaceDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes a workspace under its lock, so a build running in it is never pulled out from under
     * it. The lock file and the directory go last, once the lock is released.
     */
    public static void deleteWorkspace(Path workspaceDir) {
        try (WorkspaceLock lock = acquire(workspaceDir, "skiff:clean")) {
            try (java.util.stream.Stream<Path> s = Files.walk(workspaceDir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    if (!p.equals(workspaceDir.resolve(FILE)) && !p.equals(workspaceDir)) Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new SkiffException("cannot delete workspace " + workspaceDir + ": " + e, e);
        }
        try {
            Files.deleteIfExists(workspaceDir.resolve(FILE));
            Files.deleteIfExists(workspaceDir);
        } catch (IOException e) {
            throw new SkiffException("cannot delete workspace " + workspaceDir + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel releases the lock in any case.
        }
    }
}
