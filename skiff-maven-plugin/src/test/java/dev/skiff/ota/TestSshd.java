package dev.skiff.ota;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenSSH {@code sshd} on 127.0.0.1 for the push tests: a temporary host key, one
 * authorized client key, a known_hosts file for the client, and nothing of the machine's own
 * configuration. Without {@code /usr/sbin/sshd} (or {@code ssh-keygen}) the calling test is
 * skipped with a printed reason, never passed.
 */
final class TestSshd implements AutoCloseable {
    static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Path PRIVSEP_DIR = Path.of("/run/sshd");

    final Path dir;
    final int port;
    final Path hostKey;
    final Path clientKey;
    final Path knownHosts;
    final Path log;
    private final Process process;

    private TestSshd(Path dir, int port, Path hostKey, Path clientKey, Path knownHosts, Path log, Process process) {
        this.dir = dir;
        this.port = port;
        this.hostKey = hostKey;
        this.clientKey = clientKey;
        this.knownHosts = knownHosts;
        this.log = log;
        this.process = process;
    }

    /** Aborts the calling test as skipped, with the reason on stderr, if sshd cannot run here. */
    static void assumeAvailable() {
        String reason = null;
        if (!Files.isExecutable(SSHD)) {
            reason = SSHD + " is missing (install openssh-server; .ci/run does)";
        } else if (findOnPath("ssh-keygen") == null) {
            reason = "ssh-keygen is missing (install openssh-client)";
        } else if (!Files.isDirectory(PRIVSEP_DIR)) {
            try {
                Files.createDirectories(PRIVSEP_DIR);
            } catch (IOException e) {
                reason = "sshd needs its privilege separation directory " + PRIVSEP_DIR + " and it cannot be created: " + e;
            }
        }
        if (reason != null) {
            System.err.println("SKIPPED: push tests against a real sshd: " + reason);
            Assumptions.assumeTrue(false, reason);
        }
    }

    static TestSshd start(Path dir) throws Exception {
        return start(dir, Map.of());
    }

    /**
     * As {@link #start(Path)}, with more variables in the sessions' environment (sshd's
     * {@code SetEnv}; for example a PATH).
     *
     * <p>The sessions' HOME is always a directory of the test: bash, as the login shell, sources
     * {@code ~/.bashrc} for commands sshd runs, and a machine user's rc file is not part of the
     * test (one that runs {@code pyenv rehash} waits a minute per session on a lock a killed
     * session left behind).
     */
    static TestSshd start(Path dir, Map<String, String> sessionEnv) throws Exception {
        return start(dir, sessionEnv, true);
    }

    /** As {@link #start(Path, Map)}; {@code sftp=false} serves no SFTP subsystem, as dropbear without sftp-server. */
    static TestSshd start(Path dir, Map<String, String> sessionEnv, boolean sftp) throws Exception {
        assumeAvailable();
        Files.createDirectories(dir);
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        Path clientKey = dir.resolve("id_ed25519");
        keygen(hostKey);
        keygen(clientKey);
        Path authorized = dir.resolve("authorized_keys");
        Files.copy(Path.of(clientKey + ".pub"), authorized);
        int port = freePort();
        Path pid = dir.resolve("sshd.pid");
        Map<String, String> env = new TreeMap<>(sessionEnv);
        env.putIfAbsent("HOME", Files.createDirectories(dir.resolve("home")).toString());
        StringBuilder setEnv = new StringBuilder("SetEnv"); // sshd honours only the first SetEnv line
        env.forEach((k, v) -> setEnv.append(' ').append(k).append('=').append(v));
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "AuthorizedKeysFile " + authorized,
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "UseDNS no",
                "PidFile " + pid,
                sftp ? "Subsystem sftp internal-sftp" : "# no SFTP subsystem",
                "LogLevel VERBOSE",
                setEnv.toString(),
                ""), StandardCharsets.UTF_8);
        Path log = dir.resolve("sshd.log");
        Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("sshd exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("sshd did not listen on port " + port + ":\n" + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + Files.readString(Path.of(hostKey + ".pub")).strip() + "\n");
        return new TestSshd(dir, port, hostKey, clientKey, knownHosts, log, p);
    }

    DeviceAddress address() {
        return new DeviceAddress(System.getProperty("user.name"), "127.0.0.1", port);
    }

    DeviceConnection connect() {
        return DeviceConnection.open(address(), new HostKeyPolicy(knownHosts, false), ClientIdentities.resolve(clientKey, dir));
    }

    /**
     * Kills every process serving a connection (sshd forks one per connection), as a network
     * failure or a device reboot would cut the session. The listening sshd stays up.
     */
    void killSessions() {
        List<ProcessHandle> children = process.descendants().toList();
        for (ProcessHandle h : children) h.destroyForcibly();
        for (ProcessHandle h : children) awaitExit(h, Duration.ofSeconds(10));
    }

    /**
     * Kills only the sshd processes serving connections, as a network failure would cut them:
     * the commands they started (a shell running a script) lose their connection but keep
     * running. The listening sshd stays up.
     */
    void dropConnections() {
        List<ProcessHandle> sshds = process.descendants().filter(TestSshd::isSshd).toList();
        for (ProcessHandle h : sshds) h.destroyForcibly();
        for (ProcessHandle h : sshds) awaitExit(h, Duration.ofSeconds(10));
    }

    /**
     * Waits for a process that is not the JVM's child to exit. A dead process whose parent died
     * too stays a zombie until init reaps it, which can take seconds, and ProcessHandle counts a
     * zombie as alive (and polls from 300 ms on): a test that cuts sessions step by step would
     * wait mostly for that. So a zombie counts as exited.
     */
    static void awaitExit(ProcessHandle h, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (h.isAlive() && !zombie(h.pid())) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("process " + h.pid() + " did not exit within " + limit);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for process " + h.pid(), e);
            }
        }
    }

    /** An sshd process (the per-connection ones rename themselves, "sshd: root@notty", but keep the binary). */
    static boolean isSshd(ProcessHandle h) {
        return h.info().command().map(c -> Path.of(c).getFileName().toString().startsWith("sshd")).orElse(false);
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // "pid (comm) S ...": the state follows the last parenthesis (comm may hold any).
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return false; // gone (isAlive will say so), or no /proc: rely on isAlive
        }
    }

    long pid() {
        return process.pid();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    static void keygen(Path key) throws Exception {
        keygen(key, "ed25519");
    }

    static void keygen(Path key, String type) throws Exception {
        Process p = new ProcessBuilder(findOnPath("ssh-keygen").toString(), "-q", "-t", type, "-N", "", "-C", "skiff-test",
                "-f", key.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("ssh-keygen failed: " + out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    static Path findOnPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
