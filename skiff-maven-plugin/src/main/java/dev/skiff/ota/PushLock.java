package dev.skiff.ota;

import dev.skiff.SkiffException;
import java.util.List;
import java.util.UUID;

/**
 * The device-side lock of one push ({@code lock.sh}): the directory {@code .skiff-lock} in the
 * boot directory the push writes, taken before the push first looks at it and released with its
 * switch-over (or, for an A/B slot, after the arming). A second push to the same directory
 * meanwhile fails at once, naming the holder, instead of interleaving its staging with the
 * first's. The lock records the SSH server process of the holder's connection and the boot id:
 * a lock whose connection is gone (a dropped link, a killed client) or that predates the last
 * boot (a power cut) is stale and taken over with a note, so a retry never waits.
 *
 * <p>Why the staging directory keeps its fixed name rather than one per push: a push cut off
 * by a power cut or a lost link resumes from what it staged (its files whose sums match are not
 * sent again), and the lock already keeps two pushes out of each other's staging.
 */
final class PushLock implements AutoCloseable {
    /** lock.sh's exit status when another push holds the lock, or this one lost it. */
    static final int HELD = 6;

    private final DeviceConnection device;
    private final String dir;
    private final String id;
    /** False when the directory does not exist: nothing to lock, the push fails at its first look. */
    private final boolean held;

    private PushLock(DeviceConnection device, String dir, String id, boolean held) {
        this.device = device;
        this.dir = dir;
        this.id = id;
        this.held = held;
    }

    /** Takes the lock on {@code dir}, or fails naming the push that holds it. */
    static PushLock take(DeviceConnection device, String dir, PushProgress progress) {
        String id = UUID.randomUUID().toString();
        String owner = "skiff:push by " + System.getProperty("user.name", "?") + ", process " + ProcessHandle.current().pid()
                + ", push " + id.substring(0, 8);
        DeviceConnection.ExecResult r = device.exec(DeviceScript.LOCK.command(List.of(dir, "take", id, owner)));
        String err = r.stderr().strip();
        if (r.exitStatus() == HELD) throw new SkiffException(device.address() + ": " + err + " Nothing was changed.");
        if (r.exitStatus() != 0) {
            throw new SkiffException("taking the push lock in " + dir + " failed on " + device.address() + " (exit status "
                    + r.exitStatus() + ")" + (err.isEmpty() ? "." : ": " + err));
        }
        if (!err.isEmpty()) progress.step("device: " + err);
        return new PushLock(device, dir, id, !r.stdout().contains("@nodir"));
    }

    /** A command that fails with {@link #HELD} unless this push still holds the lock; chain it before a change. */
    String checkCommand() {
        return held ? DeviceScript.LOCK.command(List.of(dir, "check", id)) : "true";
    }

    /** The command that releases the lock; chained after the switch-over, so it goes with it. */
    String releaseCommand() {
        return held ? DeviceScript.LOCK.command(List.of(dir, "release", id)) : "true";
    }

    /**
     * Releases the lock if it is still held and the connection works (a push that failed before
     * its switch-over); after a release it does nothing on the device. A lock left behind is
     * stale once its connection is gone.
     */
    @Override
    public void close() {
        if (!held || !device.isOpen()) return;
        try {
            device.exec(releaseCommand());
        } catch (SkiffException lost) {
            // The push has failed or ended already; its own outcome is the one to report.
        }
    }
}
