package dev.skiff.buildroot;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The process group a Buildroot {@code make} runs in (see {@code make-watchdog.sh}), as recorded
 * in its workspace while it runs. The record outlives a JVM killed with SIGKILL, so the next build
 * can tell whether that make is still running there and refuse to start a second one beside it.
 *
 * <p>A group is identified by its leader's pid and the leader's start time (in clock ticks since
 * boot, from {@code /proc/<pid>/stat}), so a pid reused by an unrelated process is not mistaken
 * for the build. Linux does not hand out a pid that is still in use as a process group id, so
 * while any member of the group lives, its id stays the build's.
 *
 * @param pgid the process group id: the watchdog's pid
 * @param startTicks the leader's start time from {@code /proc/<pgid>/stat}; empty where unknown
 * @param started the same moment as a time of day, for messages
 * @param command the make command line, for messages
 */
public record MakeGroup(long pgid, String startTicks, Instant started, String command) {
    /** Where a workspace records the group of the make that runs in it. */
    public static final String RECORD = ".skiff/make-group";

    private static final Path PROC = Path.of("/proc");

    /** The group led by {@code leader}, which was just started to run {@code command}. */
    static MakeGroup of(ProcessHandle leader, String command) {
        String ticks = Stat.read(leader.pid()).map(Stat::startTicks).orElse("");
        Instant started = leader.info().startInstant().orElse(Instant.now());
        return new MakeGroup(leader.pid(), ticks, started, command);
    }

    /** The shell command that stops the whole group (a negative pid names a group; dash has no {@code --}). */
    public String stopCommand() {
        return "kill -TERM -" + pgid;
    }

    /**
     * True while any process of the group runs: its leader (the same process, by start time), or,
     * once the leader is gone, any process still in the group.
     */
    public boolean alive() {
        Optional<Stat> leader = Stat.read(pgid);
        if (leader.isPresent() && !leader.get().zombie()) return ours(leader.get());
        if (leader.isEmpty() && !Files.isDirectory(PROC)) {
            return ProcessHandle.of(pgid).map(ProcessHandle::isAlive).orElse(false);
        }
        // The leader has exited (or waits to be reaped); the group lives while a member runs.
        return !members().isEmpty();
    }

    /** Whether {@code leader}, the process with pid {@link #pgid}, is this group's leader. */
    private boolean ours(Stat leader) {
        return leader.pgrp() == pgid && (startTicks.isEmpty() || startTicks.equals(leader.startTicks()));
    }

    /** The live processes of the group, found in {@code /proc}; empty without it. */
    public List<ProcessHandle> members() {
        List<ProcessHandle> out = new ArrayList<>();
        if (!Files.isDirectory(PROC)) return out;
        // Another process with the leader's pid means the group is gone: Linux does not reuse a
        // pid while a group has that id. Its namesake must not be taken for it (and stopped).
        Optional<Stat> leader = Stat.read(pgid);
        if (leader.isPresent() && !ours(leader.get())) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path p : ds) {
                long pid;
                try {
                    pid = Long.parseLong(p.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                Optional<Stat> s = Stat.read(pid);
                if (s.isPresent() && s.get().pgrp() == pgid && !s.get().zombie()) {
                    ProcessHandle.of(pid).ifPresent(out::add);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // /proc unreadable: nothing found is the best answer we have.
        }
        return out;
    }

    /**
     * Stops every process of the group: SIGTERM, then SIGKILL to what is left after {@code grace}.
     * For processes that left make's tree (re-parented orphans) but not its group.
     */
    void stop(Duration grace) {
        List<ProcessHandle> members = members();
        if (members.isEmpty()) return;
        members.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        boolean interrupted = Thread.interrupted();
        while (!interrupted && System.nanoTime() < deadline && !members().isEmpty()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        members().forEach(ProcessHandle::destroyForcibly);
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Records this group in {@code workspaceDir}, replacing any earlier record. */
    void record(Path workspaceDir) throws IOException {
        Path file = workspaceDir.resolve(RECORD);
        Files.createDirectories(file.getParent());
        String text = "# The process group of the make running in this workspace, written by Skiff.\n"
                + "pgid=" + pgid + "\n"
                + "startTicks=" + startTicks + "\n"
                + "started=" + started + "\n"
                + "command=" + command.replace('\n', ' ') + "\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The group recorded in {@code workspaceDir}; empty if there is none or it cannot be read. */
    public static Optional<MakeGroup> recorded(Path workspaceDir) {
        Path file = workspaceDir.resolve(RECORD);
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            long pgid = Long.parseLong(p.getProperty("pgid", "").trim());
            if (pgid <= 1) return Optional.empty();
            Instant started = Instant.parse(p.getProperty("started", Instant.EPOCH.toString()).trim());
            return Optional.of(new MakeGroup(pgid, p.getProperty("startTicks", "").trim(), started,
                    p.getProperty("command", "make").trim()));
        } catch (IOException | RuntimeException e) {
            // NumberFormatException, DateTimeParseException: a damaged record names no group. A
            // live make would have rewritten it in full (the write is atomic), so it is stale.
            return Optional.empty();
        }
    }

    /** Removes the record of {@code workspaceDir}, if any. */
    static void forget(Path workspaceDir) {
        try {
            Files.deleteIfExists(workspaceDir.resolve(RECORD));
        } catch (IOException e) {
            // A stale record costs one /proc look-up at the next start; it is never trusted blindly.
        }
    }

    /** The fields of {@code /proc/<pid>/stat} that identify a process and its group. */
    record Stat(char state, long pgrp, String startTicks) {
        boolean zombie() {
            return state == 'Z' || state == 'X';
        }

        static Optional<Stat> read(long pid) {
            String s;
            try {
                s = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            } catch (IOException | UncheckedIOException e) {
                return Optional.empty();
            }
            // "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
            // utime stime cutime cstime priority nice num_threads itrealvalue starttime ...";
            // comm may hold spaces and parentheses, so split after the last ')'.
            int close = s.lastIndexOf(')');
            if (close < 0) return Optional.empty();
            String[] f = s.substring(close + 1).trim().split("\\s+");
            if (f.length < 20 || f[0].isEmpty()) return Optional.empty();
            try {
                return Optional.of(new Stat(f[0].charAt(0), Long.parseLong(f[2]), f[19]));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
