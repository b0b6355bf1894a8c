package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** known_hosts as bad input; the key checks themselves run against a real sshd in BootSetPushTest. */
class HostKeyPolicyTest {
    @TempDir
    Path tmp;

    @Test
    void aBrokenKnownHostsLineIsNamedByItsNumber() throws Exception {
        Path knownHosts = tmp.resolve("known_hosts");
        Files.writeString(knownHosts, "# devices\n\ndevice.local ssh-ed25519 AAAA!!not-base64\n");
        HostKeyPolicy policy = new HostKeyPolicy(knownHosts, false);
        SkiffException e = assertThrows(SkiffException.class,
                () -> policy.knownKeyTypes(new DeviceAddress("root", "device.local", 22)));
        assertTrue(e.getMessage().contains("cannot read " + knownHosts + " line 3: "), e.getMessage());
        assertTrue(e.getMessage().contains("host[,host...] key-type base64-key"), "shows what a line looks like: " + e.getMessage());
    }
}
