package dev.skiff.ota;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The shell scripts {@code skiff:push} runs on the device, one resource file each under
 * {@code dev/skiff/ota/} (so shellcheck checks them and they read as scripts). Each is sent
 * whole as {@code sh -c '<script>' skiff <args...>}: nothing is installed on the device. The
 * header of each file says what it does; {@code switch.sh} documents the on-device layout and
 * the journal format.
 *
 * <p>What is sent is the script without its comment lines and blank lines ({@link #sent()}):
 * dropbear, the SSH server of many Buildroot devices, refuses a command longer than 9000 bytes
 * (its {@code MAX_CMD_LEN}) by closing the session, and {@code switch.sh} with its comments is
 * 8.4 KB before quoting. The real-build boot test found this; {@code DeviceScriptTest} keeps
 * every command well under the limit. No script has a here-document or a multi-line string, so
 * dropping whole comment lines changes nothing that runs.
 */
enum DeviceScript {
    /** Read-only: the active, recorded and staged sums, free space, backup size. */
    PROBE("probe.sh"),
    /** Prepares the staging directory; copies unchanged files into it on the device. */
    STAGE("stage.sh"),
    /** {@code sha256sum -c} of the staging set, then its completion marker. */
    FINALIZE("finalize.sh"),
    /** The journaled switch-over, rollback and recovery. */
    SWITCH("switch.sh"),
    /** Records the manifest of a set that is already active. */
    RECORD_MANIFEST("record-manifest.sh"),
    /** Removes the backup to make room. */
    DROP_BACKUP("drop-backup.sh"),
    /** Read-only: the sums of a set's files in another directory (the running slot). */
    SUMS("sums.sh"),
    /** Runs the device's own {@code skiff-slot}, or says it has none. */
    SLOT("slot.sh"),
    /** Read-only: the version and size of a single boot set. */
    SET_VERSION("set-version.sh"),
    /** The push lock on a boot directory: take, check, refresh, release. */
    LOCK("lock.sh");

    /** dropbear's limit on one command (MAX_CMD_LEN in its sysoptions.h). */
    static final int DROPBEAR_MAX_COMMAND = 9000;

    private final String file;
    private final String text;
    private final String sent;

    DeviceScript(String file) {
        this.file = file;
        this.text = load(file);
        this.sent = withoutComments(text);
    }

    /** The script as sent: its lines but comment-only and blank ones. */
    String sent() {
        return sent;
    }

    private static String withoutComments(String script) {
        StringBuilder sb = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /** The script's text, exactly as in its resource file. */
    String text() {
        return text;
    }

    String file() {
        return file;
    }

    /** The remote command: {@code sh -c '<script>' skiff <args...>}; the script sees them as {@code $1...}. */
    String command(List<String> args) {
        return Shell.script(sent, args);
    }

    private static String load(String file) {
        try (InputStream in = DeviceScript.class.getResourceAsStream(file)) {
            // Missing means a broken plugin jar, not a user mistake.
            if (in == null) throw new IllegalStateException("the plugin jar lacks dev/skiff/ota/" + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dev/skiff/ota/" + file + " from the plugin jar", e);
        }
    }
}
