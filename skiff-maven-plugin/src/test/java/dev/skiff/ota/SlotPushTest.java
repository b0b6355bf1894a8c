package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.image.ImageSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host side of A/B updates against the REAL {@code skiff-slot} of the base layer, run over a
 * real OpenSSH sshd on 127.0.0.1 against a fake device root ({@code SKIFF_ROOT}): a Pi 4 with
 * slots a and b at /mnt/boot-a and /mnt/boot-b and autoboot.txt on /mnt/control. A reboot is the
 * test double {@code pi-firmware-reboot}: the firmware's documented tryboot rule, then the
 * boot-time {@code skiff-slot commit}.
 */
class SlotPushTest {
    @TempDir
    Path tmp;

    private TestSshd sshd;
    private Path root;

    @BeforeEach
    void startDevice() throws Exception {
        assertTrue(Files.isRegularFile(FakePiDevice.SKIFF_SLOT), "the base layer ships " + FakePiDevice.SKIFF_SLOT);
        root = Files.createDirectories(tmp.resolve("device"));
        sshd = FakePiDevice.sshd(tmp, root);
    }

    @AfterEach
    void stop() throws Exception {
        if (sshd != null) sshd.close();
    }

    /** The device of a fresh install: slot a holds v1 and is the default and booted; slot b is empty. */
    private void abDevice() throws Exception {
        FakePiDevice.create(root);
        try (DeviceConnection c = sshd.connect()) {
            new BootSetPush(c, root.resolve("mnt/boot-a").toString(), PushProgress.NONE).push(files(images("v1", set("1.0"), null)));
        }
    }

    @Test
    void singleSetDeviceHasNoSlots() throws Exception {
        try (DeviceConnection c = sshd.connect()) {
            assertEquals(Optional.empty(), new SlotDevice(c, PushProgress.NONE).status());
        }
    }

    @Test
    void statusReadsEachSlot() throws Exception {
        abDevice();
        SlotStatus st = status();
        assertEquals("pi-tryboot", st.scheme());
        assertEquals("a", st.booted());
        assertEquals("a", st.active());
        assertEquals("b", st.inactive());
        assertEquals("none", st.trial());
        assertEquals("1.0", st.versionA());
        assertEquals("none", st.versionB());
        assertEquals("/mnt/boot-a", st.dirA());
        List<String> lines = st.describe();
        assertTrue(lines.get(0).startsWith("slot a (/mnt/boot-a): version 1.0, active, booted"), lines.toString());
        assertTrue(lines.get(1).startsWith("slot b (/mnt/boot-b): version none"), lines.toString());
    }

    @Test
    void pushWritesTheInactiveSlotSendingOnlyChangedFilesAndArmsATrial() throws Exception {
        abDevice();
        Map<String, byte[]> v2 = set("2.0");
        v2.put("bcm2711-rpi-4-b.dtb", "new dtb".getBytes());
        List<String> log = new ArrayList<>();
        SlotDevice.SlotPush p;
        try (DeviceConnection c = sshd.connect()) {
            p = new SlotDevice(c, logTo(log)).push(files(images("v2", v2, null)));
        }
        assertEquals("b", p.slot());
        assertEquals(2, p.push().uploadedFiles(), "only the changed dtb and skiff-image.json cross the wire: " + p.summary());
        assertEquals("new dtb".length() + v2.get("skiff-image.json").length, p.push().uploadedBytes());
        assertEquals(v2.size() - 2, p.push().copiedOnDevice(), "the rest is copied from the running slot a");
        assertSet(v2, root.resolve("mnt/boot-b"));
        assertSet(set("1.0"), root.resolve("mnt/boot-a"));
        assertFalse(Files.exists(root.resolve("mnt/boot-b/" + BootSetPush.BACKUP)), "no backup in a slot: the other slot is the fallback");
        assertEquals("b", p.after().trial(), "a trial boot of slot b is armed");
        assertEquals("a", p.after().active(), "slot a stays the default until b commits");
        assertEquals("2.0", p.after().versionB());
        assertTrue(log.stream().anyMatch(l -> l.contains("no trusted keys")), "the device says no signature was required: " + log);
        assertTrue(p.summary().startsWith("Wrote the new set into slot b (5 files): transferred 2 files (")
                && p.summary().endsWith("3 unchanged copied on the device; slot b is armed for one trial boot, slot a stays the"
                + " default until it commits."), p.summary());
    }

