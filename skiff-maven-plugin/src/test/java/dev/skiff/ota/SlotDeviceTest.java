package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.skiff.install.SlotSwitch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device side of A/B updates, {@code /usr/lib/skiff/skiff-slot} from base/pre, run over a
 * real OpenSSH sshd on 127.0.0.1 against a directory standing in for the device's root
 * ({@code SKIFF_ROOT}), with the stock {@code slots.conf} of pi/4 ({@code pi-tryboot}) and
 * intel/desktop ({@code grub}).
 *
 * <p>Which slot "boots" is decided by a model of each bootloader's documented selection rule
 * ({@link PiFirmware}, {@link Grub}), which reads the switch skiff-slot wrote (autoboot.txt,
 * grubenv), "boots" a slot by writing what the real firmware or GRUB leaves for the system to
 * see (the device tree's chosen/bootloader/partition, {@code skiff.slot=} on the kernel command
 * line), and, like the real ones, falls back when the chosen slot's kernel is missing or panics.
 * With it: an update that commits, one whose health check fails, one whose kernel never comes
 * up, and a crash (SIGKILL) before and after every step of arm and commit, each followed by a
 * power cut; after every one the default slot must boot a good set.
 */
class SlotDeviceTest {
    private static final Path LAYERS = Path.of(System.getProperty("skiff.stockLayers", "../skiff-layers/src/main/layers"));
    private static final Path SCRIPT = LAYERS.resolve("base/pre/root_overlay/usr/lib/skiff/skiff-slot");
    private static final String GOOD_1 = "kernel 1";
    private static final String GOOD_2 = "kernel 2";
    /** A kernel the model lets panic: the trial never comes up. */
    private static final String PANICS = "panic kernel";

    @TempDir
    Path tmp;

    /** The current fake device's directory (one per run in the crash test). */
    private Path work;
    private TestSshd sshd;
    private DeviceConnection device;
    private Path root;
    private Path ctl;
    private Path bin;
    private Bootloader loader;

    @AfterEach
    void stop() throws Exception {
        if (device != null) device.close();
        if (sshd != null) sshd.close();
        device = null;
        sshd = null;
    }

