package dev.skiff.buildroot;

import dev.skiff.FileTree;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Keeps two builds out of one workspace: two {@code make} runs in one output tree corrupt it in
 * ways that show up hours later. An OS file lock, so a crashed build never leaves it held.
 *
 * <p>The lock dies with the JVM that holds it, but a make may not: so taking the lock also checks
 * the workspace's {@link MakeGroup} record, and refuses while the make of an earlier build still
 * runs there (its JVM was killed and, somehow, its watchdog too).
 *
 * <p>The lock file is never deleted, not even by {@link #deleteWorkspace}: another process may
 * have it open, waiting, and would then lock a file that no longer has a name while a third
 * process locks a new one under the same name.
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
            Optional<MakeGroup> orphan = MakeGroup.recorded(workspaceDir).filter(MakeGroup::alive);
            if (orphan.isPresent()) {
                ch.close(); // releases the lock
                throw orphanRunning(workspaceDir, orphan.get());
            }
            MakeGroup.forget(workspaceDir);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((what + " by pid " + ProcessHandle.current().pid() + " since " + Instant.now())
                    .getBytes(StandardCharsets.UTF_8)), 0);
            return new WorkspaceLock(ch, l);
        } catch (IOException e) {
            throw new SkiffException("cannot lock workspace " + workspaceDir + ": " + e.getMessage(), e);
        }
    }

    private static SkiffException orphanRunning(Path workspaceDir, MakeGroup g) {
        return new SkiffException("workspace " + workspaceDir + ": Buildroot is still running there, without the"
                + " build that started it: process group " + g.pgid() + " (`" + g.command() + "`), started "
                + g.started().truncatedTo(ChronoUnit.SECONDS) + ". Its Maven was killed before it could stop make."
                + " Two makes in one workspace corrupt it, so this build does not start. Wait for that make to"
                + " finish, or stop it with `" + g.stopCommand() + "`, then run again.");
    }

    /**
     * Deletes everything in a workspace under its lock, so a build running in it is never pulled
     * out from under it. The directory and its lock file stay (see the class comment).
     */
    public static void deleteWorkspace(Path workspaceDir) {
        try (WorkspaceLock lock = acquire(workspaceDir, "skiff:clean")) {
            List<Path> entries;
            try (Stream<Path> s = Files.list(workspaceDir)) {
                entries = s.filter(p -> !p.getFileName().toString().equals(FILE)).sorted().toList();
            }
            for (Path p : entries) FileTree.delete(p);
        } catch (IOException | UncheckedIOException e) {
            throw new SkiffException("cannot delete workspace " + workspaceDir + ": " + e.getMessage(), e);
        }
    }

    /** True if {@code workspaceDir} is missing or holds nothing but its lock file. */
    public static boolean isEmpty(Path workspaceDir) {
        if (!Files.isDirectory(workspaceDir)) return true;
        try (Stream<Path> s = Files.list(workspaceDir)) {
            return s.allMatch(p -> p.getFileName().toString().equals(FILE));
        } catch (IOException | UncheckedIOException e) {
            return false;
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