    @Test
    void signedSetVerifiesOnTheDevice() throws Exception {
        abDevice();
        KeyPair key = ed25519();
        write("etc/skiff/trusted-keys/release.pem", pem(key));
        List<String> log = new ArrayList<>();
        try (DeviceConnection c = sshd.connect()) {
            SlotDevice.SlotPush p = new SlotDevice(c, logTo(log)).push(files(images("v2", set("2.0"), key)));
            assertEquals("b", p.after().trial());
        }
        assertTrue(Files.exists(root.resolve("mnt/boot-b/skiff-image.sig")), "the signature is pushed with the set");
        assertTrue(Files.exists(root.resolve("mnt/boot-b/skiff-image.sha256")));
        assertTrue(log.stream().anyMatch(l -> l.contains("signature good")), log.toString());
    }

    @Test
    void setSignedByAnotherKeyIsNotArmed() throws Exception {
        abDevice();
        write("etc/skiff/trusted-keys/release.pem", pem(ed25519()));
        SkiffException e;
        try (DeviceConnection c = sshd.connect()) {
            SlotDevice d = new SlotDevice(c, PushProgress.NONE);
            e = assertThrows(SkiffException.class, () -> d.push(files(images("v2", set("2.0"), ed25519()))));
        }
        assertTrue(e.getMessage().contains("arming slot b") && e.getMessage().contains("does not verify with any of the 1 trusted key"),
                e.getMessage());
        SlotStatus st = status();
        assertEquals("none", st.trial(), "nothing armed");
        assertEquals("a", st.active());
    }

    @Test
    void unsignedSetIsNotArmedWhenTheDeviceTrustsKeys() throws Exception {
        abDevice();
        write("etc/skiff/trusted-keys/release.pem", pem(ed25519()));
        try (DeviceConnection c = sshd.connect()) {
            SlotDevice d = new SlotDevice(c, PushProgress.NONE);
            SkiffException e = assertThrows(SkiffException.class, () -> d.push(files(images("v2", set("2.0"), null))));
            assertTrue(e.getMessage().contains("unsigned"), e.getMessage());
        }
        assertEquals("none", status().trial());
    }

