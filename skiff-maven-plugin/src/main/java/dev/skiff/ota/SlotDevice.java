package dev.skiff.ota;

import dev.skiff.SkiffException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The host side of an A/B device: one that ships {@code /usr/lib/skiff/skiff-slot} (the base
 * layer's A/B tool). Every question goes to that tool, through {@code slot.sh}; this class only
 * decides what to ask and reads the answers.
 *
 * <ul>
 * <li>{@link #push}: the new set goes into the <em>inactive</em> slot's directory through
 *     {@link BootSetPush} (staging, {@code sha256sum -c} on the device, journaled switch), seeded
 *     from the running slot so only changed files are sent; then {@code skiff-slot arm} verifies
 *     the slot (hashes, then the signature, contract S) and arms a one-time trial boot of it;
 * <li>{@link #rebootTrial}: {@code skiff-slot reboot-trial}, then reconnects until the device
 *     is back with a new boot id and says whether the trial slot was committed or fell back;
 * <li>{@link #rollback}: {@code skiff-slot rollback}, which refuses when the other slot holds no
 *     set that verifies.
 * </ul>
 */
public final class SlotDevice {
    /** What a push into a slot did. */
    public record SlotPush(String slot, PushResult push, SlotStatus after) {
        public String summary() {
            String sent = push.action() == PushResult.Action.UP_TO_DATE
                    ? "slot " + slot + " already held this set (" + push.files() + " files); nothing transferred"
                    : "wrote the new set into slot " + slot + " (" + push.files() + " files): transferred " + push.uploadedFiles()
                            + " file" + (push.uploadedFiles() == 1 ? "" : "s") + " (" + PushResult.human(push.uploadedBytes()) + "), "
                            + push.copiedOnDevice() + " unchanged copied on the device"
                            + (push.resumed() > 0 ? ", " + push.resumed() + " resumed from an interrupted push" : "");
            return Character.toUpperCase(sent.charAt(0)) + sent.substring(1) + "; slot " + slot + " is armed for one trial boot,"
                    + " slot " + after.active() + " stays the default until it commits.";
        }
    }

    /** How a trial boot ended, as the device reports it once it is back. */
    public enum Outcome {
        /** The trial slot booted and its health checks passed: it is the default now. */
        COMMITTED,
        /** The device came back on the other slot: the trial boot failed or was not taken. */
        FELL_BACK,
        /**
         * The trial slot booted but a health check failed: the device reboots to the old slot by
         * itself ({@code fallback_reboot}), and may already have done so when it is asked.
         */
        FAILED_CHECK,
        /** The trial slot booted but has not committed (nor failed) within the time allowed. */
        NOT_COMMITTED
    }

    /** The end of a trial boot. */
    public record Trial(String slot, Outcome outcome, SlotStatus status) {
        public String summary() {
            return switch (outcome) {
                case COMMITTED -> "The device booted slot " + slot + " (version " + status.version(slot)
                        + ") and committed it: it is the default now.";
                case FELL_BACK -> "The device booted slot " + status.booted() + ", not the trial slot " + slot
                        + ": the update fell back to version " + status.version(status.booted()) + " (last result: "
                        + status.last() + ").";
                case FAILED_CHECK -> status.booted().equals(slot)
                        ? "The device booted slot " + slot + " but did not commit it (" + status.last() + "): it reboots to slot "
                                + status.active() + " by itself (fallback_reboot in /etc/skiff/slots.conf), or the next boot"
                                + " returns to it."
                        : "The device booted slot " + slot + ", which did not commit (" + status.last() + "), and went back to slot "
                                + status.booted() + " (version " + status.version(status.booted()) + ") by itself.";
                case NOT_COMMITTED -> "The device booted slot " + slot + " but has not committed it yet (last result: "
                        + status.last() + "); if it never does, the next boot returns to slot " + status.active() + ".";
            };
        }
    }

    /** A {@code slot.sh} answer: the wrapper's lines and skiff-slot's own. */
    record Answer(String root, String bootId, boolean noSlots, DeviceConnection.ExecResult result) {}

    private static final Duration RETRY = Duration.ofSeconds(2);

    private final DeviceConnection device;
    private final PushProgress progress;

    public SlotDevice(DeviceConnection device, PushProgress progress) {
        this.device = device;
        this.progress = progress == null ? PushProgress.NONE : progress;
    }

    /** The device's slots, or empty if it has no {@code skiff-slot} (a single-set device). */
    public Optional<SlotStatus> status() {
        Answer a = ask(device, "status");
        if (a.noSlots()) return Optional.empty();
        requireOk(device, a, "reading the slots ('skiff-slot status')");
        return Optional.of(SlotStatus.parse(a.result().stdout(), device.address()));
    }

    /**
     * Why a push goes to a single boot set, in one log line, or null when it goes to a slot: only
     * when the device has {@code skiff-slot} ({@code status} present) and the image's layout
     * declares {@code slots:} (contract A).
     */
    public static String singleSetReason(DeviceAddress device, Optional<SlotStatus> status, boolean layoutDeclaresSlots,
                                         List<String> chain, String dir) {
        if (status.isPresent() && layoutDeclaresSlots) return null;
        if (status.isPresent()) {
            return device + " has skiff-slot, but the layout of chain " + String.join(",", chain)
                    + " declares no slots: pushing a single boot set to " + dir + ".";
        }
        return device + " has no A/B layout (no /usr/lib/skiff/skiff-slot): replacing its single boot set in " + dir + ".";
    }

    /** The directory of {@code slot} as SFTP and the push scripts reach it (the device's root prefix applied). */
    String reachable(String root, String dir) {
        if (root.isEmpty() || dir.startsWith(root + "/")) return dir;
        return root + dir;
    }

    /**
     * Writes {@code files} (the set plus {@code skiff-image.json}, {@code .sha256} and {@code .sig}
     * when the image has them) into the inactive slot and arms a trial boot of it.
     */
    public SlotPush push(List<PushFile> files) {
        Answer a = ask(device, "status");
        if (a.noSlots()) throw new SkiffException(device.address() + " has no /usr/lib/skiff/skiff-slot: not an A/B device.");
        requireOk(device, a, "reading the slots ('skiff-slot status')");
        SlotStatus st = SlotStatus.parse(a.result().stdout(), device.address());
        if (!st.booted().equals(st.active())) {
            throw new SkiffException(device.address() + " runs slot " + st.booted() + " on a trial boot that is not committed"
                    + " (the default is slot " + st.active() + "). Writing into slot " + st.inactive() + " now could replace the"
                    + " set it falls back to; wait for the commit (skiff:status), or reboot it first.");
        }
        String slot = st.inactive();
        String dir = reachable(a.root(), st.dir(slot));
        String running = reachable(a.root(), st.dir(st.booted()));
        progress.step("A/B device (" + st.scheme() + "): running slot " + st.booted() + " (version " + st.version(st.booted())
                + "), writing the new set into slot " + slot + " at " + st.dir(slot));
        BootSetPush set = new BootSetPush(device, dir, progress).seededFrom(running);
        PushResult r;
        Answer armed;
        // One lock from the first look at the slot to its arming: a second push meanwhile would
        // write the same slot, and this push could arm the other's set.
        try (PushLock lock = PushLock.take(device, dir, progress)) {
            r = set.push(files, lock, false);
            // The other slot is the fallback: a backup of the inactive slot's previous contents only takes its room.
            device.run("removing the inactive slot's old backup", DeviceScript.DROP_BACKUP.command(List.of(dir)));
            progress.step("Verifying slot " + slot + " on the device (hashes, then the signature) and arming a one-time trial boot"
                    + " ('skiff-slot arm " + slot + "')");
            armed = ask(device, "arm", slot);
        }
        requireOk(device, armed, "arming slot " + slot + " ('skiff-slot arm " + slot + "')");
        String out = armed.result().stdout().strip() + "\n" + armed.result().stderr().strip();
        for (String line : out.split("\n")) {
            if (!line.isBlank() && !line.startsWith("@")) progress.step("device: " + line.strip());
        }
        return new SlotPush(slot, r, status().orElseThrow());
    }

    /** Makes the other slot the default when it holds a set that verifies; the device refuses otherwise. */
    public SlotStatus rollback() {
        SlotStatus before = status().orElseThrow(() -> new SkiffException(device.address() + " has no skiff-slot."));
        progress.step("Rolling back " + device.address() + " from slot " + before.active() + " to slot "
                + SlotStatus.other(before.active()) + " (version " + before.version(SlotStatus.other(before.active()))
                + "; 'skiff-slot rollback' verifies it first)");
        Answer a = ask(device, "rollback");
        if (a.result().exitStatus() != 0) {
            throw new SkiffException("rollback refused by " + device.address() + ": " + reason(a)
                    + ". Nothing was changed; slot " + before.active() + " stays the default.");
        }
        return status().orElseThrow();
    }

    /**
     * Reboots into the armed trial slot and waits, reconnecting, for the device to come back with
     * a new boot id and report the outcome, within {@code timeout}. {@code connect} opens a new
     * connection (the current one dies with the reboot).
     */
    public static Trial rebootTrial(DeviceConnection current, Supplier<DeviceConnection> connect, Duration timeout,
                                    PushProgress progress) {
        PushProgress log = progress == null ? PushProgress.NONE : progress;
        Answer a = ask(current, "status");
        if (a.noSlots()) throw new SkiffException(current.address() + " has no skiff-slot: -Dskiff.reboot needs an A/B device.");
        requireOk(current, a, "reading the slots ('skiff-slot status')");
        SlotStatus st = SlotStatus.parse(a.result().stdout(), current.address());
        if (st.trial().equals("none")) {
            throw new SkiffException("no trial boot is armed on " + current.address() + " (active slot " + st.active()
                    + "): push an update first; nothing was rebooted.");
        }
        String slot = st.trial();
        String bootId = a.bootId();
        log.step("Rebooting " + current.address() + " into the trial slot " + slot + " ('skiff-slot reboot-trial')");
        try {
            requireOk(current, ask(current, "reboot-trial"), "rebooting into slot " + slot + " ('skiff-slot reboot-trial')");
        } catch (SkiffException lost) {
            // The reboot may cut the session before the command reports: that is the expected way for it to end.
            if (!lost.getMessage().contains("lost the connection") && !lost.getMessage().contains("killed by signal")) throw lost;
        }
        current.close();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no answer yet";
        boolean wentDown = false;
        Trial last = null;
        while (System.nanoTime() < deadline) {
            try (DeviceConnection c = connect.get()) {
                Answer back = ask(c, "status");
                if (back.noSlots()) throw new SkiffException(c.address() + " came back without skiff-slot.");
                if (bootId.isEmpty() ? !wentDown : bootId.equals(back.bootId())) {
                    // Without a boot id (no /proc/sys/kernel/random/boot_id), only a connection that
                    // failed in between says the device went down.
                    lastProblem = "the device has not rebooted yet (" + (bootId.isEmpty() ? "it has not gone down" : "same boot id") + ")";
                } else {
                    requireOk(c, back, "reading the slots after the reboot ('skiff-slot status')");
                    SlotStatus now = SlotStatus.parse(back.result().stdout(), c.address());
                    last = new Trial(slot, outcome(slot, now), now);
                    if (last.outcome() != Outcome.NOT_COMMITTED) return last;
                    lastProblem = "slot " + slot + " booted and is not committed yet";
                }
            } catch (SkiffException e) {
                // A device going down or coming up may also refuse the login for a moment: its SSH
                // server runs while the keys are not in place yet (SkiffOS copies authorized keys from
                // persist at boot) or while the shutdown tears them down. The timeout still bounds it,
                // and its message names the refusal.
                if (e.getMessage().startsWith("cannot connect") || e.getMessage().contains("lost the connection")
                        || e.getMessage().contains("SSH handshake") || e.getMessage().startsWith("authentication to")) {
                    lastProblem = e.getMessage();
                    wentDown = true;
                } else {
                    throw e;
                }
            }
            sleep(RETRY);
        }
        if (last != null) return last;
        throw new SkiffException(current.address() + " did not come back within " + timeout.toSeconds() + " s after the reboot"
                + " (last: " + lastProblem + "). The bootloader falls back to the old slot by itself if the trial boot fails;"
                + " check later with skiff:status. -Dskiff.timeout sets the wait in seconds.");
    }

    static Outcome outcome(String trialSlot, SlotStatus now) {
        if (!now.booted().equals(trialSlot)) {
            // Back on the old slot. The trial ran and failed a check when its commit recorded so
            // and cleared the trial; a trial that never booted is still armed until the next
            // boot's commit records fell-back (an older failed-check stays in last till then).
            return now.trial().equals("none") && now.last().startsWith("failed-check") ? Outcome.FAILED_CHECK : Outcome.FELL_BACK;
        }
        if (now.active().equals(trialSlot)) return Outcome.COMMITTED;
        if (now.last().startsWith("failed-check")) return Outcome.FAILED_CHECK;
        return Outcome.NOT_COMMITTED;
    }

    private static Answer ask(DeviceConnection c, String... args) {
        DeviceConnection.ExecResult r = c.exec(DeviceScript.SLOT.command(List.of(args)));
        String root = "";
        String bootId = "";
        boolean none = false;
        List<String> rest = new ArrayList<>();
        for (String line : r.stdout().split("\n", -1)) {
            if (line.startsWith("@root=")) root = line.substring(6).strip();
            else if (line.startsWith("@boot-id=")) bootId = line.substring(9).strip();
            else if (line.equals("@no-slots")) none = true;
            else rest.add(line);
        }
        return new Answer(root, bootId, none, new DeviceConnection.ExecResult(r.exitStatus(), String.join("\n", rest), r.stderr()));
    }

    private static void requireOk(DeviceConnection c, Answer a, String what) {
        if (a.result().exitStatus() != 0) {
            throw new SkiffException(what + " failed on " + c.address() + " (exit status " + a.result().exitStatus() + "): "
                    + reason(a));
        }
    }

    private static String reason(Answer a) {
        String err = a.result().stderr().strip();
        return err.isEmpty() ? "(no reason given)" : err.replace("\n", "; ");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkiffException("interrupted while waiting for the device");
        }
    }
}
