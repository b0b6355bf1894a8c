package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The device-side scripts are resource files that ship in the jar and are POSIX sh: a busybox
 * device has no bash, and the {@code #!/bin/sh} line makes ShellcheckTest check them as sh.
 */
class DeviceScriptTest {
    @Test
    void everyScriptIsAPosixShellResourceSentAsItIs() throws Exception {
        for (DeviceScript s : DeviceScript.values()) {
            Path file = Path.of("src/main/resources/dev/skiff/ota", s.file());
            assertEquals(Files.readString(file), s.text(), s.file() + " is loaded exactly as the file says");
            assertTrue(s.text().startsWith("#!/bin/sh\n"), s.file() + " starts with #!/bin/sh");
            Process p = new ProcessBuilder("/bin/sh", "-n", "-c", s.text()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), s.file() + " parses under /bin/sh: " + out);
            p = new ProcessBuilder("/bin/sh", "-n", "-c", s.sent()).redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), s.file() + " as sent (without comments) parses under /bin/sh: " + out);
            assertTrue(s.sent().lines().noneMatch(l -> l.isBlank() || l.strip().startsWith("#")), s.sent());
            String cmd = s.command(List.of("/mnt/boot", "it's"));
            assertTrue(cmd.startsWith("sh -c '" + s.sent().lines().findFirst().orElseThrow())
                    && cmd.endsWith(" skiff '/mnt/boot' 'it'\\''s'"), cmd);
        }
    }

    @Test
    void theLongestCommandAPushSendsFitsDropbearsLimitWithRoom() {
        // finalize.sh and switch.sh go as one command (BootSetPush); leave half the limit for the
        // arguments, the set's paths.
        String both = DeviceScript.FINALIZE.command(List.of("/mnt/boot-b")) + " && "
                + DeviceScript.SWITCH.command(List.of("/mnt/boot-b", "switch"));
        assertTrue(both.length() < DeviceScript.DROPBEAR_MAX_COMMAND / 2,
                "finalize + switch is " + both.length() + " bytes; dropbear closes the session above "
                        + DeviceScript.DROPBEAR_MAX_COMMAND);
        for (DeviceScript s : DeviceScript.values()) {
            assertTrue(s.command(List.of("/mnt/boot")).length() < DeviceScript.DROPBEAR_MAX_COMMAND / 2, s.file());
        }
    }
}
