package dev.skiff.ota;

import dev.skiff.SkiffException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * One SSH session to a device (Apache MINA SSHD as the client): remote commands over exec
 * channels and uploads over SFTP. Nothing is shelled out locally. Host keys are checked by a
 * {@link HostKeyPolicy}; only public-key authentication is offered. Failures become
 * {@link SkiffException}s that say what to do: unknown or changed host key, refused connection,
 * keys rejected (listing the keys tried), a remote command's exit status and stderr.
 */
public final class DeviceConnection implements AutoCloseable {
    /** A remote command's outcome. */
    public record ExecResult(int exitStatus, String stdout, String stderr) {}

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Most a device may say on stdout or stderr for one command. Every command Skiff runs
     * answers in lines (sums, key=value, a reason); more than this is a broken or hostile device,
     * and buffering it without bound would exhaust the build's memory.
     */
    static final int OUTPUT_CAP = 1 << 20;
    /** {@code skiff.timeout}'s default: how long a command may go without a byte either way. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(300);

    private final DeviceAddress address;
    private final SshClient client;
    private final ClientSession session;
    private SftpClient sftp;
    private Boolean sftpMissing;
    private volatile Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

    private DeviceConnection(DeviceAddress address, SshClient client, ClientSession session) {
        this.address = address;
        this.client = client;
        this.session = session;
    }

    /** Connects, checks the host key and authenticates. */
    public static DeviceConnection open(DeviceAddress address, HostKeyPolicy hostKeys, ClientIdentities identities) {
        return open(address, hostKeys, identities, msg -> { });
    }

