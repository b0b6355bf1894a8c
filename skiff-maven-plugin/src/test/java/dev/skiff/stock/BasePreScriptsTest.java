package dev.skiff.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.testing.LayerTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * base/pre's boot-time scripts and build hook, run against a directory standing in for the
 * target ({@code SKIFF_ROOT}) and one standing in for the persist partition
 * ({@code SKIFF_PERSIST}). A "reboot" starts again from an empty root: the target's root file
 * system is in RAM, only persist is kept. Scripts that bind-mount run in a private mount
 * namespace of their own ({@code unshare -rm}), so their mounts are real and never reach this
 * machine's.
 */
class BasePreScriptsTest {
    @TempDir
    Path tmp;

    private static final Path BASE = LayerTree.stockLayers().resolve("base/pre");

    private String run(String script, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", BASE.resolve(script).toString()).redirectErrorStream(true);
        pb.command().addAll(List.of(args));
        pb.environment().put("SKIFF_ROOT", tmp.resolve("root").toString());
        pb.environment().put("SKIFF_PERSIST", tmp.resolve("persist").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private Path file(String rel, String text) throws Exception {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void authorizedKeysComeFromTheImageAndPersistAndNothingElse() throws Exception {
        file("root/etc/skiff/authorized_keys/builtin.pub", "ssh-ed25519 AAAA builtin");   // no final newline
        file("root/etc/skiff/authorized_keys/README", "not a key\n");
        file("persist/skiff/keys/laptop.pub", "ssh-ed25519 BBBB laptop\n");
        file("root/root/.ssh/authorized_keys", "ssh-rsa OLD stale-key\n");
        String out = run("root_overlay/usr/libexec/skiff/skiff-keys");
        Path keys = tmp.resolve("root/root/.ssh/authorized_keys");
        assertEquals(List.of("ssh-ed25519 AAAA builtin", "ssh-ed25519 BBBB laptop"), Files.readAllLines(keys), out);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.getParent())));
    }

    @Test
    void hostnameComesFromPersistAndInvalidNamesAreIgnored() throws Exception {
        Files.createDirectories(tmp.resolve("root/etc"));
        Files.writeString(tmp.resolve("root/etc/hostname"), "skiff\n");
        file("persist/skiff/hostname", "  kitchen-pi \n");
        run("root_overlay/usr/libexec/skiff/skiff-hostname");
        assertEquals("kitchen-pi\n", Files.readString(tmp.resolve("root/etc/hostname")));
        file("persist/skiff/hostname", "bad name;rm\n");
        String out = run("root_overlay/usr/libexec/skiff/skiff-hostname");
        assertTrue(out.contains("ignoring"), out);
        assertEquals("kitchen-pi\n", Files.readString(tmp.resolve("root/etc/hostname")));
    }

    /**
     * nmcli writes profiles into /etc/NetworkManager/system-connections; they must land on
     * persist. Boot 1 installs the image's profile and the persisted one, then "nmcli" adds,
     * edits and deletes; boot 2 (a new namespace, the RAM root as the image left it) sees
     * exactly those changes.
     */
    @Test
    void networkManagerProfilesAreKeptOnPersistWithNmcliChanges() throws Exception {
        assumeUnshare();
        String script = BASE.resolve("root_overlay/usr/libexec/skiff/skiff-connections").toString();
        Path etc = tmp.resolve("root/etc/NetworkManager/system-connections");
        Path store = tmp.resolve("persist/skiff/connections");
        file("root/etc/NetworkManager/system-connections/office.nmconnection", "[connection]\nid=office\n");
        file("persist/skiff/connections/home.nmconnection", "[connection]\nid=home\n");

        String boot1 = inMountNamespace("sh \"$1\" && ls \"$2\""
                + " && printf '[connection]\\nid=cafe\\n' > \"$2/cafe.nmconnection\""
                + " && printf '[connection]\\nid=office-edited\\n' > \"$2/office.nmconnection\""
                + " && rm \"$2/home.nmconnection\"", script, etc.toString());
        assertTrue(boot1.contains("home.nmconnection") && boot1.contains("office.nmconnection"), boot1);
        assertEquals(List.of("cafe.nmconnection", "office.nmconnection"), names(store), boot1);
        assertEquals("[connection]\nid=office-edited\n", Files.readString(store.resolve("office.nmconnection")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve("office.nmconnection"))));
        // The RAM root still holds only what the image shipped: nmcli wrote to persist.
        assertEquals(List.of("office.nmconnection"), names(etc));
        assertEquals("[connection]\nid=office\n", Files.readString(etc.resolve("office.nmconnection")));

