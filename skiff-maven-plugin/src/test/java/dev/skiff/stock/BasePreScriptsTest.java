package dev.skiff.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.testing.LayerTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** base/pre's boot-time scripts and build hook, run against a directory standing in for the target. */
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

    @Test
    void networkManagerConnectionsAreInstalledPrivately() throws Exception {
        file("persist/skiff/connections/home-wifi.nmconnection", "[connection]\nid=home\n");
        run("root_overlay/usr/libexec/skiff/skiff-connections");
        Path c = tmp.resolve("root/etc/NetworkManager/system-connections/home-wifi.nmconnection");
        assertEquals("[connection]\nid=home\n", Files.readString(c));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(c)));
    }

    @Test
    void withoutPersistTheScriptsDoNothing() throws Exception {
        run("root_overlay/usr/libexec/skiff/skiff-hostname");
        run("root_overlay/usr/libexec/skiff/skiff-connections");
        assertFalse(Files.exists(tmp.resolve("root/etc/NetworkManager")));
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
}
