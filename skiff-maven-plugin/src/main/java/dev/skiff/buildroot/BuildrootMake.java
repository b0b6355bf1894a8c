package dev.skiff.buildroot;

import dev.skiff.SkiffException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs GNU make against a Buildroot tree as a child process, streaming its output to a log file
 * and a listener, and making sure no part of the build outlives a cancelled run.
 *
 * <p>make runs under {@code make-watchdog.sh} (a resource of this package), which leads a process
 * group of its own and stops it when this JVM dies, also by SIGKILL. While make runs, its group is
 * recorded in the output directory ({@link MakeGroup#RECORD}), so that a later build can see a
 * make that is somehow still running there and refuse to start a second one.
 */
public final class BuildrootMake {

    /** How many trailing output lines a {@link MakeResult} keeps for error messages. */
    public static final int TAIL_LINES = 40;

    /**
     * The only variables taken from our own environment. Buildroot is sensitive to stray
     * variables (CDPATH makes {@code cd} print and corrupts captured paths, PERL_MM_OPT breaks
     * host-perl modules, LD_LIBRARY_PATH and PKG_CONFIG_PATH leak host libraries into host
     * tools, CC/CFLAGS/ARCH change package builds), and a Maven JVM inherits whatever the
     * user's shell or IDE had. An allow list keeps builds reproducible across shells.
     *
     * <p>SHELL is deliberately absent: GNU make never takes SHELL from the environment, and
     * Buildroot picks and exports bash itself.
     */
    static final List<String> PASSED_THROUGH =
            List.of("PATH", "HOME", "USER", "LOGNAME", "TERM", "TMPDIR");

    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    // Long enough for make to remove half-written targets on SIGTERM, short enough that Ctrl-C
    // still feels immediate.
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private static final Object END_OF_OUTPUT = new Object();

    /** The resource that runs make in its own process group and stops it with this JVM. */
    static final String WATCHDOG = "make-watchdog.sh";

    private final Map<String, String> parentEnvironment;

    /** Takes the allowed variables from this JVM's environment. */
    public BuildrootMake() {
        this(System.getenv());
    }

    /** Takes the allowed variables from {@code parentEnvironment} instead of this JVM's. */
    BuildrootMake(Map<String, String> parentEnvironment) {
        this.parentEnvironment = Map.copyOf(parentEnvironment);
    }

    /**
     * Runs {@code make -C <tree> O=<outputDir> <arguments...>} to completion.
     *
     * <p>The listener is called on the calling thread, once per output line (stderr merged).
     * Interrupting the calling thread, a JVM shutdown (Ctrl-C) or the JVM's death (SIGKILL) stops
     * make and every process it started.
     *
     * @return the result, also for a non-zero exit; use {@link MakeResult#requireSuccess}
     * @throws SkiffException if make is missing, cannot start, the log cannot be written, or the
     *     run was interrupted (the thread's interrupt flag is then set again)
     */
    public MakeResult run(MakeInvocation inv, Consumer<String> lineListener) {
        Objects.requireNonNull(inv, "inv");
        Objects.requireNonNull(lineListener, "lineListener");
        Map<String, String> env = environmentFor(inv);
        String path = env.get("PATH");
        Path make = findOnPath("make", path).orElseThrow(() -> new SkiffException(
                "GNU make not found on PATH (" + path + "); install it, e.g. `apt-get install"
                        + " make`, or put it on the PATH of the shell that runs Maven."));
        Path setsid = findOnPath("setsid", path).or(() -> findOnPath("setsid", DEFAULT_PATH))
                .orElseThrow(() -> new SkiffException("setsid not found on PATH (" + path + "). Skiff runs make"
                        + " in a process group of its own, so that no part of a build outlives Maven; setsid comes"
                        + " with util-linux: install it, e.g. `apt-get install util-linux`."));
        List<String> command = inv.command(make.toString());
        // make runs below the watchdog, which leads a new process group (setsid) and stops that
        // group when this JVM dies, even by SIGKILL, when no shutdown hook runs.
        Path watchdog = ShippedScript.install(WATCHDOG, inv.outputDir().resolve(".skiff").resolve(WATCHDOG));

        BufferedWriter log = openLog(inv.logFile());
        try {
            writeHeader(log, command, env);
        } catch (IOException e) {
            closeQuietly(log);
            throw logWriteFailure(inv.logFile(), e, "make was not started");
        }

        List<String> wrapped = new ArrayList<>(List.of(setsid.toString(), "/bin/sh", watchdog.toString(),
                Long.toString(ProcessHandle.current().pid())));
        wrapped.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(wrapped)
                .directory(inv.tree().dir().toFile())
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            closeQuietly(log);
            throw new SkiffException("Cannot start `" + String.join(" ", command) + "`: "
                    + e.getMessage(), e);
        }
        MakeGroup group = MakeGroup.of(process.toHandle(), String.join(" ", command));
        try {
            // The record outlives this JVM: the next build in the workspace checks it and refuses
            // while this group runs (WorkspaceLock.acquire).
            group.record(inv.outputDir());
            log.write("# process group " + group.pgid() + "; stop it with: " + group.stopCommand());
            log.newLine();
        } catch (IOException e) {
            destroyTree(process.toHandle(), KILL_GRACE);
            closeQuietly(log);
            throw new SkiffException("Cannot record the make process in " + inv.outputDir().resolve(MakeGroup.RECORD)
                    + " or write " + inv.logFile() + ": " + e.getMessage() + "; make was stopped."
                    + " Check free disk space and permissions.", e);
        }
        return supervise(inv, process, group, log, lineListener);
    }

    /**
     * Runs {@code command} attached to this terminal (menuconfig, a layer's {@code run} command):
     * the user must see and answer it, so nothing is logged. The environment is as explicit as
     * for {@link #run}, and the process tree dies with the JVM.
     */
    public int runAttached(List<String> command, Path directory, Map<String, String> environment) {
        Map<String, String> env = environmentFor(environment);
        ProcessBuilder pb = new ProcessBuilder(command).directory(directory.toFile()).inheritIO();
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new SkiffException("Cannot start `" + String.join(" ", command) + "`: " + e.getMessage(), e);
        }
        Thread hook = new Thread(() -> destroyTree(process.toHandle(), KILL_GRACE), "skiff-attached-" + process.pid());
        Runtime.getRuntime().addShutdownHook(hook);
        boolean finished = false;
        try {
            int code = process.waitFor();
            finished = true;
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkiffException("`" + String.join(" ", command) + "` was interrupted and stopped.", e);
        } finally {
            if (!finished) destroyTree(process.toHandle(), KILL_GRACE);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is already running and does the same cleanup.
            }
        }
    }

    private MakeResult supervise(MakeInvocation inv, Process process, MakeGroup group, BufferedWriter log,
            Consumer<String> listener) {
        long started = System.nanoTime();
        // make runs in a session of its own, so Ctrl-C in the terminal, `kill <maven pid>` and an
        // IDE's stop button all reach only the JVM: this hook stops the build then. A JVM killed
        // with SIGKILL runs no hook; the watchdog stops the group in that case.
        Thread hook = new Thread(() -> {
            destroyTree(process.toHandle(), KILL_GRACE);
            group.stop(KILL_GRACE);
        }, "skiff-make-shutdown-" + process.pid());
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            destroyTree(process.toHandle(), KILL_GRACE);
            closeQuietly(log);
            throw new SkiffException("Not running `" + inv.describe()
                    + "`: the JVM is shutting down.");
        }

        BlockingQueue<Object> output = new ArrayBlockingQueue<>(4096);
        Thread reader = new Thread(() -> pump(process.getInputStream(), output),
                "skiff-make-output-" + process.pid());
        reader.setDaemon(true);
        boolean finished = false;
        boolean interrupted = false;
        try {
            // Recipes that read stdin must see EOF rather than hang waiting for a terminal.
            process.getOutputStream().close();
            reader.start();
            Deque<String> tail = new ArrayDeque<>(TAIL_LINES);
            while (true) {
                Object item = output.poll();
                if (item == null) {
                    // Flush whenever make goes quiet, so `tail -f` on the log stays current
                    // without paying a flush per line during bursts.
                    log.flush();
                    item = output.take();
                }
                if (item == END_OF_OUTPUT) {
                    break;
                }
                if (item instanceof IOException e) {
                    throw new SkiffException("Lost the output of `" + inv.describe() + "`: "
                            + e.getMessage() + ". Partial log: " + inv.logFile(), e);
                }
                String line = (String) item;
                log.write(line);
                log.newLine();
                if (tail.size() == TAIL_LINES) {
                    tail.removeFirst();
                }
                tail.addLast(line);
                listener.accept(line);
            }
            int exitCode = process.waitFor();
            finished = true;
            log.write("# exit " + exitCode + " after "
                    + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");
            log.newLine();
            log.flush();
            return new MakeResult(exitCode, inv.logFile(), List.copyOf(tail));
        } catch (InterruptedException e) {
            interrupted = true;
            throw new SkiffException("`" + inv.describe() + "` was interrupted; make and all"
                    + " processes it started were stopped. Partial log: " + inv.logFile(), e);
        } catch (IOException e) {
            throw logWriteFailure(inv.logFile(), e, "make was stopped");
        } finally {
            if (!finished) {
                destroyTree(process.toHandle(), KILL_GRACE);
            }
            // What left make's tree but not its group (a re-parented orphan, a stray background
            // job) is part of the build too; once nothing of it runs, the record has served.
            group.stop(KILL_GRACE);
            if (!group.alive()) {
                MakeGroup.forget(inv.outputDir());
            }
            // The reader may be blocked handing a line to a consumer that has gone away.
            reader.interrupt();
            closeQuietly(log);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is already running and does the same cleanup.
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The complete environment make runs with; nothing else of ours reaches it. */
    Map<String, String> environmentFor(MakeInvocation inv) {
        return environmentFor(inv.environment());
    }

    Map<String, String> environmentFor(Map<String, String> extra) {
        Map<String, String> env = new TreeMap<>();
        for (String name : PASSED_THROUGH) {
            String value = parentEnvironment.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        // Tools parse each other's messages (and Buildroot greps compiler output), so pin the
        // locale; Buildroot itself sets LC_ALL=C only for its own recipes.
        env.put("LANG", "C");
        env.put("LC_ALL", "C");
        env.putAll(extra);
        return env;
    }

    static Optional<Path> findOnPath(String program, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            // Empty and relative entries would depend on make's working directory; Buildroot
            // rejects them in PATH anyway.
            if (entry.isEmpty()) {
                continue;
            }
            try {
                Path dir = Path.of(entry);
                if (!dir.isAbsolute()) {
                    continue;
                }
                Path candidate = dir.resolve(program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            } catch (InvalidPathException ignored) {
                // Not a usable directory; keep looking.
            }
        }
        return Optional.empty();
    }

    /**
     * Stops {@code root} and everything below it: SIGTERM to all, then SIGKILL to whatever is
     * left after {@code grace}. The descendants are captured first because once make dies its
     * children are re-parented and no longer reachable from it.
     */
    static void destroyTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> targets = new ArrayList<>();
        root.descendants().forEach(targets::add);
        targets.add(root);
        targets.forEach(ProcessHandle::destroy);

        // A pending interrupt must not cut the grace short to nothing, but a second one
        // (impatient user) skips straight to SIGKILL.
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + grace.toNanos();
        while (!interrupted && System.nanoTime() < deadline
                && targets.stream().anyMatch(ProcessHandle::isAlive)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // Anything make spawned after the first snapshot.
        root.descendants().forEach(targets::add);
        targets.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pump(InputStream in, BlockingQueue<Object> output) {
        try {
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.put(line);
                }
                output.put(END_OF_OUTPUT);
            } catch (IOException e) {
                output.put(e);
            }
        } catch (InterruptedException consumerGone) {
            // run() has finished or failed; nobody wants the rest.
        }
    }

    private static BufferedWriter openLog(Path logFile) {
        try {
            Path parent = logFile.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new SkiffException("Cannot create the Buildroot log file " + logFile + ": "
                    + e.getMessage() + ". Check that its directory is writable.", e);
        }
    }

    private static void writeHeader(BufferedWriter log, List<String> command,
            Map<String, String> env) throws IOException {
        log.write("# " + String.join(" ", command));
        log.newLine();
        log.write("# started " + OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS));
        log.newLine();
        log.write("# environment: " + env.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
        log.newLine();
        log.flush();
    }

    private static SkiffException logWriteFailure(Path logFile, IOException e, String outcome) {
        return new SkiffException("Cannot write the Buildroot log file " + logFile + ": "
                + e.getMessage() + "; " + outcome + ". Check free disk space and permissions.", e);
    }

    private static void closeQuietly(BufferedWriter log) {
        try {
            log.close();
        } catch (IOException ignored) {
            // Only reached on paths that already report a more useful error.
        }
    }
}