    // --- the tests -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pi-tryboot", "grub"})
    void anUpdateThatPassesItsChecksIsCommitted(String scheme) throws Exception {
        setUp(scheme);
        Files.writeString(check("10-ok"), "#!/bin/sh\nexit 0\n");
        writeSet("b", GOOD_2, "2.0");
        assertEquals("a", boot(false));
        assertEquals(0, slot("commit").exitStatus(), "the boot unit on the committed slot");
        Map<String, String> s = status();
        assertEquals(List.of("a", "a", "b", "none", "none", "1.0", "2.0"), List.of(s.get("booted"), s.get("active"), s.get("inactive"),
                s.get("trial"), s.get("last"), s.get("version_a"), s.get("version_b")), s.toString());

        ok("arm", "b");
        assertEquals("b", status().get("trial"));
        // Pi: only reboot '0 tryboot' runs the trial. GRUB: next_entry is armed, so any next boot is the trial.
        assertEquals(scheme.equals("grub") ? "b" : "a", loader.nextBoot(false), "the next normal boot after arm");
        ok("reboot-trial");
        assertEquals("b", boot(rebootedToTryboot()), "the trial boot runs slot b");
        Map<String, String> trial = status();
        assertEquals(List.of("b", "a", "none"), List.of(trial.get("booted"), trial.get("active"), trial.get("trial")), trial.toString());

        DeviceConnection.ExecResult commit = slot("commit");
        assertEquals(0, commit.exitStatus(), commit.stderr());
        Map<String, String> after = status();
        assertEquals(List.of("b", "b", "a", "none", "committed"), List.of(after.get("booted"), after.get("active"),
                after.get("inactive"), after.get("trial"), after.get("last")), after.toString());
        assertEquals("b", boot(false), "every later boot runs the committed slot");
        assertEquals("b", boot(false));

        // And back: rollback makes slot a (which still verifies) the default.
        ok("rollback");
        assertEquals("a", boot(false));
        assertEquals(0, slot("commit").exitStatus());
        assertEquals("a", status().get("active"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pi-tryboot", "grub"})
    void aFailingHealthCheckBlocksTheCommitAndTheNextBootFallsBack(String scheme) throws Exception {
        setUp(scheme);
        Files.writeString(check("10-ok"), "#!/bin/sh\nexit 0\n");
        Files.writeString(check("20-app"), "#!/bin/sh\necho 'app did not answer' >&2\nexit 3\n");
        writeSet("b", GOOD_2, "2.0");
        assertEquals("a", boot(false));
        ok("arm", "b");
        ok("reboot-trial");
        assertEquals("b", boot(rebootedToTryboot()));
        setConf("fallback_reboot", "1");
        DeviceConnection.ExecResult commit = slot("commit");
        assertNotEquals(0, commit.exitStatus());
        assertTrue(commit.stderr().contains("health check 20-app failed"), commit.stderr());
        assertEquals("failed-check:20-app", status().get("last"));
        assertEquals("a", status().get("active"));
        // The device goes back by itself, fallback_reboot seconds later: a plain reboot (no
        // tryboot flag; GRUB's next_entry was used up), so the bootloader's own rule picks slot a.
        assertTrue(commit.stderr().contains("rebooting to slot a in 1 s"), commit.stderr());
        assertEquals("reboot", Files.readString(ctl.resolve("reboot")).strip(), "a plain reboot, not into a trial");
        Files.delete(ctl.resolve("reboot"));
        assertEquals("a", boot(false));
        assertEquals(0, slot("commit").exitStatus());
        Map<String, String> s = status();
        assertEquals(List.of("a", "a", "failed-check:20-app"), List.of(s.get("booted"), s.get("active"), s.get("last")), s.toString());
    }

    @Test
    void withFallbackRebootOffAFailedTrialKeepsRunning() throws Exception {
        setUp("grub");
        Files.writeString(check("20-app"), "#!/bin/sh\nexit 1\n");
        writeSet("b", GOOD_2, "2.0");
        assertEquals("a", boot(false));
        ok("arm", "b");
        ok("reboot-trial");
        assertEquals("b", boot(rebootedToTryboot()));
        setConf("fallback_reboot", "off");
        DeviceConnection.ExecResult commit = slot("commit");
        assertNotEquals(0, commit.exitStatus());
        assertTrue(commit.stderr().contains("fallback_reboot=off: the trial keeps running"), commit.stderr());
        assertFalse(Files.exists(ctl.resolve("reboot")), "no reboot");
        Map<String, String> s = status();
        assertEquals(List.of("b", "a", "failed-check:20-app"), List.of(s.get("booted"), s.get("active"), s.get("last")), s.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fallback_reboot=soon", "fallback_reboot=", "fallbak_reboot=30", "scheme = grub"})
    void aBadSlotsConfLineIsRefusedWithTheFileAndLine(String line) throws Exception {
        setUp("grub");
        Path conf = root.resolve("etc/skiff/slots.conf");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(conf));
        lines.add(line);
        Files.write(conf, lines);
        DeviceConnection.ExecResult r = slot("status");
        assertNotEquals(0, r.exitStatus());
        String where = line.startsWith("fallback_reboot=") ? conf + ": fallback_reboot=" : conf + ":" + lines.size() + ": unknown key";
        assertTrue(r.stderr().contains(where), r.stderr());
        assertTrue(r.stderr().contains(line.startsWith("fallback_reboot=") ? "neither a number of seconds nor off" : "fallback_reboot"),
                "names the valid keys: " + r.stderr());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pi-tryboot", "grub"})
    void aTrialKernelThatNeverComesUpFallsBackWithoutHelp(String scheme) throws Exception {
        setUp(scheme);
        writeSet("b", PANICS, "2.0-bad");
        assertEquals("a", boot(false));
        ok("arm", "b");
        ok("reboot-trial");
        assertEquals("a", boot(rebootedToTryboot()), "the trial panics; the reset after it boots the default");
        assertEquals(0, slot("commit").exitStatus());
        Map<String, String> s = status();
        assertEquals(List.of("a", "a", "fell-back", "none"), List.of(s.get("booted"), s.get("active"), s.get("last"), s.get("trial")), s.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pi-tryboot", "grub"})
    void armRefusesASetThatDoesNotVerifyAndChangesNothing(String scheme) throws Exception {
        setUp(scheme);
        writeSet("b", GOOD_2, "2.0");
        Files.writeString(slotDir("b").resolve(kernelName()), "tampered");
        assertEquals("a", boot(false));
        byte[] before = Files.readAllBytes(loader.switchFile());
        DeviceConnection.ExecResult arm = slot("arm", "b");
        assertNotEquals(0, arm.exitStatus());
        assertTrue(arm.stderr().contains("is not in the set: its SHA-256"), arm.stderr());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(loader.switchFile()), "the switch is unchanged");
        assertEquals("none", status().get("trial"));
        DeviceConnection.ExecResult rollback = slot("rollback");
        assertNotEquals(0, rollback.exitStatus(), "rollback refuses a slot that does not verify");
        assertEquals("a", loader.nextBoot(false));
    }

    /** Without the bootloader's switch (loader partition not mounted) status fails, never guesses. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pi-tryboot", "grub"})
    void aMissingSwitchIsAnErrorNotAGuess(String scheme) throws Exception {
        setUp(scheme);
        assertEquals("a", boot(false));
        Files.delete(loader.switchFile());
        for (String op : List.of("status", "commit", "rollback")) {
            DeviceConnection.ExecResult r = slot(op);
            assertNotEquals(0, r.exitStatus(), op + ": " + r.stdout());
            assertTrue(r.stderr().contains(scheme.equals("grub") ? "no GRUB environment block" : "autoboot.txt (is the AUTOBOOT partition mounted at /mnt/autoboot?)"), op + ": " + r.stderr());
        }
    }

    /**
     * Contract S on the device: with keys in /etc/skiff/trusted-keys, {@code verify} (and so
     * {@code arm}) needs skiff-image.sig over skiff-image.sha256 by one of them, checked with
     * the device's {@code openssl pkeyutl -verify -rawin}. A good signature passes; a wrong key, a
     * flipped byte in the manifest, a flipped byte in a file and a missing signature are refused
     * with the reason, and the switch is not touched.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pi-tryboot"})
    void verifyChecksTheSignatureWithTheTrustedKeys(String scheme) throws Exception {
        setUp(scheme);
        writeSet("b", GOOD_2, "2.0");
        assertEquals("a", boot(false));
        assertTrue(ok("verify", "b").contains("no trusted keys in /etc/skiff/trusted-keys, so no signature is required"));

        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("Ed25519");
        java.security.KeyPair trusted = g.generateKeyPair();
        java.security.KeyPair other = g.generateKeyPair();
        Path keys = Files.createDirectories(root.resolve("etc/skiff/trusted-keys"));
        Files.writeString(keys.resolve("release.pem"), pem(other.getPublic()));
        Files.writeString(keys.resolve("ci.pem"), pem(trusted.getPublic()));
        Path dir = slotDir("b");
        Path sums = dir.resolve("skiff-image.sha256");
        byte[] manifest = Files.readAllBytes(sums);

        DeviceConnection.ExecResult unsigned = slot("verify", "b");
        assertNotEquals(0, unsigned.exitStatus());
        assertTrue(unsigned.stderr().contains("unsigned: no skiff-image.sig"), unsigned.stderr());

        Files.write(dir.resolve("skiff-image.sig"), sign(trusted.getPrivate(), manifest));
        String good = ok("verify", "b");
        assertTrue(good.contains("signature good (/etc/skiff/trusted-keys/ci.pem)"), good);

        Files.write(dir.resolve("skiff-image.sig"), sign(g.generateKeyPair().getPrivate(), manifest));
        assertRefused("does not verify with any of the 2 trusted key(s)");

        Files.write(dir.resolve("skiff-image.sig"), sign(trusted.getPrivate(), manifest));
        byte[] flipped = manifest.clone();
        flipped[3] ^= 1;
        Files.write(sums, flipped);
        assertRefused("does not verify with any of the 2 trusted key(s)");

        Files.write(sums, manifest);
        Path kernel = dir.resolve(kernelName());
        byte[] k = Files.readAllBytes(kernel);
        k[0] ^= 1;
        Files.write(kernel, k);
        assertRefused(kernelName() + " is not in the set: its SHA-256");
    }

    private void assertRefused(String reason) throws IOException {
        byte[] before = Files.readAllBytes(loader.switchFile());
        for (String op : List.of("verify", "arm")) {
            DeviceConnection.ExecResult r = slot(op, "b");
            assertNotEquals(0, r.exitStatus(), op);
            assertTrue(r.stderr().contains(reason), op + ": " + r.stderr());
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(loader.switchFile()), "the switch is unchanged");
        assertEquals("none", status().get("trial"));
    }

    private static String pem(java.security.PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static byte[] sign(java.security.PrivateKey key, byte[] data) throws Exception {
        java.security.Signature s = java.security.Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    /**
     * A crash at every step: skiff-slot is killed (SIGKILL, with the wrapper's parent) before and
     * after each of its writes during arm, then during the commit on the trial boot; each time the
     * power goes (no tryboot flag) and the device boots by the model's rule. The slot that boots
     * must hold a good set, the boot unit's commit must succeed, and the state must say what
     * happened: the new slot committed, or the old one the default again.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pi-tryboot", "grub"})
    void aCrashAtEveryStepOfArmAndCommitLeavesABootableDefault(String scheme) throws Exception {
        int armSteps = crashEverywhere(scheme, "arm");
        int commitSteps = crashEverywhere(scheme, "commit");
        assertEquals(scheme.equals("grub") ? 2 : 1, armSteps, "arm writes the state and, for grub, grubenv (the Pi's autoboot.txt"
                + " already names the other slot for tryboot)");
        assertEquals(2, commitSteps, "commit writes the switch, then the state");
    }

    /** Returns how many steps the operation has (the first k whose run completes, minus one). */
    private int crashEverywhere(String scheme, String op) throws Exception {
        for (int k = 1; ; k++) {
            if (k > 20) fail(op + " never completed");
            boolean completed = false;
            for (String when : List.of("before", "after")) {
                try {
                    setUp(scheme, tmp.resolve(op + "-" + when + "-" + k));
                    writeSet("b", GOOD_2, "2.0");
                    assertEquals("a", boot(false));
                    if (op.equals("commit")) {
                        ok("arm", "b");
                        ok("reboot-trial");
                        assertEquals("b", boot(rebootedToTryboot()));
                    }
                    arm(k, when);
                    DeviceConnection.ExecResult r;
                    try {
                        r = slot(op, op.equals("arm") ? "b" : null);
                    } catch (dev.skiff.SkiffException killed) {
                        // The session's command was the killed script: exit signal, no status.
                        r = new DeviceConnection.ExecResult(137, "", killed.getMessage());
                    }
                    disarm();
                    String where = scheme + " " + op + ", crash " + when + " step " + k + " ("
                            + (Files.exists(ctl.resolve("cut")) ? Files.readString(ctl.resolve("cut")).strip() : "not reached") + ")";
                    if (!Files.exists(ctl.resolve("cut"))) {
                        assertEquals(0, r.exitStatus(), where + ": " + r.stderr());
                        completed = true;
                    }
                    // Power cut, then the boot unit.
                    String booted = boot(false);
                    assertEquals(0, slot("commit").exitStatus(), where);
                    Map<String, String> s = status();
                    assertEquals(booted, s.get("active"), where + ": the slot that booted is the default: " + s);
                    assertEquals("none", s.get("trial"), where + ": " + s);
                    if (op.equals("commit") && booted.equals("b")) {
                        assertEquals("committed", s.get("last"), where + ": " + s);
                    } else if (op.equals("commit")) {
                        assertEquals("fell-back", s.get("last"), where + ": " + s);
                    } else if (booted.equals("b")) {
                        // GRUB only: next_entry was written, so the power cut booted the trial,
                        // as a reboot would have, and the boot unit committed it.
                        assertEquals("grub", scheme, where + ": a power cut during arm boots the default");
                        assertEquals("committed", s.get("last"), where + ": " + s);
                    } else {
                        assertTrue(List.of("none", "fell-back").contains(s.get("last")), where + ": " + s);
                    }
                    assertEquals(booted, boot(false), where + ": and stays there");
                } finally {
                    disarm();
                }
            }
            if (completed) return k - 1;
        }
    }

    // --- the fake device -------------------------------------------------------------------------

    private void setUp(String scheme) throws Exception {
        setUp(scheme, tmp);
    }

    private void setUp(String scheme, Path dir) throws Exception {
        work = dir;
        assertTrue(Files.isRegularFile(SCRIPT), "base/pre ships " + SCRIPT);
        if (scheme.equals("grub") && TestSshd.findOnPath("grub-editenv") == null) {
            System.err.println("SKIPPED: the grub scheme needs grub-editenv (apt-get install grub-common)");
            Assumptions.assumeTrue(false, "grub-editenv missing");
        }
        root = Files.createDirectories(work.resolve("root"));
        ctl = Files.createDirectories(work.resolve("ctl"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(ctl.resolve("count"), "0\n");
        Files.writeString(ctl.resolve("when"), "before\n");
        for (String tool : List.of("mv", "grub-editenv")) {
            Path real = TestSshd.findOnPath(tool);
            if (real == null) continue;
            Files.writeString(ctl.resolve("real-" + tool), real + "\n");
            if (!Files.exists(bin.resolve(tool))) executable(bin.resolve(tool), resource("slot-step.sh"));
        }
        if (!Files.exists(bin.resolve("reboot"))) {
            executable(bin.resolve("reboot"), resource("slot-reboot.sh"));
            // A killed process loses nothing sync would have saved, and a real sync on a shared
            // machine waits on other jobs' writes.
            executable(bin.resolve("sync"), "#!/bin/sh\nexit 0\n");
        }

        String layer = scheme.equals("grub") ? "intel/desktop" : "pi/4";
        Path conf = root.resolve("etc/skiff/slots.conf");
        Files.createDirectories(conf.getParent());
        Files.copy(LAYERS.resolve(layer).resolve("root_overlay/etc/skiff/slots.conf"), conf);
        Files.createDirectories(root.resolve("etc/skiff/health.d"));
        Map<String, String> c = conf();
        loader = scheme.equals("grub") ? new Grub(root, c) : new PiFirmware(root, c);
        loader.install();
        writeSet("a", GOOD_1, "1.0");
        Files.createDirectories(slotDir("b"));

        // One sshd per test: the wrappers on its PATH find this run's files through SLOT_CTL.
        if (sshd == null) {
            sshd = TestSshd.start(tmp.resolve("sshd"), Map.of("PATH", bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
            device = sshd.connect();
        }
    }

    /** Sets (or adds) {@code key=value} in the device's slots.conf. */
    private void setConf(String key, String value) throws IOException {
        Path conf = root.resolve("etc/skiff/slots.conf");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(conf));
        lines.removeIf(l -> l.startsWith(key + "="));
        lines.add(key + "=" + value);
        Files.write(conf, lines);
    }

    private Map<String, String> conf() throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String line : Files.readAllLines(root.resolve("etc/skiff/slots.conf"))) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }

    private Path slotDir(String slot) throws IOException {
        return root.resolve(conf().get("dir_" + slot).substring(1));
    }

    private String kernelName() {
        return loader instanceof Grub ? "bzImage" : "Image";
    }

    /** A set in the slot: kernel, initramfs, skiff-image.json, and skiff-image.sha256 over them. */
    private void writeSet(String slot, String kernel, String version) throws Exception {
        Path dir = Files.createDirectories(slotDir(slot));
        Map<String, String> files = new LinkedHashMap<>();
        files.put(kernelName(), kernel);
        files.put("rootfs.cpio.gz", "initramfs " + version);
        files.put("skiff-image.json", "{\"format\": \"skiff-image/1\", \"version\": \"" + version + "\"}\n");
        StringBuilder sums = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
            sums.append(sha256(e.getValue().getBytes(StandardCharsets.UTF_8))).append("  ").append(e.getKey()).append('\n');
        }
        Files.writeString(dir.resolve("skiff-image.sha256"), sums.toString());
    }

    private Path check(String name) throws IOException {
        Path f = root.resolve("etc/skiff/health.d").resolve(name);
        Files.writeString(f, "");
        assertTrue(f.toFile().setExecutable(true));
        return f;
    }

    // --- running skiff-slot over ssh -------------------------------------------------------------

    private DeviceConnection.ExecResult slot(String... args) {
        StringBuilder cmd = new StringBuilder("SKIFF_ROOT=" + q(root.toString()) + " SLOT_CTL=" + q(ctl.toString()) + " sh -c "
                + q("echo $$ > \"$SLOT_CTL/pid\"; exec sh " + SCRIPT.toAbsolutePath() + " \"$@\"") + " skiff-slot");
        for (String a : args) if (a != null) cmd.append(' ').append(q(a));
        return device.exec(cmd.toString());
    }

    private String ok(String... args) {
        DeviceConnection.ExecResult r = slot(args);
        assertEquals(0, r.exitStatus(), "skiff-slot " + String.join(" ", args) + ": " + r.stderr());
        return r.stdout();
    }

    private Map<String, String> status() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : ok("status").split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        assertEquals(List.of("scheme", "booted", "active", "inactive", "dir_a", "dir_b", "trial", "last", "version_a", "version_b"),
                List.copyOf(out.keySet()), "contract A's status keys");
        return out;
    }

    private boolean rebootedToTryboot() throws IOException {
        Path r = ctl.resolve("reboot");
        assertTrue(Files.exists(r), "skiff-slot reboot-trial ran reboot");
        String args = Files.readString(r).strip();
        Files.delete(r);
        if (loader instanceof PiFirmware) {
            assertEquals("reboot 0 tryboot", args, "the Pi's tryboot reboot (Raspberry Pi documentation: reboot '0 tryboot')");
            return true;
        }
        assertEquals("reboot", args);
        return false;
    }

    private void arm(int k, String when) throws IOException {
        Files.writeString(ctl.resolve("count"), "0\n");
        Files.writeString(ctl.resolve("when"), when + "\n");
        Files.deleteIfExists(ctl.resolve("cut"));
        Files.writeString(ctl.resolve("armed"), k + "\n");
    }

    private void disarm() throws IOException {
        Files.deleteIfExists(ctl.resolve("armed"));
    }

    /** The model boots the device: which slot runs now. */
    private String boot(boolean tryboot) throws IOException {
        return loader.boot(tryboot);
    }

    // --- bootloader models ---------------------------------------------------------------------

    /** A bootloader's documented rule for picking a slot, over the fake device's files. */
    abstract static class Bootloader {
        final Path root;
        final Map<String, String> conf;

        Bootloader(Path root, Map<String, String> conf) {
            this.root = root;
            this.conf = conf;
        }

        Path control() {
            return root.resolve(conf.get("control").substring(1));
        }

        Path slotDir(String slot) {
            return root.resolve(conf.get("dir_" + slot).substring(1));
        }

        /** Writes the switch as skiff:install does (SlotSwitch: slot a the default). */
        abstract void install() throws IOException;

        abstract Path switchFile();

        /** The slot a boot would run, without booting (no state changes). */
        abstract String nextBoot(boolean tryboot) throws IOException;

        /** Boots: picks a slot by the rule, falls back as the real one does, shows the system which. */
        abstract String boot(boolean tryboot) throws IOException;

        /** A slot comes up if its kernel is there and does not panic. */
        boolean comesUp(String slot, String kernel) throws IOException {
            Path k = slotDir(slot).resolve(kernel);
            return Files.isRegularFile(k) && !Files.readString(k).startsWith("panic");
        }
    }

    /**
     * The Raspberry Pi 4/5 bootloader's rule (Raspberry Pi documentation, "config.txt",
     * "autoboot.txt"): it reads autoboot.txt from partition 1; {@code boot_partition} in
     * {@code [all]} picks the partition of a normal boot; if the tryboot flag is set (by
     * {@code reboot '0 tryboot'}) and {@code tryboot_a_b=1}, {@code [tryboot]}'s
     * {@code boot_partition} is used instead, once: the flag is cleared by that boot, so the
     * watchdog reset or power cycle after a trial that hangs or panics boots {@code [all]} again.
     * No autoboot.txt, or a partition that is not a slot, boots partition 1 itself, which holds no
     * kernel: the device does not come up, and the model fails the test.
     */
    static final class PiFirmware extends Bootloader {
        PiFirmware(Path root, Map<String, String> conf) {
            super(root, conf);
        }

        @Override
        void install() throws IOException {
            Files.createDirectories(control());
            Files.writeString(switchFile(), SlotSwitch.autoboot(Integer.parseInt(conf.get("part_a")), Integer.parseInt(conf.get("part_b"))));
        }

        @Override
        Path switchFile() {
            return control().resolve("autoboot.txt");
        }

        private Map<String, Map<String, String>> sections() throws IOException {
            Map<String, Map<String, String>> out = new TreeMap<>();
            Path f = switchFile();
            if (!Files.isRegularFile(f)) return out;
            assertTrue(Files.size(f) <= 512, "autoboot.txt is at most 512 bytes");
            String section = "all";
            for (String line : Files.readAllLines(f)) {
                line = line.strip();
                if (line.startsWith("[") && line.endsWith("]")) {
                    section = line.substring(1, line.length() - 1);
                } else if (line.contains("=")) {
                    out.computeIfAbsent(section, s -> new TreeMap<>()).put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
            return out;
        }

        private String slotOf(String partition) {
            if (Objects.equals(partition, conf.get("part_a"))) return "a";
            if (Objects.equals(partition, conf.get("part_b"))) return "b";
            return null;
        }

        @Override
        String nextBoot(boolean tryboot) throws IOException {
            Map<String, Map<String, String>> s = sections();
            Map<String, String> all = s.getOrDefault("all", Map.of());
            String part = all.get("boot_partition");
            if (tryboot && "1".equals(all.get("tryboot_a_b")) && s.containsKey("tryboot")) {
                part = s.get("tryboot").getOrDefault("boot_partition", part);
            }
            return slotOf(part);
        }

        @Override
        String boot(boolean tryboot) throws IOException {
            String slot = nextBoot(tryboot);
            if (slot == null || !comesUp(slot, "Image")) {
                if (!tryboot) fail("the Pi does not come up: autoboot.txt [all] picks " + slot + ":\n" + readOr(switchFile()));
                return boot(false); // the flag is gone after the failed trial
            }
            Path cell = root.resolve("proc/device-tree/chosen/bootloader/partition");
            Files.createDirectories(cell.getParent());
            int n = Integer.parseInt(conf.get("part_" + slot));
            Files.write(cell, new byte[] {0, 0, (byte) (n >> 8), (byte) n});
            Files.deleteIfExists(root.resolve("proc/cmdline"));
            return slot;
        }
    }

    /**
     * GRUB with the layer's grub.cfg (intel/desktop/resources/grub.cfg): {@code load_env} reads
     * EFI/BOOT/grubenv (a block GRUB cannot parse counts as empty); a set {@code next_entry} is
     * booted once and cleared with {@code save_env} before booting; otherwise {@code saved_entry},
     * {@code slot-a} when unset; an entry whose kernel GRUB cannot load falls back to
     * {@code saved_entry}; a kernel that panics reboots ({@code panic=10}), and the next boot has no
     * next_entry any more.
     */
    static final class Grub extends Bootloader {
        Grub(Path root, Map<String, String> conf) {
            super(root, conf);
        }

        @Override
        void install() throws IOException {
            Files.createDirectories(switchFile().getParent());
            Files.write(switchFile(), SlotSwitch.grubenv(Map.of("saved_entry", "slot-a")));
        }

        @Override
        Path switchFile() {
            return control().resolve(conf.get("grubenv"));
        }

        private Map<String, String> env() throws IOException {
            Map<String, String> out = new LinkedHashMap<>();
            Path f = switchFile();
            if (!Files.isRegularFile(f)) return out;
            byte[] b = Files.readAllBytes(f);
            String text = new String(b, StandardCharsets.US_ASCII);
            if (b.length != 1024 || !text.startsWith("# GRUB Environment Block\n")) return out;
            for (String line : text.split("\n")) {
                if (line.startsWith("#")) continue;
                int eq = line.indexOf('=');
                if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return out;
        }

        private static String slotOf(String entry) {
            return "slot-b".equals(entry) ? "b" : "slot-a".equals(entry) ? "a" : null;
        }

        @Override
        String nextBoot(boolean tryboot) throws IOException {
            Map<String, String> env = env();
            String next = env.getOrDefault("next_entry", "");
            String saved = env.getOrDefault("saved_entry", "");
            if (saved.isEmpty()) saved = "slot-a";
            return slotOf(next.isEmpty() ? saved : next);
        }

        @Override
        String boot(boolean tryboot) throws IOException {
            Map<String, String> env = env();
            String saved = env.getOrDefault("saved_entry", "");
            if (saved.isEmpty()) saved = "slot-a";
            String next = env.getOrDefault("next_entry", "");
            String slot = nextBoot(false);
            if (!next.isEmpty()) {
                env.put("next_entry", "");
                Files.write(switchFile(), SlotSwitch.grubenv(env)); // save_env next_entry
            }
            if (slot == null || !comesUp(slot, "bzImage")) {
                String fallback = slotOf(saved);
                if (fallback == null || !comesUp(fallback, "bzImage")) {
                    fail("GRUB boots nothing: default " + slot + ", fallback " + saved + "; grubenv " + env);
                }
                slot = fallback;
            }
            Path cmdline = root.resolve("proc/cmdline");
            Files.createDirectories(cmdline.getParent());
            Files.writeString(cmdline, "BOOT_IMAGE=/bzImage skiff.slot=" + slot + " panic=10 console=ttyS0\n");
            return slot;
        }
    }

    // --- small things ----------------------------------------------------------------------------

    private static String readOr(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SlotDeviceTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, name + " on the test class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void executable(Path f, String text) throws IOException {
        Files.writeString(f, text);
        assertTrue(f.toFile().setExecutable(true), "chmod +x " + f);
    }

    private static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
