package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.image.ImageSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skiff:push's engine against a real OpenSSH sshd on 127.0.0.1; a temporary directory stands in for /mnt/boot. */
class BootSetPushTest {
    @TempDir
    Path tmp;

    private TestSshd sshd;
    private Path boot;

    @BeforeEach
    void startSshd() throws Exception {
        sshd = TestSshd.start(tmp.resolve("sshd"));
        boot = Files.createDirectories(tmp.resolve("device/mnt/boot"));
    }

    @AfterEach
    void stopSshd() throws Exception {
        if (sshd != null) sshd.close();
    }

    @Test
    void freshPushInstallsTheWholeSetAndLeavesOtherFilesAlone() throws Exception {
        Files.writeString(boot.resolve("user-notes.txt"), "mine");
        Map<String, byte[]> v1 = v1();
        PushResult r = push(images("v1", v1));
        assertEquals(PushResult.Action.SWITCHED, r.action());
        assertEquals(v1.size(), r.files());
        assertEquals(v1.size(), r.uploadedFiles(), "a fresh push sends every file");
        assertEquals(v1.values().stream().mapToLong(b -> b.length).sum(), r.uploadedBytes());
        assertEquals(0, r.copiedOnDevice());
        assertSet(v1, boot);
        assertArrayEquals("mine".getBytes(), Files.readAllBytes(boot.resolve("user-notes.txt")));
        assertFalse(Files.exists(boot.resolve(BootSetPush.STAGING)), "no staging left behind");
        assertFalse(Files.exists(boot.resolve(BootSetPush.JOURNAL)), "no journal left behind");
        assertTrue(Files.readString(boot.resolve(BootSetPush.MANIFEST)).contains("  overlays/vc4-kms-v3d.dtbo\n"));
        assertTrue(r.summary().contains("transferred " + v1.size() + " files"), r.summary());
    }

    @Test
    void aDeviceWithoutAnSftpServerGetsTheFilesThroughItsShell() throws Exception {
        // dropbear, the SSH server of many Buildroot devices, has no SFTP of its own.
        sshd.close();
        sshd = TestSshd.start(tmp.resolve("sshd-nosftp"), Map.of(), false);
        Map<String, byte[]> v1 = v1();
        PushResult r = push(images("v1", v1));
        assertEquals(PushResult.Action.SWITCHED, r.action());
        assertEquals(v1.size(), r.uploadedFiles());
        assertSet(v1, boot);
        Map<String, byte[]> v2 = changed(v1, "rootfs.cpio.gz", "new rootfs");
        List<Long> reported = new java.util.ArrayList<>();
        PushResult r2 = push(images("v2", v2), new PushProgress() {
            @Override
            public void uploaded(String path, long done, long total) {
                reported.add(done);
            }
        });
        assertEquals(1, r2.uploadedFiles());
        assertEquals((long) "new rootfs".length(), reported.get(reported.size() - 1), "progress reaches the file's size");
        assertSet(v2, boot);
        assertSet(v1, boot.resolve(BootSetPush.BACKUP));
        try (DeviceConnection c = sshd.connect()) {
            assertFalse(c.hasSftp());
        }
    }

    @Test
    void secondPushTransfersNothingAndKeepsTheBackup() throws Exception {
        Path img1 = images("v1", v1());
        Map<String, byte[]> v2 = changed(v1(), "Image", "kernel 2");
        Path img2 = images("v2", v2);
        push(img1);
        push(img2);
        Map<String, byte[]> backupBefore = tree(boot.resolve(BootSetPush.BACKUP));

        PushResult again = push(img2);
        assertEquals(PushResult.Action.UP_TO_DATE, again.action());
        assertEquals(0, again.uploadedFiles(), "transferred 0 files");
        assertEquals(0, again.uploadedBytes());
        assertSet(v2, boot);
        assertEquals(keys(backupBefore), keys(tree(boot.resolve(BootSetPush.BACKUP))), "an idle push leaves the backup as it was");
        assertTrue(again.summary().contains("nothing transferred"), again.summary());
    }