        String boot2 = inMountNamespace("sh \"$1\" && cat \"$2\"/*", script, etc.toString());
        assertTrue(boot2.contains("id=cafe") && boot2.contains("id=office-edited"), boot2);
        assertFalse(boot2.contains("id=home") || boot2.contains("id=office\n"), boot2);
    }

    @Test
    void withoutPersistTheScriptsDoNothing() throws Exception {
        Files.createDirectories(tmp.resolve("root/etc"));
        Files.writeString(tmp.resolve("root/etc/machine-id"), "0123456789abcdef0123456789abcdef\n");
        Files.createDirectories(tmp.resolve("persist"));
        run("root_overlay/usr/libexec/skiff/skiff-hostname");
        run("root_overlay/usr/libexec/skiff/skiff-connections");
        run("root_overlay/usr/libexec/skiff/skiff-machine-id");
        run("root_overlay/usr/libexec/skiff/skiff-host-keys");
        String out = runWithRootOnly("root_overlay/usr/libexec/skiff/skiff-persist");
        assertTrue(out.contains("no partition labelled persist"), out);
        assertFalse(Files.exists(tmp.resolve("root/etc/NetworkManager")));
        assertFalse(Files.exists(tmp.resolve("root/etc/ssh")), "sshd makes its own keys when there is no persist");
        assertEquals(List.of(), names(tmp.resolve("persist")));
        assertEquals(List.of(), names(tmp.resolve("root/mnt/persist")));
    }

    /** On a mounted persist partition, skiff-persist makes skiff/ and the journal directory var-log-journal.mount binds. */
    @Test
    void aMountedPersistPartitionGetsTheSkiffDirectories() throws Exception {
        assumeUnshare();
        Path partition = Files.createDirectories(tmp.resolve("partition"));
        Path mnt = Files.createDirectories(tmp.resolve("root/mnt/persist"));
        String script = BASE.resolve("root_overlay/usr/libexec/skiff/skiff-persist").toString();
        ProcessBuilder pb = new ProcessBuilder("unshare", "-rm", "--", "sh", "-c",
                "mount --bind \"$2\" \"$3\" && sh \"$1\"", "sh", script, partition.toString(), mnt.toString());
        pb.environment().put("SKIFF_ROOT", tmp.resolve("root").toString());
        pb.environment().remove("SKIFF_PERSIST");
        String out = finish(pb);
        assertTrue(out.contains("is mounted"), out);
        assertTrue(Files.isDirectory(partition.resolve("skiff")), out);
        Path journal = partition.resolve("skiff/journal");
        assertTrue(Files.isDirectory(journal), out);
        // journald's mode for its directory, setgid included (systemd-tmpfiles sets the group).
        assertEquals(02755, (int) Files.getAttribute(journal, "unix:mode") & 07777, out);
        assertEquals(List.of(), names(mnt), "nothing was written to the RAM root's mount point");
    }

    @Test
    void sshHostKeysAreMadeOnceOnPersistAndTheSameAfterAReboot() throws Exception {
        assumeProgram("ssh-keygen");
        Files.createDirectories(tmp.resolve("persist/skiff"));
        String out = run("root_overlay/usr/libexec/skiff/skiff-host-keys");
        Path etc = tmp.resolve("root/etc/ssh");
        Path store = tmp.resolve("persist/skiff/ssh");
        Map<String, String> boot1 = contents(etc);
        assertTrue(boot1.keySet().containsAll(List.of("ssh_host_ed25519_key", "ssh_host_ed25519_key.pub",
                "ssh_host_ecdsa_key", "ssh_host_ecdsa_key.pub", "ssh_host_rsa_key", "ssh_host_rsa_key.pub")), out + boot1.keySet());
        assertEquals(boot1, contents(store), "the keys in /etc/ssh are the ones on persist");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
        for (String name : boot1.keySet()) {
            String mode = name.endsWith(".pub") ? "rw-r--r--" : "rw-------";
            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(etc.resolve(name))), name);
            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(name))), name);
            if (!name.endsWith(".pub")) {
                // A real key pair: the public half is the private key's.
                assertEquals(boot1.get(name + ".pub").split(" ")[1], publicKeyOf(etc.resolve(name)).split(" ")[1], name);
            }
        }

        // Reboot: the RAM root is new, and sshd's "ssh-keygen -A" of the last boot is gone.
        dev.skiff.FileTree.delete(tmp.resolve("root"));
        run("root_overlay/usr/libexec/skiff/skiff-host-keys");
        assertEquals(boot1, contents(etc), "same host keys after a reboot");
        assertEquals(boot1, contents(store), "persist unchanged");
    }

    @Test
    void aHostKeyTypeMissingOnPersistIsAddedAndNoKeyOnPersistIsReplaced() throws Exception {
        assumeProgram("ssh-keygen");
        Path store = Files.createDirectories(tmp.resolve("persist/skiff/ssh"));
        keygen(store.resolve("ssh_host_ed25519_key"), "ed25519");
        Map<String, String> kept = contents(store);
        // A layer's image ships an ECDSA key, and an ed25519 key that persist's must win over.
        Path etc = Files.createDirectories(tmp.resolve("root/etc/ssh"));
        keygen(etc.resolve("ssh_host_ecdsa_key"), "ecdsa");
        keygen(etc.resolve("ssh_host_ed25519_key"), "ed25519");
        String imageEcdsa = Files.readString(etc.resolve("ssh_host_ecdsa_key"));
        run("root_overlay/usr/libexec/skiff/skiff-host-keys");
        Map<String, String> after = contents(store);
        assertEquals(kept.get("ssh_host_ed25519_key"), after.get("ssh_host_ed25519_key"));
        assertEquals(kept.get("ssh_host_ed25519_key"), Files.readString(etc.resolve("ssh_host_ed25519_key")));
        assertEquals(imageEcdsa, after.get("ssh_host_ecdsa_key"), "the image's key is kept on persist");
        assertTrue(after.containsKey("ssh_host_rsa_key") && after.containsKey("ssh_host_rsa_key.pub"), after.keySet().toString());
        assertEquals(after, contents(etc));
        assertEquals(List.of(), names(store).stream().filter(n -> n.startsWith(".")).toList(), "no work files left");
    }

    @Test
    void theMachineIdIsSavedOnTheFirstBootAndRestoredOnTheNext() throws Exception {
        String a = "0123456789abcdef0123456789abcdef";
        String b = "fedcba9876543210fedcba9876543210";
        Files.createDirectories(tmp.resolve("persist/skiff"));
        file("root/etc/machine-id", a + "\n");
        run("root_overlay/usr/libexec/skiff/skiff-machine-id");
        assertEquals(a + "\n", Files.readString(tmp.resolve("persist/skiff/machine-id")));
        assertEquals(a + "\n", Files.readString(tmp.resolve("root/etc/machine-id")));

        // Reboot: systemd made a new ID for the RAM root.
        file("root/etc/machine-id", b + "\n");
        String out = run("root_overlay/usr/libexec/skiff/skiff-machine-id");
        assertEquals(a + "\n", Files.readString(tmp.resolve("root/etc/machine-id")), out);
        assertEquals(a + "\n", Files.readString(tmp.resolve("persist/skiff/machine-id")));
    }

    @Test
    void aDamagedSavedMachineIdIsReplacedByThisBootsId() throws Exception {
        String c = "00112233445566778899aabbccddeeff";
        file("persist/skiff/machine-id", "not-an-id\n");
        file("root/etc/machine-id", c + "\n");
        String out = run("root_overlay/usr/libexec/skiff/skiff-machine-id");
        assertTrue(out.contains("ignoring"), out);
        assertEquals(c + "\n", Files.readString(tmp.resolve("persist/skiff/machine-id")));
        assertEquals(c + "\n", Files.readString(tmp.resolve("root/etc/machine-id")));
    }

    @Test
    void theBuildHookMakesSshKeyOnly() throws Exception {
        Path cfg = file("target/etc/ssh/sshd_config",
                "#PermitRootLogin prohibit-password\n#PasswordAuthentication yes\nUsePAM no\n");
        run("hooks/pre.sh", tmp.resolve("target").toString());
        List<String> lines = Files.readAllLines(cfg);
        assertTrue(lines.contains("PermitRootLogin prohibit-password"), lines.toString());
        assertTrue(lines.contains("PasswordAuthentication no"), lines.toString());
        assertTrue(lines.contains("KbdInteractiveAuthentication no"), lines.toString());
        assertTrue(lines.contains("AuthorizedKeysFile .ssh/authorized_keys"), lines.toString());
        assertFalse(lines.contains("#PasswordAuthentication yes"), lines.toString());
    }
    /** Runs a script with only SKIFF_ROOT set: scripts that find persist under the root. */
    private String runWithRootOnly(String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", BASE.resolve(script).toString());
        pb.environment().put("SKIFF_ROOT", tmp.resolve("root").toString());
        pb.environment().remove("SKIFF_PERSIST");
        return finish(pb);
    }

    /** Runs {@code sh -c command} (with {@code args} as $1...) in a new user and mount namespace. */
    private String inMountNamespace(String command, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("unshare", "-rm", "--", "sh", "-c", command, "sh"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SKIFF_ROOT", tmp.resolve("root").toString());
        pb.environment().put("SKIFF_PERSIST", tmp.resolve("persist").toString());
        return finish(pb);
    }

    private static String finish(ProcessBuilder pb) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static void assumeUnshare() throws Exception {
        String reason;
        try {
            Process p = new ProcessBuilder("unshare", "-rm", "--", "true").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            reason = p.waitFor() == 0 ? null : "unshare -rm fails here (" + out.strip() + ")";
        } catch (java.io.IOException e) {
            reason = "unshare is not installed (util-linux)";
        }
        if (reason != null) {
            String r = reason;
            System.err.println("SKIPPED: bind mounts of the boot scripts need a private mount namespace: " + r);
            Assumptions.assumeTrue(false, r);
        }
    }

    private static void assumeProgram(String program) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) found = true;
        }
        if (!found) {
            System.err.println("SKIPPED: " + program + " is not installed (openssh-client)");
            Assumptions.assumeTrue(false, program + " is not installed");
        }
    }

    private static void keygen(Path key, String type) throws Exception {
        finish(new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString()));
    }

    private static String publicKeyOf(Path key) throws Exception {
        return finish(new ProcessBuilder("ssh-keygen", "-y", "-f", key.toString())).strip();
    }

    /** File name to content of the regular files in a directory (none if it does not exist). */
    private static Map<String, String> contents(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (String n : names(dir)) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) out.put(n, Files.readString(p));
        }
        return out;
    }

    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