    @Test
    void bundleSignedBySkiffPackageVerifiesOnTheDeviceWithItsManifest() throws Exception {
        abDevice();
        KeyPair key = ed25519();
        write("etc/skiff/trusted-keys/release.pem", pem(key));
        Path keyFile = tmp.resolve("release.pem");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Map<String, byte[]> v2 = set("2.0");
        v2.remove("skiff-image.json"); // skiff:package writes the real manifest
        Path images = images("bundle", v2, null);
        Path bundle = dev.skiff.image.ImageBundle.write(images, new dev.skiff.image.ImageMetadata(List.of("pi/4", "skiff/core"),
                List.of("pi/4"), "default", null, new dev.skiff.image.ImageVersions("2.0", "0.1.0", "2026.02.3", "v2.0"), null,
                "skiff-maven-plugin 0.1.0"), 1_763_683_200L, tmp.resolve("image.tar"),
                dev.skiff.sign.SigningKey.resolve(keyFile, null, null)).file();
        List<String> log = new ArrayList<>();
        try (ImageSource src = ImageSource.fromBundle(bundle, tmp.resolve("scratch"));
             DeviceConnection c = sshd.connect()) {
            List<PushFile> set = SlotSet.of(PushFile.allOf(src), src, bundle, src.dir().resolve(".skiff-slot"), true);
            assertEquals(List.of("skiff-image.json", "skiff-image.sha256", "skiff-image.sig"),
                    set.subList(set.size() - 3, set.size()).stream().map(PushFile::path).toList());
            SlotDevice.SlotPush p = new SlotDevice(c, logTo(log)).push(set);
            assertEquals("b", p.after().trial(), "armed: the device checked the signature and every file's hash");
            // skiff-slot status reads the real manifest's version (versions.project), as skiff:status shows it.
            assertEquals("2.0", p.after().versionB());
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("signature good")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("file(s) match skiff-image.sha256")), log.toString());
        assertArrayEquals(SlotSet.manifestEntry(bundle), Files.readAllBytes(root.resolve("mnt/boot-b/skiff-image.json")),
                "the manifest is pushed byte for byte as the bundle holds it (its hash is in the signed list)");
        try (DeviceConnection c = sshd.connect()) {
            // What skiff:status prints for a single set holding that manifest: the project's version.
            assertEquals("2.0", new BootSetPush(c, root.resolve("mnt/boot-b").toString(), PushProgress.NONE).version().version());
        }
    }

    @Test
    void fileChangedAfterSigningIsNotArmed() throws Exception {
        abDevice();
        KeyPair key = ed25519();
        write("etc/skiff/trusted-keys/release.pem", pem(key));
        Path images = images("v2", set("2.0"), key);
        Files.write(images.resolve("config.txt"), "kernel=Image\ninitramfs evil.cpio\n".getBytes()); // after signing
        try (DeviceConnection c = sshd.connect()) {
            SlotDevice d = new SlotDevice(c, PushProgress.NONE);
            SkiffException e = assertThrows(SkiffException.class, () -> d.push(files(images)));
            assertTrue(e.getMessage().contains("config.txt is not in the set"), e.getMessage());
        }
        assertEquals("none", status().trial());
    }

    @Test
    void rebootTrialThatCommits() throws Exception {
        abDevice();
        pushV2();
        SlotDevice.Trial t = reboot(Duration.ofSeconds(30));
        assertEquals(SlotDevice.Outcome.COMMITTED, t.outcome(), t.summary());
        assertEquals("b", t.status().booted());
        assertEquals("b", t.status().active());
        assertEquals("committed", t.status().last());
        assertTrue(t.summary().contains("booted slot b (version 2.0) and committed it"), t.summary());
    }

    @Test
    void aDeviceThatRefusesTheLoginForAMomentWhileItRebootsIsWaitedFor() throws Exception {
        // As the real boot test saw: while a device goes down or comes up, its SSH server may run
        // without the keys in place and refuse the login.
        abDevice();
        pushV2();
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();
        DeviceConnection c = sshd.connect();
        SlotDevice.Trial t;
        try {
            t = SlotDevice.rebootTrial(c, () -> {
                if (refusals.getAndIncrement() < 2) {
                    throw new SkiffException("authentication to root@127.0.0.1 failed: the device accepted none of the keys tried");
                }
                return sshd.connect();
            }, Duration.ofSeconds(30), PushProgress.NONE);
        } finally {
            c.close();
        }
        assertEquals(SlotDevice.Outcome.COMMITTED, t.outcome(), t.summary());
        assertTrue(refusals.get() > 2, "refused twice, then asked again");
    }

    @Test
    void rebootTrialWhoseHealthCheckFails() throws Exception {
        abDevice();
        write("etc/skiff/health.d/containers", "#!/bin/sh\nexit 1\n");
        root.resolve("etc/skiff/health.d/containers").toFile().setExecutable(true);
        pushV2();
        SlotDevice.Trial t = reboot(Duration.ofSeconds(30));
        assertEquals(SlotDevice.Outcome.FAILED_CHECK, t.outcome(), t.summary());
        assertEquals("failed-check:containers", t.status().last());
        assertEquals("a", t.status().active(), "slot a stays the default");
        assertTrue(t.summary().contains("it reboots to slot a by itself"), t.summary());
    }

    @Test
    void aTrialWhoseHealthCheckFailsGoesBackByItselfAndSaysWhy() throws Exception {
        abDevice();
        Files.writeString(root.resolve("etc/skiff/slots.conf"),
                Files.readString(root.resolve("etc/skiff/slots.conf")).replace("fallback_reboot=off", "fallback_reboot=1"));
        write("etc/skiff/health.d/containers", "#!/bin/sh\nexit 1\n");
        root.resolve("etc/skiff/health.d/containers").toFile().setExecutable(true);
        pushV2();
        SlotDevice.Trial t = reboot(Duration.ofSeconds(30));
        assertEquals(SlotDevice.Outcome.FAILED_CHECK, t.outcome(), t.summary());
        // A second later the model's plain reboot (the firmware without the tryboot flag) runs slot a again.
        SlotStatus back = null;
        for (int i = 0; i < 50 && (back == null || !back.booted().equals("a")); i++) {
            Thread.sleep(200);
            try (DeviceConnection c = sshd.connect()) {
                back = new SlotDevice(c, PushProgress.NONE).status().orElseThrow();
            }
        }
        assertEquals(List.of("a", "a", "none", "failed-check:containers"), List.of(back.booted(), back.active(), back.trial(), back.last()),
                back.toString());
        SlotDevice.Trial late = new SlotDevice.Trial("b", SlotDevice.outcome("b", back), back);
        assertEquals(SlotDevice.Outcome.FAILED_CHECK, late.outcome(), "a host that asks only now still learns why");
        assertTrue(late.summary().contains("did not commit (failed-check:containers), and went back to slot a (version 1.0) by itself"),
                late.summary());
    }

    @Test
    void rebootTrialThatDoesNotBootFallsBack() throws Exception {
        abDevice();
        write("test/trial-fails", "");
        pushV2();
        SlotDevice.Trial t = reboot(Duration.ofSeconds(30));
        assertEquals(SlotDevice.Outcome.FELL_BACK, t.outcome(), t.summary());
        assertEquals("a", t.status().booted());
        assertEquals("fell-back", t.status().last());
        assertTrue(t.summary().contains("fell back to version 1.0"), t.summary());
    }

    @Test
    void rebootWithoutATrialIsRefusedAndNothingReboots() throws Exception {
        abDevice();
        SkiffException e = assertThrows(SkiffException.class, () -> reboot(Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("no trial boot is armed"), e.getMessage());
        assertFalse(Files.exists(root.resolve("test/boots")), "no reboot");
    }

    @Test
    void deviceThatDoesNotComeBackIsReportedAfterTheTimeout() throws Exception {
        abDevice();
        pushV2();
        Files.delete(tmp.resolve("bin/reboot")); // the reboot never happens: the boot id never changes
        Files.writeString(tmp.resolve("bin/reboot"), "#!/bin/sh\nexit 0\n");
        tmp.resolve("bin/reboot").toFile().setExecutable(true);
        SkiffException e = assertThrows(SkiffException.class, () -> reboot(Duration.ofSeconds(3)));
        assertTrue(e.getMessage().contains("did not come back within 3 s") && e.getMessage().contains("has not rebooted yet"),
                e.getMessage());
    }

    @Test
    void rollbackSwitchesToTheOtherGoodSlotAndIsRefusedWithoutOne() throws Exception {
        abDevice();
        try (DeviceConnection c = sshd.connect()) {
            SkiffException e = assertThrows(SkiffException.class, () -> new SlotDevice(c, PushProgress.NONE).rollback());
            assertTrue(e.getMessage().contains("rollback refused") && e.getMessage().contains("holds no boot set")
                    && e.getMessage().contains("slot a stays the default"), e.getMessage());
        }
        pushV2();
        assertEquals(SlotDevice.Outcome.COMMITTED, reboot(Duration.ofSeconds(30)).outcome());
        try (DeviceConnection c = sshd.connect()) {
            SlotStatus after = new SlotDevice(c, PushProgress.NONE).rollback();
            assertEquals("a", after.active(), "slot a (1.0) is the default again");
            assertEquals("b", after.booted(), "until the next boot");
        }
    }

    @Test
    void pushIsRefusedWhileAnUncommittedTrialRuns() throws Exception {
        abDevice();
        write("etc/skiff/health.d/containers", "#!/bin/sh\nexit 1\n");
        root.resolve("etc/skiff/health.d/containers").toFile().setExecutable(true);
        pushV2();
        reboot(Duration.ofSeconds(30));
        try (DeviceConnection c = sshd.connect()) {
            SlotDevice d = new SlotDevice(c, PushProgress.NONE);
            SkiffException e = assertThrows(SkiffException.class, () -> d.push(files(images("v3", set("3.0"), null))));
            assertTrue(e.getMessage().contains("not committed") && e.getMessage().contains("could replace the set it falls back to"),
                    e.getMessage());
        }
        assertSet(set("1.0"), root.resolve("mnt/boot-a"));
    }

    // ---- fixtures

    private static PushProgress logTo(List<String> log) {
        return new PushProgress() {
            @Override
            public void step(String message) {
                log.add(message);
            }
        };
    }

    private void pushV2() throws Exception {
        try (DeviceConnection c = sshd.connect()) {
            new SlotDevice(c, PushProgress.NONE).push(files(images("v2", set("2.0"), null)));
        }
    }

    private SlotDevice.Trial reboot(Duration timeout) {
        DeviceConnection c = sshd.connect();
        try {
            return SlotDevice.rebootTrial(c, sshd::connect, timeout, PushProgress.NONE);
        } finally {
            c.close();
        }
    }

    private SlotStatus status() {
        try (DeviceConnection c = sshd.connect()) {
            return new SlotDevice(c, PushProgress.NONE).status().orElseThrow();
        }
    }

    private void write(String path, String text) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** A Pi boot set with a manifest carrying {@code version}. */
    static Map<String, byte[]> set(String version) {
        Map<String, byte[]> m = new TreeMap<>();
        m.put("Image", random(1 << 20, 1));
        m.put("rootfs.cpio.gz", random(256 << 10, 2));
        m.put("bcm2711-rpi-4-b.dtb", random(40 << 10, 3));
        m.put("config.txt", "kernel=Image\n".getBytes());
        m.put("skiff-image.json", ("{\n  \"format\" : \"skiff-image/1\",\n  \"version\" : \"" + version + "\"\n}\n").getBytes());
        return m;
    }

    /** The images directory of {@code set}; signed by {@code key} (contract S) unless it is null. */
    private Path images(String name, Map<String, byte[]> set, KeyPair key) throws Exception {
        Path dir = tmp.resolve("images-" + name + (key == null ? "" : "-signed-" + Integer.toHexString(key.hashCode())));
        StringBuilder sums = new StringBuilder();
        for (Map.Entry<String, byte[]> e : set.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue());
            sums.append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(e.getValue()))).append("  ")
                    .append(e.getKey()).append('\n');
        }
        if (key != null) {
            byte[] text = sums.toString().getBytes(StandardCharsets.UTF_8);
            Files.write(dir.resolve("skiff-image.sha256"), text);
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key.getPrivate());
            s.update(text);
            Files.write(dir.resolve("skiff-image.sig"), s.sign());
        }
        return dir;
    }

    private static List<PushFile> files(Path images) {
        try (ImageSource src = ImageSource.fromDirectory(images, List.of())) {
            return PushFile.allOf(src);
        }
    }

    static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static String pem(KeyPair key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void assertSet(Map<String, byte[]> expected, Path dir) throws IOException {
        Map<String, byte[]> actual = new TreeMap<>();
        try (var s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                if (!rel.startsWith(".skiff") && !rel.startsWith("skiff-image.s")) actual.put(rel, Files.readAllBytes(p));
            }
        }
        assertEquals(expected.keySet(), actual.keySet(), "files in " + dir);
        for (Map.Entry<String, byte[]> e : expected.entrySet()) assertArrayEquals(e.getValue(), actual.get(e.getKey()), e.getKey());
    }
}