    @Test
    void pushOfOneChangedFileSendsOnlyThatFile() throws Exception {
        Map<String, byte[]> v1 = v1();
        push(images("v1", v1));
        Map<String, byte[]> v2 = changed(v1, "rootfs.cpio.gz", "new rootfs");
        PushResult r = push(images("v2", v2));
        assertEquals(PushResult.Action.SWITCHED, r.action());
        assertEquals(1, r.uploadedFiles(), "transferred 1 file");
        assertEquals("new rootfs".length(), r.uploadedBytes());
        assertEquals(v1.size() - 1, r.copiedOnDevice(), "unchanged files are copied on the device, not sent");
        assertSet(v2, boot);
        assertSet(v1, boot.resolve(BootSetPush.BACKUP));
    }

    @Test
    void pushSeededFromTheRunningSlotSendsOnlyTheFilesThatChangedSinceIt() throws Exception {
        // An A/B push: slot a (the running set) holds v1, slot b an older set; v2 changes one file of v1.
        Path slotA = Files.createDirectories(tmp.resolve("device/mnt/boot-a"));
        Path slotB = Files.createDirectories(tmp.resolve("device/mnt/boot-b"));
        Map<String, byte[]> v1 = v1();
        Map<String, byte[]> v0 = changed(changed(v1, "Image", "kernel 0"), "rootfs.cpio.gz", "rootfs 0");
        try (DeviceConnection c = sshd.connect()) {
            new BootSetPush(c, slotA.toString(), PushProgress.NONE).push(files(images("v1", v1)));
            new BootSetPush(c, slotB.toString(), PushProgress.NONE).push(files(images("v0", v0)));
        }
        Files.setPosixFilePermissions(slotA, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        Map<String, byte[]> v2 = changed(v1, "bcm2711-rpi-4-b.dtb", "new dtb");
        PushResult r;
        try (DeviceConnection c = sshd.connect()) {
            r = new BootSetPush(c, slotB.toString(), PushProgress.NONE).seededFrom(slotA.toString()).push(files(images("v2", v2)));
        } finally {
            Files.setPosixFilePermissions(slotA, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertEquals(PushResult.Action.SWITCHED, r.action());
        assertEquals(1, r.uploadedFiles(), "only the file that differs from the running slot is sent: " + r.summary());
        assertEquals("new dtb".length(), r.uploadedBytes());
        assertEquals(v2.size() - 1, r.copiedOnDevice(), "the rest is copied on the device, from either slot");
        assertSet(v2, slotB);
        assertSet(v1, slotA);
    }

    @Test
    void versionOfASingleSetIsReadFromItsManifest() throws Exception {
        Map<String, byte[]> v1 = v1();
        try (DeviceConnection c = sshd.connect()) {
            assertEquals(new BootSetPush.SetVersion(boot.toString(), "none", 0), new BootSetPush(c, boot.toString(), PushProgress.NONE).version());
        }
        v1.put("skiff-image.json", "{\n  \"format\" : \"skiff-image/1\",\n  \"version\" : \"1.4.2\"\n}\n".getBytes());
        push(images("v1", v1));
        try (DeviceConnection c = sshd.connect()) {
            assertEquals(new BootSetPush.SetVersion(boot.toString(), "1.4.2", v1.size()),
                    new BootSetPush(c, boot.toString(), PushProgress.NONE).version());
        }
    }

    @Test
    void fileDroppedFromTheImageLeavesTheActiveSetForTheBackup() throws Exception {
        Map<String, byte[]> v1 = v1();
        push(images("v1", v1));
        Map<String, byte[]> v2 = new TreeMap<>(v1);
        v2.remove("overlays/vc4-kms-v3d.dtbo");
        PushResult r = push(images("v2", v2));
        assertEquals(PushResult.Action.SWITCHED, r.action());
        assertEquals(0, r.uploadedFiles());
        assertSet(v2, boot);
        assertFalse(Files.exists(boot.resolve("overlays")), "the emptied directory is removed");
        assertSet(v1, boot.resolve(BootSetPush.BACKUP));
    }

    @Test
    void connectionKilledMidTransferLeavesTheOldSetAndTheNextPushSucceeds() throws Exception {
        Map<String, byte[]> v1 = v1();
        push(images("v1", v1));
        byte[] manifestBefore = Files.readAllBytes(boot.resolve(BootSetPush.MANIFEST));
        Map<String, byte[]> v2 = changed(v1, "Image", "kernel 2");
        v2.put("rootfs.cpio.gz", random(64 << 20, 7));
        Path img2 = images("v2", v2);

        AtomicBoolean killed = new AtomicBoolean();
        PushProgress killer = new PushProgress() {
            @Override
            public void uploaded(String path, long bytes, long size) {
                if (path.equals("rootfs.cpio.gz") && bytes >= (8 << 20) && killed.compareAndSet(false, true)) {
                    sshd.killSessions();
                }
            }
        };
        SkiffException e = assertThrows(SkiffException.class, () -> push(img2, killer));
        assertTrue(killed.get(), "the connection was cut during the upload");
        assertTrue(e.getMessage().contains("rootfs.cpio.gz"), e.getMessage());
        assertSet(v1, boot);
        assertArrayEquals(manifestBefore, Files.readAllBytes(boot.resolve(BootSetPush.MANIFEST)));
        assertFalse(Files.exists(boot.resolve(BootSetPush.JOURNAL)));

        PushResult r = push(img2);
        assertEquals(PushResult.Action.SWITCHED, r.action());
        assertEquals(v2.size() - 1, r.resumed(), "what was staged completely before the cut (the new Image, the unchanged"
                + " files) is not sent or copied again");
        assertEquals(1, r.uploadedFiles(), "only the cut-off rootfs is sent again");
        assertEquals(64 << 20, r.uploadedBytes());
        assertSet(v2, boot);
        assertSet(v1, boot.resolve(BootSetPush.BACKUP));
    }

    @Test
    void connectionKilledJustBeforeTheSwitchLeavesTheOldSet() throws Exception {
        Map<String, byte[]> v1 = v1();
        push(images("v1", v1));
        Map<String, byte[]> v2 = changed(v1, "Image", "kernel 2");
        Path img2 = images("v2", v2);
        PushProgress killer = new PushProgress() {
            @Override
            public void step(String message) {
                if (message.startsWith("Verifying")) sshd.killSessions();
            }
        };
        assertThrows(SkiffException.class, () -> push(img2, killer));
        assertSet(v1, boot);
        PushResult r = push(img2);
        assertEquals(PushResult.Action.SWITCHED, r.action());
        assertEquals(0, r.uploadedFiles(), "the verified staging set is reused");
        assertEquals(v1.size(), r.resumed());
        assertSet(v2, boot);
    }

    @Test
    void rollbackRestoresTheBackupAndCanBeUndone() throws Exception {
        Map<String, byte[]> v1 = v1();
        Map<String, byte[]> v2 = changed(v1, "Image", "kernel 2");
        v2.put("overlays/new.dtbo", "new overlay".getBytes());
        push(images("v1", v1));
        push(images("v2", v2));

        PushResult r = rollback();
        assertEquals(PushResult.Action.ROLLED_BACK, r.action());
        assertEquals(v1.size(), r.files());
        assertSet(v1, boot);
        assertSet(v2, boot.resolve(BootSetPush.BACKUP));
        assertFalse(Files.exists(boot.resolve("overlays/new.dtbo")));

        rollback();
        assertSet(v2, boot);
        assertSet(v1, boot.resolve(BootSetPush.BACKUP));
    }

    @Test
    void rollbackWithoutBackupIsRefused() throws Exception {
        SkiffException e = assertThrows(SkiffException.class, this::rollback);
        assertTrue(e.getMessage().contains("no backup set"), e.getMessage());
    }

    @Test
    void rollbackRightAfterTheFirstPushHasNothingToRollBackToAndChangesNothing() throws Exception {
        // The first push to an empty boot directory replaces nothing: its backup is the empty set.
        Map<String, byte[]> v1 = v1();
        push(images("v1", v1));
        Map<String, String> before = snapshot(boot);
        assertTrue(before.containsKey(BootSetPush.BACKUP + "/" + BootSetPush.MANIFEST), "the first push kept an (empty) backup");

        SkiffException e = assertThrows(SkiffException.class, this::rollback);
        assertTrue(e.getMessage().startsWith("nothing to roll back to on " + sshd.address()), e.getMessage());
        assertTrue(e.getMessage().contains("the first to " + boot), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing was changed."), e.getMessage());
        assertFalse(e.getMessage().contains("damaged"), e.getMessage());
        assertEquals(before, snapshot(boot), "every file and directory in the boot directory, push's own state included");
        assertSet(v1, boot);
    }

    @Test
    void damagedBackupIsNotRestored() throws Exception {
        Map<String, byte[]> v1 = v1();
        Map<String, byte[]> v2 = changed(v1, "Image", "kernel 2");
        push(images("v1", v1));
        push(images("v2", v2));
        Files.writeString(boot.resolve(BootSetPush.BACKUP).resolve("Image"), "bit rot");
        SkiffException e = assertThrows(SkiffException.class, this::rollback);
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        assertSet(v2, boot);
    }

    @Test
    void unknownHostKeyIsRefusedUnlessAccepted() throws Exception {
        Path knownHosts = tmp.resolve("client/.ssh/known_hosts");
        ClientIdentities ids = ClientIdentities.resolve(sshd.clientKey, sshd.dir);
        SkiffException e = assertThrows(SkiffException.class,
                () -> DeviceConnection.open(sshd.address(), new HostKeyPolicy(knownHosts, false), ids).close());
        String fingerprint = fingerprint(sshd.hostKey);
        assertTrue(e.getMessage().contains("unknown host key for [127.0.0.1]:" + sshd.port), e.getMessage());
        assertTrue(e.getMessage().contains(fingerprint), "names the fingerprint " + fingerprint + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("-Dskiff.acceptNewHostKey=true"), e.getMessage());
        assertFalse(Files.exists(knownHosts), "nothing is written when refusing");

        try (DeviceConnection c = DeviceConnection.open(sshd.address(), new HostKeyPolicy(knownHosts, true), ids)) {
            assertEquals("ok\n", c.run("echo", "echo ok"));
        }
        String hostPub = Files.readString(Path.of(sshd.hostKey + ".pub")).strip();
        String keyPart = hostPub.substring(0, hostPub.lastIndexOf(' '));
        assertTrue(Files.readString(knownHosts).contains("[127.0.0.1]:" + sshd.port + " " + keyPart), Files.readString(knownHosts));
        try (DeviceConnection c = DeviceConnection.open(sshd.address(), new HostKeyPolicy(knownHosts, false), ids)) {
            assertEquals("ok\n", c.run("echo", "echo ok"));
        }
    }

    @Test
    void changedHostKeyIsRefusedEvenWithAcceptNew() throws Exception {
        Path other = tmp.resolve("other_host_key");
        TestSshd.keygen(other);
        Path knownHosts = tmp.resolve("known_hosts_changed");
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.port + " " + Files.readString(Path.of(other + ".pub")));
        ClientIdentities ids = ClientIdentities.resolve(sshd.clientKey, sshd.dir);
        SkiffException e = assertThrows(SkiffException.class,
                () -> DeviceConnection.open(sshd.address(), new HostKeyPolicy(knownHosts, true), ids).close());
        assertTrue(e.getMessage().contains("HOST KEY CHANGED"), e.getMessage());
        assertTrue(e.getMessage().contains("ssh-keygen -f"), e.getMessage());
    }

    @Test
    void newKeyTypeForAHostKnownUnderAnotherTypeIsRefusedEvenWithAcceptNew() throws Exception {
        // known_hosts knows the device only by an ECDSA key; the device (or someone in the middle)
        // presents an Ed25519 one. OpenSSH's accept-new would add it: skiff refuses.
        Path ecdsa = tmp.resolve("old_ecdsa_host_key");
        TestSshd.keygen(ecdsa, "ecdsa");
        Path knownHosts = tmp.resolve("known_hosts_other_type");
        String content = "# devices\n[127.0.0.1]:" + sshd.port + " " + Files.readString(Path.of(ecdsa + ".pub"));
        Files.writeString(knownHosts, content);
        ClientIdentities ids = ClientIdentities.resolve(sshd.clientKey, sshd.dir);
        for (boolean acceptNew : new boolean[] {true, false}) {
            SkiffException e = assertThrows(SkiffException.class,
                    () -> DeviceConnection.open(sshd.address(), new HostKeyPolicy(knownHosts, acceptNew), ids).close(),
                    "acceptNew=" + acceptNew);
            String m = e.getMessage();
            assertTrue(m.contains("HOST KEY TYPE CHANGED for [127.0.0.1]:" + sshd.port), m);
            assertTrue(m.contains("ssh-ed25519 key " + fingerprint(sshd.hostKey)), "names the presented key: " + m);
            assertTrue(m.contains(knownHosts + " knows it only by its ecdsa-sha2-nistp256 on line 2"), "names the known type,"
                    + " the file and the line: " + m);
            assertTrue(m.contains("stricter than OpenSSH"), m);
            assertTrue(m.contains("ssh-keygen -f " + knownHosts + " -R '[127.0.0.1]:" + sshd.port + "'"), m);
            assertEquals(content, Files.readString(knownHosts), "known_hosts is left as it was (acceptNew=" + acceptNew + ")");
        }
    }

    @Test
    void hostListedWithSeveralKeyTypesIsAccepted() throws Exception {
        // The first line for the host is another key type (an old ECDSA host key): every line counts.
        Path ecdsa = tmp.resolve("old_ecdsa_host_key");
        TestSshd.keygen(ecdsa, "ecdsa");
        Path knownHosts = tmp.resolve("known_hosts_multi");
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.port + " " + Files.readString(Path.of(ecdsa + ".pub"))
                + Files.readString(sshd.knownHosts));
        try (DeviceConnection c = DeviceConnection.open(sshd.address(), new HostKeyPolicy(knownHosts, false),
                ClientIdentities.resolve(sshd.clientKey, sshd.dir))) {
            assertTrue(c.isOpen());
        }
    }

    @Test
    void rejectedKeyNamesTheKeysTried() throws Exception {
        Path stranger = tmp.resolve("stranger/id_ed25519");
        Files.createDirectories(stranger.getParent());
        TestSshd.keygen(stranger);
        SkiffException e = assertThrows(SkiffException.class, () -> DeviceConnection.open(sshd.address(),
                new HostKeyPolicy(sshd.knownHosts, false), ClientIdentities.resolve(null, stranger.getParent())).close());
        assertTrue(e.getMessage().contains("authentication to " + sshd.address() + " failed"), e.getMessage());
        assertTrue(e.getMessage().contains(stranger.toString()), e.getMessage());
    }

    @Test
    void defaultKeysFromTheSshDirectoryAreUsed() throws Exception {
        // sshd.dir holds id_ed25519, the authorized key.
        try (DeviceConnection c = DeviceConnection.open(sshd.address(), new HostKeyPolicy(sshd.knownHosts, false),
                ClientIdentities.resolve(null, sshd.dir))) {
            assertEquals("ok\n", c.run("echo", "echo ok"));
        }
    }

    @Test
    void remoteCommandFailureCarriesStderr() throws Exception {
        try (DeviceConnection c = sshd.connect()) {
            SkiffException e = assertThrows(SkiffException.class, () -> c.run("listing", "ls /does-not-exist-skiff"));
            assertTrue(e.getMessage().contains("listing failed on"), e.getMessage());
            assertTrue(e.getMessage().contains("exit status 2"), e.getMessage());
            assertTrue(e.getMessage().contains("does-not-exist-skiff"), e.getMessage());
        }
    }

    @Test
    void missingBootDirectoryIsExplained() throws Exception {
        try (DeviceConnection c = sshd.connect()) {
            BootSetPush p = new BootSetPush(c, tmp.resolve("no/such/boot").toString(), PushProgress.NONE);
            SkiffException e = assertThrows(SkiffException.class, () -> p.push(files(images("v1", v1()))));
            assertTrue(e.getMessage().contains("does not exist on the device"), e.getMessage());
        }
    }

    @Test
    void refusedConnectionIsExplained() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        DeviceAddress nobody = new DeviceAddress("root", "127.0.0.1", port);
        SkiffException e = assertThrows(SkiffException.class, () -> DeviceConnection.open(nobody,
                new HostKeyPolicy(sshd.knownHosts, false), ClientIdentities.resolve(sshd.clientKey, sshd.dir)).close());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }

    // ---- fixtures

    // ---- the push lock (issue 17 item 10)

    private static final String BOOT_ID = bootId();

    private static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A lock as lock.sh writes it; {@code server} 0: no SSH server process known, so its age decides. */
    private void holdLock(String id, String bootId, long server, long since, String owner) throws IOException {
        Path lock = Files.createDirectories(boot.resolve(".skiff-lock"));
        Files.writeString(lock.resolve("owner"), id + " " + bootId + " " + server + " " + since + " " + owner + "\n");
    }

    /** The pid of the test sshd's listener: a live sshd process, as the holder's connection would be. */
    private long liveSshd() {
        return sshd.pid();
    }

    @Test
    void aPushWhileAnotherHoldsTheLockFailsNamingItAndChangesNothing() throws Exception {
        Map<String, byte[]> v1 = v1();
        push(images("v1", v1));
        holdLock("other-push", BOOT_ID, liveSshd(), System.currentTimeMillis() / 1000, "skiff:push by ci, process 4242, push other");
        Path v2 = images("v2", changed(v1, "Image", "kernel 2"));
        SkiffException e = assertThrows(SkiffException.class, () -> push(v2));
        assertTrue(e.getMessage().contains("another push holds " + boot + ": skiff:push by ci, process 4242, push other")
                && e.getMessage().contains("if no push is running, remove " + boot.resolve(".skiff-lock") + " on the device")
                && e.getMessage().endsWith("Nothing was changed."), e.getMessage());
        assertSet(v1, boot);
        assertFalse(Files.exists(boot.resolve(BootSetPush.STAGING)), "nothing staged");
        assertTrue(Files.readString(boot.resolve(".skiff-lock/owner")).startsWith("other-push "), "the holder's lock stays");
    }

    @Test
    void aLockFromBeforeTheLastBootOrAnHourOldIsTakenOverWithANote() throws Exception {
        Map<String, byte[]> v1 = v1();
        holdLock("cut-push", "a-boot-before-the-power-cut", liveSshd(), System.currentTimeMillis() / 1000, "skiff:push by ci, push cut");
        List<String> steps = new java.util.ArrayList<>();
        PushProgress log = new PushProgress() {
            @Override
            public void step(String message) {
                steps.add(message);
            }
        };
        assertEquals(PushResult.Action.SWITCHED, push(images("v1", v1), log).action());
        assertTrue(steps.stream().anyMatch(m -> m.contains("took over the stale lock of skiff:push by ci, push cut")
                && m.contains("taken before the device last booted")), steps.toString());
        assertFalse(Files.exists(boot.resolve(".skiff-lock")), "released after the switch-over");

        // Its connection is gone: the SSH server process it recorded has exited (a dropped link).
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        holdLock("dropped-link", BOOT_ID, gone.pid(), System.currentTimeMillis() / 1000, "skiff:push by ci, push dropped");
        steps.clear();
        Map<String, byte[]> v2 = changed(v1, "Image", "kernel 2");
        push(images("v2", v2), log);
        assertTrue(steps.stream().anyMatch(m -> m.contains("took over the stale lock of skiff:push by ci, push dropped")
                && m.contains("its connection is gone")), steps.toString());
        assertSet(v2, boot);

        // No SSH server process known (another server): an hour decides.
        holdLock("unknown-server", BOOT_ID, 0, System.currentTimeMillis() / 1000 - 4000, "skiff:push by ci, push old");
        steps.clear();
        push(images("v1b", v1), log);
        assertTrue(steps.stream().anyMatch(m -> m.contains("took over the stale lock") && m.contains("taken 400")), steps.toString());
        holdLock("unknown-server", BOOT_ID, 0, System.currentTimeMillis() / 1000 - 60, "skiff:push by ci, push young");
        SkiffException young = assertThrows(SkiffException.class, () -> push(images("v2b", v2)));
        assertTrue(young.getMessage().contains("another push holds"), young.getMessage());
    }

    @Test
    void aPushWhoseLockWasTakenOverStopsBeforeTheSwitchOver() throws Exception {
        Map<String, byte[]> v1 = v1();
        push(images("v1", v1));
        Map<String, byte[]> v2 = changed(v1, "Image", "kernel 2");
        List<PushFile> files = files(images("v2", v2));
        try (DeviceConnection c = sshd.connect()) {
            PushLock lock = PushLock.take(c, boot.toString(), PushProgress.NONE);
            // Another push took it over meanwhile (say, it judged this one's host dead).
            holdLock("usurper", BOOT_ID, liveSshd(), System.currentTimeMillis() / 1000, "skiff:push by ci, push usurper");
            SkiffException e = assertThrows(SkiffException.class,
                    () -> new BootSetPush(c, boot.toString(), PushProgress.NONE).push(files, lock, true));
            assertTrue(e.getMessage().contains("this push no longer holds " + boot) && e.getMessage().contains("push usurper"),
                    e.getMessage());
            lock.close();
        }
        assertSet(v1, boot);
        assertTrue(Files.readString(boot.resolve(".skiff-lock/owner")).startsWith("usurper "), "release leaves another's lock");
    }

    @Test
    void concurrentPushesNeverReportASetTheDeviceDoesNotHold() throws Exception {
        // The failure of the issue: in 1 of 12 rounds push B said SWITCHED while the device held A.
        Map<String, byte[]> v1 = v1();
        push(images("v1", v1));
        Map<String, byte[]> a = changed(v1, "Image", "kernel A");
        Map<String, byte[]> b = changed(v1, "Image", "kernel B");
        List<PushFile> filesA = files(images("A", a));
        List<PushFile> filesB = files(images("B", b));
        int refused = 0;
        for (int round = 0; round < 6; round++) {
            java.util.concurrent.ConcurrentLinkedQueue<String> switched = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            List<Thread> threads = new java.util.ArrayList<>();
            for (Map.Entry<String, List<PushFile>> e : Map.of("A", filesA, "B", filesB).entrySet()) {
                Thread t = new Thread(() -> {
                    try (DeviceConnection c = sshd.connect()) {
                        start.await();
                        // SWITCHED, or UP_TO_DATE when the device held this set already (the last round's).
                        new BootSetPush(c, boot.toString(), PushProgress.NONE).push(e.getValue());
                        switched.add(e.getKey());
                    } catch (SkiffException x) {
                        failures.add(x.getMessage());
                    } catch (Exception x) {
                        failures.add("unexpected: " + x);
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) t.join(120_000);
            for (String f : failures) assertTrue(f.contains("another push holds"), f);
            refused += failures.size();
            String held = new String(Files.readAllBytes(boot.resolve("Image")));
            assertEquals(2, switched.size() + failures.size(), "each push either switched or was refused: " + switched + failures);
            // The device holds the set of the push that switched last.
            String last = null;
            for (String k : switched) last = k;
            if (last != null) assertEquals("kernel " + last, held, "round " + round + ": switched " + switched);
            assertFalse(Files.exists(boot.resolve(".skiff-lock")), "round " + round + ": the lock is released");
        }
        System.out.println("BootSetPushTest: concurrent pushes refused " + refused + " time(s) in 6 rounds");
    }

    private PushResult push(Path images) {
        return push(images, PushProgress.NONE);
    }

    private PushResult push(Path images, PushProgress progress) {
        List<PushFile> files = files(images);
        try (DeviceConnection c = sshd.connect()) {
            return new BootSetPush(c, boot.toString(), progress).push(files);
        }
    }

    private PushResult rollback() {
        try (DeviceConnection c = sshd.connect()) {
            return new BootSetPush(c, boot.toString(), PushProgress.NONE).rollback();
        }
    }

    private static List<PushFile> files(Path images) {
        try (ImageSource src = ImageSource.fromDirectory(images, List.of())) {
            return PushFile.allOf(src);
        }
    }

    /** A Raspberry Pi style boot set, plus a disk image that is never pushed. */
    private static Map<String, byte[]> v1() {
        Map<String, byte[]> m = new TreeMap<>();
        m.put("Image", random(1 << 20, 1));
        m.put("rootfs.cpio.gz", random(512 << 10, 2));
        m.put("bcm2711-rpi-4-b.dtb", random(40 << 10, 3));
        m.put("overlays/vc4-kms-v3d.dtbo", random(4 << 10, 4));
        m.put("config.txt", "kernel=Image\n".getBytes());
        m.put("cmdline.txt", "console=tty1\n".getBytes());
        return m;
    }

    private Path images(String name, Map<String, byte[]> set) throws IOException {
        Path dir = tmp.resolve("images-" + name);
        for (Map.Entry<String, byte[]> e : set.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue());
        }
        Files.write(dir.resolve("sdcard.img"), random(64 << 10, 99)); // the disk image: not part of the boot set
        return dir;
    }

    private static Map<String, byte[]> changed(Map<String, byte[]> base, String path, String content) {
        Map<String, byte[]> m = new TreeMap<>(base);
        m.put(path, content.getBytes());
        return m;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** {@code dir} holds exactly {@code expected} (ignoring push's own .skiff* entries and user files outside the set names). */
    private static void assertSet(Map<String, byte[]> expected, Path dir) throws IOException {
        Map<String, byte[]> actual = tree(dir);
        actual.keySet().removeIf(p -> p.equals("user-notes.txt"));
        assertEquals(keys(expected), keys(actual), "files in " + dir);
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()), e.getKey() + " in " + dir);
        }
    }

    private static Map<String, byte[]> tree(Path dir) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.startsWith(".skiff")) continue;
                m.put(rel, Files.readAllBytes(p));
            }
        }
        return m;
    }

    /** Every entry under {@code dir}, push's own state included: directories as "dir", files as their SHA-256. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(p -> !p.equals(dir)).toList()) {
                m.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir" : dev.skiff.Sha256.of(p));
            }
        }
        return m;
    }

    private static List<String> keys(Map<String, byte[]> m) {
        return m.keySet().stream().sorted().toList();
    }

    private static String fingerprint(Path key) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out.split("\\s+")[1];
    }
}
