package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real GNU make against a tiny Makefile of our own, not Buildroot's. */
class BuildrootMakeTest {

    private static final String MAKEFILE = String.join("\n",
            ".PHONY: hello env fail many hang stray",
            "hello:",
            "\t@echo \"hello from $(O)\"",
            "\t@echo \"to stderr\" >&2",
            "env:",
            "\t@echo \"ENVVARS:$(sort $(foreach v,$(.VARIABLES),"
                    + "$(if $(filter environment,$(origin $(v))),$(v))))\"",
            "\t@echo \"SKIFF_PROBE=$(SKIFF_PROBE)\"",
            "\t@echo \"LC_ALL=$(LC_ALL)\"",
            "fail:",
            "\t@echo boom",
            "\t@exit 3",
            "many:",
            "\t@i=1; while [ $$i -le 100 ]; do echo line $$i; i=$$((i+1)); done",
            "hang:",
            "\t@echo started",
            "\t@( sleep 300; echo never )",
            // A recipe that leaves a job running after make is done (a daemon, a forgotten `&`).
            "stray:",
            "\t@( sleep 3017 </dev/null >/dev/null 2>&1 & )",
            "\t@echo left a job behind",
            "");

    @TempDir
    Path tmp;

    private BuildrootTree tree;
    private Path out;
    private Path log;
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("src"));
        Files.writeString(dir.resolve("Makefile"), MAKEFILE);
        tree = new BuildrootTree(dir, "test");
        out = tmp.resolve("out");
        log = tmp.resolve("logs/nested/build.log");
    }

    private List<String> recipeOutput() {
        return heard.stream().filter(l -> !l.startsWith("make: ")).toList();
    }

    private MakeResult run(String... args) {
        return new BuildrootMake().run(MakeInvocation.of(tree, out, log, args), heard::add);
    }

    @Test
    void streamsOutputAndStderrToListenerAndLog() throws IOException {
        Files.createDirectories(log.getParent());
        Files.writeString(log, "stale line from an earlier run\n");

        MakeResult result = run("hello");

        assertTrue(result.succeeded());
        // make -C adds "make: Entering/Leaving directory" around the recipe output.
        assertEquals(List.of("hello from " + out, "to stderr"), recipeOutput());
        assertEquals(heard, result.tail());
        assertEquals(log, result.logFile());
        List<String> logged = Files.readAllLines(log);
        assertTrue(logged.get(0).startsWith("# ") && logged.get(0).contains(" -C " + tree.dir()),
                logged.get(0));
        assertTrue(logged.containsAll(heard), logged.toString());
        assertFalse(logged.contains("stale line from an earlier run"));
    }

    @Test
    void environmentIsExplicit() {
        MakeInvocation inv = MakeInvocation.of(tree, out, log, "env")
                .withEnvironment("SKIFF_PROBE", "visible");

        assertTrue(new BuildrootMake().run(inv, heard::add).succeeded());

        Set<String> expected = new TreeSet<>(List.of("PATH", "LANG", "LC_ALL", "SKIFF_PROBE"));
        for (String name : BuildrootMake.PASSED_THROUGH) {
            if (System.getenv(name) != null) {
                expected.add(name);
            }
        }
        String envLine = heard.stream().filter(l -> l.startsWith("ENVVARS:")).findFirst()
                .orElseThrow();
        Set<String> actual = new TreeSet<>(
                Arrays.asList(envLine.substring("ENVVARS:".length()).trim().split("\\s+")));
        // make defines these for sub-makes itself; they are not inherited from us.
        actual.removeAll(Set.of("MAKELEVEL", "MAKEOVERRIDES", "MFLAGS", "MAKEFLAGS"));
        assertEquals(expected, actual);
        assertTrue(heard.contains("SKIFF_PROBE=visible"));
        assertTrue(heard.contains("LC_ALL=C"));

        Optional<String> leaky = System.getenv().keySet().stream()
                .filter(n -> n.matches("[A-Za-z_][A-Za-z0-9_]*") && !expected.contains(n))
                .findFirst();
        leaky.ifPresent(name -> assertFalse(actual.contains(name), name + " leaked into make"));
    }

    @Test
    void onlyAllowedParentVariablesPassAndInvocationWins() {
        BuildrootMake make = new BuildrootMake(Map.of(
                "PATH", "/usr/bin:/bin", "HOME", "/home/u", "CDPATH", "/x",
                "LD_LIBRARY_PATH", "/opt/lib", "PERL_MM_OPT", "INSTALL_BASE=/x", "SHELL", "/bin/zsh",
                "LANG", "de_DE.UTF-8"));
        MakeInvocation inv = MakeInvocation.of(tree, out, log, "env")
                .withEnvironment("HOME", "/override");

        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/override", "LANG", "C",
                "LC_ALL", "C"), make.environmentFor(inv));
    }

    @Test
    void nonZeroExitKeepsCodeAndTail() {
        MakeResult result = run("fail");

        assertFalse(result.succeeded());
        assertEquals(2, result.exitCode()); // GNU make's own code for a failed recipe
        assertTrue(result.tail().contains("boom"), result.tail().toString());

        SkiffException e = result.failure("make fail");
        assertTrue(e.getMessage().startsWith("Buildroot `make fail` failed (exit 2). Last "
                + result.tail().size() + " lines of " + log + ":\n"), e.getMessage());
        assertTrue(e.getMessage().contains("\nboom"), e.getMessage());
        assertThrows(SkiffException.class, () -> result.requireSuccess("make fail"));
    }

    @Test
    void tailKeepsOnlyTheLastFortyLines() throws IOException {
        MakeResult result = run("many");

        assertEquals(BuildrootMake.TAIL_LINES, result.tail().size());
        assertEquals(heard.subList(heard.size() - 40, heard.size()), result.tail());
        assertTrue(result.tail().contains("line 100"));
        assertFalse(result.tail().contains("line 60"));
        assertEquals(100, recipeOutput().size());
        assertTrue(Files.readAllLines(log).contains("line 1"));
    }

    @Test
    void missingMakeIsReportedClearly() throws IOException {
        Path emptyBin = Files.createDirectory(tmp.resolve("bin"));
        BuildrootMake make = new BuildrootMake(Map.of("PATH", emptyBin.toString()));

        SkiffException e = assertThrows(SkiffException.class,
                () -> make.run(MakeInvocation.of(tree, out, log, "hello"), heard::add));
        assertTrue(e.getMessage().startsWith("GNU make not found on PATH"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install make"), e.getMessage());
    }

    @Test
    void interruptKillsTheWholeProcessTree() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptFlagKept = new AtomicBoolean();
        Thread runner = new Thread(() -> {
            try {
                new BuildrootMake().run(MakeInvocation.of(tree, out, log, "hang"), line -> {
                    heard.add(line);
                    if (line.equals("started")) {
                        started.countDown();
                    }
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
            interruptFlagKept.set(Thread.currentThread().isInterrupted());
        });
        runner.start();
        assertTrue(started.await(30, TimeUnit.SECONDS));
        ProcessHandle sleep = awaitSleepProcess();

        runner.interrupt();
        runner.join(TimeUnit.SECONDS.toMillis(15));

        assertFalse(runner.isAlive(), "run() did not return after interrupt");
        SkiffException e = assertInstanceOf(SkiffException.class, thrown.get());
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        assertTrue(interruptFlagKept.get(), "interrupt flag must be restored");
        sleep.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(sleep.isAlive(), "sleep 300 survived");
        assertFalse(heard.contains("never"));
    }

    private static ProcessHandle awaitSleepProcess() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> sleeps = new ArrayList<>();
            ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains("300"))
                            .orElse(false))
                    .forEach(sleeps::add);
            if (!sleeps.isEmpty()) {
                return sleeps.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("sleep 300 never started under this JVM");
    }

    @Test
    void resultTailIsImmutable() {
        MakeResult result = new MakeResult(0, log, new ArrayList<>(List.of("a")));
        assertNotNull(result.tail());
        assertThrows(UnsupportedOperationException.class, () -> result.tail().add("b"));
    }

    @Test
    void makeRunsInAProcessGroupOfItsOwnRecordedInTheWorkspaceWhileItRuns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                new BuildrootMake().run(MakeInvocation.of(tree, out, log, "hang"), line -> {
                    if (line.equals("started")) started.countDown();
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        runner.start();
        try {
            assertTrue(started.await(30, TimeUnit.SECONDS));
            ProcessHandle sleep = awaitSleepProcess();
            MakeGroup recorded = MakeGroup.recorded(out).orElseThrow(() -> new AssertionError("no record in " + out));
            assertTrue(recorded.alive());
            assertTrue(recorded.command().contains(" -C " + tree.dir() + " O=" + out + " hang"), recorded.command());
            // The whole build is in that group, and it is not the group of this JVM.
            assertEquals(recorded.pgid(), MakeGroup.Stat.read(sleep.pid()).orElseThrow().pgrp());
            assertFalse(MakeGroup.Stat.read(ProcessHandle.current().pid()).orElseThrow().pgrp() == recorded.pgid());
            assertTrue(recorded.members().stream().anyMatch(p -> p.pid() == sleep.pid()));
            assertTrue(Files.readString(log).contains("# process group " + recorded.pgid() + "; stop it with: kill -TERM -"
                    + recorded.pgid()), Files.readString(log));
        } finally {
            runner.interrupt();
            runner.join(TimeUnit.SECONDS.toMillis(15));
        }
        assertFalse(runner.isAlive());
        assertInstanceOf(SkiffException.class, thrown.get());
        assertTrue(MakeGroup.recorded(out).isEmpty(), "the record goes with the group");
    }

    @Test
    void aJobMakeLeavesRunningIsStoppedWhenMakeEnds() throws Exception {
        MakeResult result = run("stray");
        assertTrue(result.succeeded(), result.tail().toString());
        assertTrue(heard.contains("left a job behind"));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<ProcessHandle> stray;
        do {
            stray = ProcessHandle.allProcesses()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                    .filter(p -> p.info().arguments().map(a -> List.of(a).equals(List.of("3017"))).orElse(false))
                    .toList();
            if (stray.isEmpty()) break;
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        try {
            assertEquals(List.of(), stray.stream().map(ProcessHandle::pid).toList(),
                    "a job of the build outlived make; it would keep the workspace busy");
        } finally {
            stray.forEach(ProcessHandle::destroyForcibly);
        }
        assertTrue(MakeGroup.recorded(out).isEmpty());
    }
}
