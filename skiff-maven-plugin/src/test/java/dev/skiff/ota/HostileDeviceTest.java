package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device that floods, hangs or sends control characters, over a real sshd on 127.0.0.1: the
 * connection caps what it keeps, stops a silent command after the timeout, and hands on only
 * printable text (issue 17 item 11).
 */
class HostileDeviceTest {
    @TempDir
    static Path tmp;
    private static TestSshd sshd;

    @BeforeAll
    static void start() throws Exception {
        TestSshd.assumeAvailable();
        sshd = TestSshd.start(tmp.resolve("sshd"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sshd != null) sshd.close();
    }

    @Test
    void aFloodOfOutputIsCutAtTheCapAndNamesTheDevice() {
        try (DeviceConnection c = sshd.connect()) {
            // An endless stream: without the cap this fills the heap; with it the command is stopped.
            SkiffException e = assertThrows(SkiffException.class, () -> c.exec("yes 'a device that does not stop talking'"));
            assertTrue(e.getMessage().startsWith(sshd.address() + " sent more than 1024 KiB on stdout while running 'yes 'a device"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("~/.profile"), e.getMessage());
            // The session is still good for the next command.
            assertEquals("ok\n", c.exec("echo ok").stdout());
            e = assertThrows(SkiffException.class, () -> c.exec("head -c 2000000 /dev/zero >&2; exit 0"));
            assertTrue(e.getMessage().contains("on stderr"), e.getMessage());
            // Just under the cap is kept whole.
            assertEquals(DeviceConnection.OUTPUT_CAP - 1, c.exec("head -c " + (DeviceConnection.OUTPUT_CAP - 1) + " /dev/zero | tr '\\0' x")
                    .stdout().length());
        }
    }

    @Test
    void aSilentCommandIsStoppedAfterTheTimeoutButOneThatTalksIsNot() {
        try (DeviceConnection c = sshd.connect().commandTimeout(Duration.ofSeconds(2))) {
            long t0 = System.nanoTime();
            SkiffException e = assertThrows(SkiffException.class, () -> c.exec("sleep 30"));
            long took = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.getMessage().startsWith("no answer from " + sshd.address() + " for 2 s while running 'sleep 30'"), e.getMessage());
            assertTrue(e.getMessage().contains("-Dskiff.timeout"), e.getMessage());
            assertTrue(took < 20_000, "stopped after the timeout, not after the command: " + took + " ms");
            // Four seconds in all, but never two without a byte: it runs to the end.
            DeviceConnection.ExecResult r = c.exec("for i in 1 2 3 4 5 6 7 8; do echo $i; sleep 0.5; done");
            assertEquals(0, r.exitStatus());
            assertEquals("1\n2\n3\n4\n5\n6\n7\n8\n", r.stdout());
        }
    }

    @Test
    void controlCharactersFromTheDeviceAreDroppedBeforeAnyoneLogsThem() {
        try (DeviceConnection c = sshd.connect()) {
            // An escape sequence that would clear the terminal, a carriage return that would
            // overwrite a log line, a NUL, DEL and a C1 control (U+009B, the 8-bit CSI).
            DeviceConnection.ExecResult r = c.exec("printf 'slot a\\033[2J\\r[INFO] BUILD SUCCESS\\0\\177\\302\\233x\\tend\\n'; "
                    + "printf 'why\\033]0;title\\007\\n' >&2; exit 3");
            assertEquals("slot a[2J[INFO] BUILD SUCCESSx\tend\n", r.stdout());
            assertEquals("why]0;title\n", r.stderr());
            assertFalse(r.stdout().chars().anyMatch(ch -> ch == 0x1b || ch == '\r'));
        }
        assertEquals("plain text\n", DeviceConnection.printable("plain text\n"));
        assertEquals("ünïcode ok", DeviceConnection.printable("ünïcode ok"));
    }

    @Test
    void describeShowsTheFirstLineShortened() {
        assertEquals("'sh -c x'", DeviceConnection.describe("sh -c x\nmore\nlines"));
        assertEquals("'" + "a".repeat(60) + "...'", DeviceConnection.describe("a".repeat(100)));
    }
}
