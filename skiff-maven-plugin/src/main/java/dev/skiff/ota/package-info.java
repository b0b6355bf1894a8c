/**
 * {@code skiff:push}: upgrading a running device's boot set over SSH (Apache MINA SSHD as the
 * client; the device needs only sshd with SFTP and a POSIX shell with {@code sha256sum},
 * {@code cut}, {@code grep}, {@code mv}, {@code cp}, {@code sync}, which busybox provides).
 *
 * <h2>Layout on the device</h2>
 * The boot set lives where the bootloader reads it: directly in the remote boot directory
 * {@code B} (default {@code /mnt/boot}, usually a FAT mount point, so {@code B} itself can neither
 * be renamed nor hold symlinks). Push's own state sits beside it, in {@code B} itself, so every
 * rename stays on one file system:
 * <pre>
 * B/&lt;files&gt;          the active set, at the paths the bootloader expects
 * B/.skiff-set         its manifest (sha256sum format: "&lt;sha256&gt;  &lt;path&gt;")
 * B/.skiff-staging/    the next set while it is built and verified; complete once it holds .skiff-set
 * B/.skiff-backup/     the set the last switch-over replaced, with its .skiff-set
 * B/.skiff-switch      the journal: present only while a switch-over is in progress
 * </pre>
 * Files in {@code B} that are in neither set (a user's notes) are never touched.
 *
 * <p>The device-side scripts are resource files next to this package ({@link dev.skiff.ota.DeviceScript});
 * {@code switch.sh} documents this layout, the manifest and journal format, and each step of the
 * switch-over.
 *
 * <h2>Push</h2>
 * Nothing in the active set changes until the staging set is complete and verified: unchanged
 * files are copied on the device, changed ones uploaded, then {@code sha256sum -c} checks every
 * staged file on the device against the image's sums. An interruption up to here (connection
 * cut, Ctrl-C, failed upload) leaves the old set untouched; the next push reuses what was staged
 * completely. Then one device-side script switches over: it writes the journal (a copy of the new
 * manifest, committed by {@code sync} + rename), moves each file of the old set into
 * {@code .skiff-backup/}, moves each staged file into place, removes the staging directory, and
 * renames the journal to {@code .skiff-set} (the commit point), with {@code sync}s between.
 *
 * <h2>Why it is never a mix</h2>
 * A FAT boot partition offers no way to replace many files at once (no symlinks, no
 * {@code RENAME_EXCHANGE}, and the mount point cannot be renamed), so the guarantee comes from
 * two rules:
 * <ol>
 * <li><b>The switch-over cannot be cut by the client.</b> It runs on the device as one
 *     {@code sh -c} whose whole text is in memory and which ignores SIGHUP and SIGPIPE: losing
 *     the connection, killing Maven or a client crash does not stop it. It takes milliseconds
 *     (renames only, no data copied).
 * <li><b>Recovery rule.</b> Only a device crash or power loss can stop it part way, and then the
 *     journal {@code B/.skiff-switch} is present. Every skiff operation on the device (push and
 *     rollback) first completes it: the moves are idempotent and the new set was fully verified
 *     before the journal was written, so re-running them always yields exactly the new set, with
 *     the old one as the backup (roll forward). Without a journal, {@code B} holds exactly one
 *     complete set: the old one, or the new one if only the final sync was left.
 * </ol>
 * {@code SwitchScriptCrashTest} cuts the script before each of its file system commands in turn
 * and checks both rules; {@code SwitchOverCutTest} does the same through a real sshd, killing the
 * SSH session (or only dropping its connection) at each step of a push's and a rollback's
 * switch-over, and lets the next push or rollback complete it.
 *
 * <h2>Up to date, rollback</h2>
 * If every file already matches and nothing stale would remain, nothing is sent and nothing
 * switched, so the backup keeps the set before the last real change. A rollback
 * ({@code -Dskiff.rollback}) checks the backup with {@code sha256sum -c}, makes it the staging set
 * and runs the same journaled switch-over, so the replaced set becomes the backup: a second
 * rollback undoes the first. A rollback cut short is completed, not undone, by the next one.
 *
 * <h2>Space</h2>
 * The partition must hold the active and the staging set at once. If it does not, the old backup
 * is removed first (the active set stays); if that is still not enough, the push stops before
 * writing anything.
 *
 * <h2>A/B devices</h2>
 * A device with {@code /usr/lib/skiff/skiff-slot} (base layer) keeps two whole sets in two slot
 * directories. {@link dev.skiff.ota.SlotDevice} asks it, through {@code slot.sh}, which slot is
 * inactive, runs this same push in that slot's directory, seeded from the running slot
 * ({@link dev.skiff.ota.BootSetPush#seededFrom}: {@code sums.sh}, and {@code stage.sh}'s
 * {@code s/} entries copy unchanged files from it on the device), drops the slot's backup (the
 * other slot is the fallback), and has {@code skiff-slot arm} verify and arm a trial boot. A
 * reboot is waited for by the boot id that {@code slot.sh} reports; the outcome comes from
 * {@code skiff-slot status} ({@link dev.skiff.ota.SlotStatus}).
 *
 * <h2>What is pushed</h2>
 * {@link dev.skiff.ota.PushFile#allOf} takes every image file except the flashable disk image.
 * {@link dev.skiff.ota.BootSetPush#push} takes any {@code List<PushFile>}, so once the disk
 * layouts say which image files belong to the boot partition, only those can be passed.
 */
package dev.skiff.ota;
