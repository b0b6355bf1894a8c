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
            assertEquals(Files.readString(file), s.text(), s.file() + " is sent exactly as the file says");
            assertTrue(s.text().startsWith("#!/bin/sh\n"), s.file() + " starts with #!/bin/sh");
            Process p = new ProcessBuilder("/bin/sh", "-n", "-c", s.text()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), s.file() + " parses under /bin/sh: " + out);
            String cmd = s.command(List.of("/mnt/boot", "it's"));
            assertTrue(cmd.startsWith("sh -c '#!/bin/sh\n") && cmd.endsWith(" skiff '/mnt/boot' 'it'\\''s'"), cmd);
        }
    }
}