    /** As {@link #open(DeviceAddress, HostKeyPolicy, ClientIdentities)}; {@code log} hears of a host key being added. */
    public static DeviceConnection open(DeviceAddress address, HostKeyPolicy hostKeys, ClientIdentities identities,
                                        java.util.function.Consumer<String> log) {
        String[] refusal = new String[1];
        ServerKeyVerifier verifier = (ClientSession s, SocketAddress remote, PublicKey key) -> {
            try {
                HostKeyPolicy.Check c = hostKeys.check(address, key);
                if (!c.accepted()) refusal[0] = c.message();
                else if (c.added()) log.accept("Warning: permanently " + c.message() + ".");
                return c.accepted();
            } catch (RuntimeException e) {
                refusal[0] = e.getMessage();
                return false;
            }
        };
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(verifier);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY); // -Dskiff.host is the whole truth
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setSignatureFactories(preferKnownTypes(client.getSignatureFactories(), hostKeys.knownKeyTypes(address)));
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(10));
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 6);
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ofHours(1));
        client.start();
        ClientSession session = null;
        try {
            try {
                session = client.connect(address.user(), address.host(), address.port()).verify(CONNECT_TIMEOUT).getSession();
            } catch (IOException | RuntimeException e) {
                throw connectFailure(address, e);
            }
            for (ClientIdentities.Identity id : identities.identities()) session.addPublicKeyIdentity(id.keyPair());
            try {
                session.auth().verify(AUTH_TIMEOUT);
            } catch (IOException | RuntimeException e) {
                // The refusal says it all; MINA's own "Server key did not validate" would only repeat it.
                if (refusal[0] != null) throw new SkiffException(refusal[0]);
                if (!session.isOpen() && !session.isAuthenticated() && isKexFailure(e)) {
                    throw new SkiffException("SSH handshake with " + address + " failed: " + rootMessage(e), e);
                }
                List<String> tried = new ArrayList<>();
                for (ClientIdentities.Identity id : identities.identities()) tried.add(id.describe());
                throw new SkiffException("authentication to " + address + " failed: the device accepted none of the keys tried: "
                        + String.join(", ", tried)
                        + (identities.skipped().isEmpty() ? "" : " (not loadable: " + String.join("; ", identities.skipped()) + ")")
                        + ". Add one of their .pub files to the device's authorized keys (SkiffOS: /root/.ssh/authorized_keys,"
                        + " or the authorized_keys your layers install), or pass -Dskiff.identity=<private key file>.");
            }
            return new DeviceConnection(address, client, session);
        } catch (RuntimeException e) {
            closeQuietly(session);
            client.stop();
            throw e;
        }
    }

    public DeviceAddress address() {
        return address;
    }

    /**
     * Sets how long a command may run without a byte going to or coming from the device
     * ({@code skiff.timeout}); past it the command is stopped and fails, naming it. Not a bound on
     * a command that makes progress: an upload through the shell or a long list of sums is fine.
     */
    public DeviceConnection commandTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout " + timeout);
        this.commandTimeout = timeout;
        return this;
    }

    /** Runs {@code command} through the login shell and waits for it; stdin is empty. */
    public ExecResult exec(String command) {
        return exec(command, new ByteArrayInputStream(new byte[0]));
    }

    /**
     * Runs {@code command} through the login shell with {@code stdin} as its input, and waits for
     * it: until it exits, or it has been silent both ways for {@link #commandTimeout}, or it said
     * more than {@link #OUTPUT_CAP} on stdout or stderr. The last two stop the command and fail.
     */
    private ExecResult exec(String command, InputStream stdin) {
        Activity activity = new Activity();
        CappedOutput out = new CappedOutput(activity);
        CappedOutput err = new CappedOutput(activity);
        try (ChannelExec ch = session.createExecChannel(command)) {
            ch.setIn(new ActiveInput(stdin, activity));
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(CONNECT_TIMEOUT);
            Set<ClientChannelEvent> events;
            while (true) {
                events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS), Duration.ofMillis(200));
                if (events.contains(ClientChannelEvent.EXIT_STATUS) || events.contains(ClientChannelEvent.CLOSED)) break;
                if (out.overflow() || err.overflow()) {
                    ch.close(true);
                    throw flood(command, out.overflow() ? "stdout" : "stderr");
                }
                if (activity.silentFor() > commandTimeout.toNanos()) {
                    ch.close(true);
                    throw new SkiffException("no answer from " + address + " for " + commandTimeout.toSeconds() + " s while running "
                            + describe(command) + "; the command was stopped. A device that is busy for longer needs a longer"
                            + " -Dskiff.timeout (seconds).");
                }
            }
            if (!events.contains(ClientChannelEvent.EXIT_STATUS)) {
                ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
            } else {
                ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(30));
            }
            if (out.overflow() || err.overflow()) throw flood(command, out.overflow() ? "stdout" : "stderr");
            Integer status = ch.getExitStatus();
            if (status == null) {
                String signal = ch.getExitSignal();
                throw new SkiffException(signal != null
                        ? "the command on " + address + " was killed by signal " + signal + (err.size() > 0 ? ": " + err.text() : "")
                        : "lost the connection to " + address + " while running a command on it" + (session.isOpen() ? "" : " (session closed)") + ".");
            }
            return new ExecResult(status, out.text(), err.text());
        } catch (IOException | IllegalStateException e) { // MINA: ISE when the session is already closing
            throw new SkiffException("lost the connection to " + address + " while running a command on it: " + rootMessage(e), e);
        }
    }

    private SkiffException flood(String command, String stream) {
        return new SkiffException(address + " sent more than " + OUTPUT_CAP / 1024 + " KiB on " + stream + " while running "
                + describe(command) + "; Skiff stopped the command and reads no further (its commands answer in lines, so the"
                + " device or its shell is broken: check its login scripts, such as an echo in ~/.profile).");
    }

    /** A command as an error names it: its first line, shortened. */
    static String describe(String command) {
        String first = command.strip().lines().findFirst().orElse("");
        return "'" + (first.length() > 60 ? first.substring(0, 60) + "..." : first) + "'";
    }

    /** When a byte last went to or came from the device, for the command timeout. */
    private static final class Activity {
        private volatile long last = System.nanoTime();

        void touch() {
            last = System.nanoTime();
        }

        long silentFor() {
            return System.nanoTime() - last;
        }
    }

    /** Keeps the first {@link #OUTPUT_CAP} bytes a command writes; drops the rest and remembers it did. */
    private static final class CappedOutput extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Activity activity;
        private volatile boolean overflow;

        CappedOutput(Activity activity) {
            this.activity = activity;
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            activity.touch();
            int room = OUTPUT_CAP - kept.size();
            if (len > room) overflow = true;
            kept.write(b, off, Math.min(len, room));
        }

        boolean overflow() {
            return overflow;
        }

        synchronized int size() {
            return kept.size();
        }

        synchronized String text() {
            return printable(kept.toString(StandardCharsets.UTF_8));
        }
    }

    /** The command's stdin, marking activity as the device takes it. */
    private static final class ActiveInput extends FilterInputStream {
        private final Activity activity;

        ActiveInput(InputStream in, Activity activity) {
            super(in);
            this.activity = activity;
        }

        @Override
        public int read() throws IOException {
            activity.touch();
            return super.read();
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            activity.touch();
            return super.read(buf, off, len);
        }
    }

    /**
     * What a device said, safe to log: control characters other than newline and tab (escape
     * sequences that could rewrite the build's terminal or fake log lines, carriage returns, NUL)
     * are dropped, as are DEL and the C1 controls.
     */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (control && b == null) b = new StringBuilder(s.length()).append(s, 0, i);
            else if (!control && b != null) b.append(c);
        }
        return b == null ? s : b.toString();
    }

    /** Runs a command that must succeed; {@code what} names it in the error, with the exit status and stderr. */
    public String run(String what, String command) {
        ExecResult r = exec(command);
        if (r.exitStatus() != 0) {
            String err = r.stderr().strip();
            throw new SkiffException(what + " failed on " + address + " (exit status " + r.exitStatus() + ")"
                    + (err.isEmpty() ? "." : ": " + err));
        }
        return r.stdout();
    }

    /**
     * Writes {@code local} to {@code remotePath} over SFTP (created or truncated).
     *
     * @param progress hears the bytes written so far after every block; may throw to abort
     */
    public void upload(Path local, String remotePath, LongConsumer progress) {
        if (!hasSftp()) {
            try (InputStream in = new CountingInput(Files.newInputStream(local), progress)) {
                writeByShell(remotePath, in);
            } catch (IOException e) {
                throw new SkiffException("upload of " + local.getFileName() + " to " + address + ":" + remotePath
                        + " failed: " + rootMessage(e), e);
            } catch (SkiffException e) {
                throw new SkiffException("upload of " + local.getFileName() + " to " + address + ":" + remotePath
                        + " failed: " + e.getMessage(), e);
            }
            return;
        }
        try (InputStream in = Files.newInputStream(local);
             OutputStream os = sftp().write(remotePath, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                     SftpClient.OpenMode.Truncate)) {
            byte[] buf = new byte[256 * 1024];
            long done = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                os.write(buf, 0, r);
                done += r;
                progress.accept(done);
            }
        } catch (IOException | IllegalStateException e) {
            throw new SkiffException("upload of " + local.getFileName() + " to " + address + ":" + remotePath + " failed: "
                    + rootMessage(e) + (session.isOpen() ? "" : " (connection lost)"), e);
        }
    }

    /** Writes a small text file over SFTP (created or truncated). */
    public void writeText(String remotePath, String content) {
        if (!hasSftp()) {
            try {
                writeByShell(remotePath, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
            } catch (SkiffException e) {
                throw new SkiffException("cannot write " + address + ":" + remotePath + ": " + e.getMessage(), e);
            }
            return;
        }
        try (OutputStream os = sftp().write(remotePath, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                SftpClient.OpenMode.Truncate)) {
            os.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | IllegalStateException e) {
            throw new SkiffException("cannot write " + address + ":" + remotePath + ": " + rootMessage(e)
                    + (session.isOpen() ? "" : " (connection lost)"), e);
        }
    }

    /**
     * Whether the device serves SFTP. dropbear, common on Buildroot devices, has no SFTP server
     * of its own (it runs OpenSSH's sftp-server when installed), and refuses the subsystem: then
     * files go as {@code cat > path} with the bytes on the command's stdin, which every device
     * shell can do. Asked once per connection.
     */
    public synchronized boolean hasSftp() {
        if (sftpMissing == null) {
            try {
                sftp();
                sftpMissing = false;
            } catch (IOException | IllegalStateException e) {
                if (!session.isOpen()) {
                    throw new SkiffException("lost the connection to " + address + " while opening SFTP: " + rootMessage(e), e);
                }
                sftpMissing = true;
            }
        }
        return !sftpMissing;
    }

    private void writeByShell(String remotePath, InputStream content) {
        ExecResult r = exec("cat > " + Shell.quote(remotePath), content);
        if (r.exitStatus() != 0) {
            throw new SkiffException("cat > " + remotePath + " (the device has no SFTP server) exited with status "
                    + r.exitStatus() + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip()));
        }
    }

    /** Reports the bytes read so far, as the SFTP upload reports the bytes written. */
    private static final class CountingInput extends FilterInputStream {
        private final LongConsumer progress;
        private long done;

        CountingInput(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) progress.accept(++done);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int r = super.read(buf, off, len);
            if (r > 0) {
                done += r;
                progress.accept(done);
            }
            return r;
        }
    }

    private synchronized SftpClient sftp() throws IOException {
        if (sftp == null || !sftp.isOpen()) sftp = SftpClientFactory.instance().createSftpClient(session);
        return sftp;
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() {
        try {
            if (sftp != null) sftp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly(session);
        client.stop();
    }

    private static void closeQuietly(ClientSession s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** The device's known key types first, as OpenSSH does, so a listed key is what it presents. */
    static List<NamedFactory<Signature>> preferKnownTypes(List<NamedFactory<Signature>> factories, Set<String> knownTypes) {
        if (knownTypes.isEmpty()) return factories;
        List<NamedFactory<Signature>> first = new ArrayList<>();
        List<NamedFactory<Signature>> rest = new ArrayList<>();
        for (NamedFactory<Signature> f : factories) {
            (matchesKnown(f.getName(), knownTypes) ? first : rest).add(f);
        }
        first.addAll(rest);
        return first;
    }

    private static boolean matchesKnown(String signature, Set<String> knownTypes) {
        if (signature.contains("-cert-")) return false;
        for (String t : knownTypes) {
            if (t.equals(signature)) return true;
            if ("ssh-rsa".equals(t) && signature.startsWith("rsa-sha2-")) return true;
        }
        return false;
    }

    private static SkiffException connectFailure(DeviceAddress address, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return new SkiffException("cannot connect to " + address + ": connection refused on port " + address.port()
                        + ". Is the device up, and is sshd listening on that port?");
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return new SkiffException("cannot connect to " + address + ": unknown host '" + address.host() + "'.");
            }
            if (t instanceof NoRouteToHostException) {
                return new SkiffException("cannot connect to " + address + ": no route to host.");
            }
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException
                    || (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("timeout"))) {
                return new SkiffException("cannot connect to " + address + ": no answer within " + CONNECT_TIMEOUT.toSeconds()
                        + " s. Check the address and the network.");
            }
        }
        return new SkiffException("cannot connect to " + address + ": " + rootMessage(e), e);
    }

    private static boolean isKexFailure(Throwable e) {
        String m = rootMessage(e).toLowerCase(java.util.Locale.ROOT);
        return m.contains("kex") || m.contains("negotiat") || m.contains("server key did not validate");
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        String msg = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) msg = t.getMessage();
            if (t.getCause() == t) break;
            t = t.getCause();
        }
        return msg == null ? e.getClass().getSimpleName() : msg;
    }

}
