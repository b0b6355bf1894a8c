package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.image.ImageSource;
import dev.skiff.ota.BootSetPush;
import dev.skiff.ota.ClientIdentities;
import dev.skiff.ota.DeviceAddress;
import dev.skiff.ota.DeviceConnection;
import dev.skiff.ota.HostKeyPolicy;
import dev.skiff.ota.PushFile;
import dev.skiff.ota.PushProgress;
import dev.skiff.ota.PushResult;
import dev.skiff.ota.SlotDevice;
import dev.skiff.ota.SlotSet;
import dev.skiff.ota.SlotStatus;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Upgrades a running device over SSH: sends only the files whose SHA-256 differs from the
 * device's, verifies the staged set on the device, then switches over so that the boot directory
 * always holds one complete set, the old or the new. The replaced set is kept as a backup that
 * {@code -Dskiff.rollback} restores.
 *
 * <p>The host key must be in {@code ~/.ssh/known_hosts} ({@code -Dskiff.acceptNewHostKey} adds an
 * unknown one). Keys: {@code -Dskiff.identity}, else {@code ~/.ssh/id_ed25519}, {@code id_ecdsa},
 * {@code id_rsa}. Today every image file except the disk image is pushed.
 *
 * <p>A/B: when the layout declares {@code slots:} and the device has
 * {@code /usr/lib/skiff/skiff-slot}, the set goes into the inactive slot instead (only files that
 * differ from the running slot are sent), with the bundle's manifest and signature, and
 * {@code skiff-slot arm} verifies it on the device and arms a one-time trial boot.
 * {@code -Dskiff.reboot} then reboots into it and waits for the outcome; {@code -Dskiff.rollback}
 * makes the other slot the default.
 */
@Mojo(name = "push", requiresProject = false, threadSafe = true)
public class PushMojo extends AbstractImageMojo {
    /** The device: {@code [user@]host[:port]}; the user defaults to root. Required. */
    @Parameter(property = "skiff.host")
    private String host;

    /**
     * The directory on the device that holds the boot set. Default: the {@code push.dir} of the
     * image's disk layout, else /mnt/boot.
     */
    @Parameter(property = "skiff.remoteBootDir")
    private String remoteBootDir;

    /** The private key to authenticate with, instead of ~/.ssh/id_ed25519, id_ecdsa and id_rsa. */
    @Parameter(property = "skiff.identity")
    private File identity;

    /**
     * Trusts a device whose host key is not in ~/.ssh/known_hosts yet, and adds it there. A
     * changed key, and a key of a new type for a device known under another type, are still
     * refused (stricter than OpenSSH's accept-new).
     */
    @Parameter(property = "skiff.acceptNewHostKey", defaultValue = "false")
    private boolean acceptNewHostKey;

    /** Restores the backup kept by the last push (the set it replaced) instead of pushing. */
    @Parameter(property = "skiff.rollback", defaultValue = "false")
    private boolean rollback;

    /**
     * A/B devices: after the push, reboot into the armed trial slot ({@code skiff-slot
     * reboot-trial}), wait for the device to come back and report which slot booted and whether
     * the update was committed or fell back. The build fails unless it was committed.
     */
    @Parameter(property = "skiff.reboot", defaultValue = "false")
    private boolean reboot;

    /**
     * Seconds: how long {@code -Dskiff.reboot} waits for the device to come back and commit, and
     * how long any one command on the device may go without a byte either way before it is stopped.
     */
    @Parameter(property = "skiff.timeout", defaultValue = "300")
    private int timeout;

    /** Skip this goal. */
    @Parameter(property = "skiff.push.skip", defaultValue = "false")
    private boolean skip;

    static final String DEFAULT_BOOT_DIR = "/mnt/boot";

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        // MINA SSHD logs its set-up at INFO ("created instance of BouncyCastleProvider", ...): keep
        // the build log to push's own lines unless the user configured that logger.
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.apache.sshd", "warn");
        DeviceAddress address = DeviceAddress.parse(host, "skiff.host");
        Path sshDir = Path.of(System.getProperty("user.home"), ".ssh");
        HostKeyPolicy hostKeys = HostKeyPolicy.forSshDir(sshDir, acceptNewHostKey);
        ClientIdentities identities = ClientIdentities.resolve(identity == null ? null : identity.toPath().toAbsolutePath(), sshDir);
        PushProgress progress = new PushProgress() {
            @Override
            public void step(String message) {
                getLog().info(message);
            }
        };
        if (timeout <= 0) throw new SkiffException("skiff.timeout must be a positive number of seconds, not " + timeout + ".");
        java.util.function.Supplier<DeviceConnection> connect = () -> DeviceConnection.open(address, hostKeys, identities, getLog()::warn)
                .commandTimeout(Duration.ofSeconds(timeout));
        dev.skiff.layer.LayerCatalog catalog = catalog();
        if (rollback) {
            try (DeviceConnection device = connect.get()) {
                SlotDevice slots = new SlotDevice(device, progress);
                if (slots.status().isPresent()) {
                    SlotStatus after = slots.rollback();
                    getLog().info("Slot " + after.active() + " (version " + after.version(after.active()) + ") is the default now;"
                            + " the device runs slot " + after.booted() + " until it reboots.");
                    return;
                }
                String dir = remoteBootDir != null ? remoteBootDir : pushDir(layoutOrNull(catalog, workspaceChain(catalog)));
                PushResult r = new BootSetPush(device, dir, progress).rollback();
                getLog().info(r.summary());
                getLog().info("Reboot the device to boot the restored set.");
            }
            return;
        }
        try (ImageSource source = imageSource(catalog)) {
            dev.skiff.install.DiskLayout layout = layoutOrNull(catalog, source.chain());
            List<PushFile> files;
            if (layout != null && (layout.push() != null || layout.slots().isPresent())) {
                files = new java.util.ArrayList<>();
                for (dev.skiff.install.BootSet.Entry e : dev.skiff.install.BootSet.resolve(layout, source)) {
                    files.add(new PushFile(e.path(), e.source(), e.image().size(), e.image().sha256(),
                            (e.image().modeBits() & 0111) != 0));
                }
            } else {
                getLog().warn("No disk layout with a push: block for chain " + String.join(",", source.chain())
                        + ": pushing every image file except the disk image.");
                files = PushFile.allOf(source);
            }
            String dir = remoteBootDir != null ? remoteBootDir : pushDir(layout);
            try (DeviceConnection device = connect.get()) {
                SlotDevice slots = new SlotDevice(device, progress);
                Optional<SlotStatus> status = slots.status();
                String single = SlotDevice.singleSetReason(address, status, layout != null && layout.slots().isPresent(),
                        source.chain(), dir);
                // The bundle's manifest (and signature) travel with the set, written into the extraction
                // directory, which closing the source deletes; a workspace's images need no copies.
                Path bundle = source.temporary() ? ImageReference.resolve(image, basedir(), repositorySystem, session, project) : null;
                Path extras = source.temporary() ? source.dir().resolve(".skiff-slot") : null;
                if (single == null) {
                    List<PushFile> set = SlotSet.of(files, source, bundle, extras, true);
                    getLog().info("Pushing " + set.size() + " files from " + (image == null ? source.dir() : image) + " to "
                            + address + ", slot " + status.get().inactive() + " of the A/B layout");
                    SlotDevice.SlotPush p = slots.push(set);
                    getLog().info(p.summary());
                    if (!reboot) {
                        getLog().info("Slot " + p.slot() + " boots once at the next reboot and becomes the default only when its"
                                + " health checks pass: -Dskiff.reboot reboots into it and reports the outcome.");
                        return;
                    }
                    SlotDevice.Trial t = SlotDevice.rebootTrial(device,
                            connect, Duration.ofSeconds(timeout), progress);
                    if (t.outcome() != SlotDevice.Outcome.COMMITTED) throw new SkiffException(t.summary());
                    getLog().info(t.summary());
                    return;
                }
                getLog().info(single);
                if (reboot) {
                    throw new SkiffException("-Dskiff.reboot needs an A/B device (a layout with slots: and skiff-slot on the"
                            + " device); " + address + " has a single boot set. Nothing was pushed.");
                }
                files = SlotSet.of(files, source, bundle, extras, false);
                getLog().info("Pushing " + files.size() + " image files from " + (image == null ? source.dir() : image)
                        + " to " + address + ":" + dir);
                PushResult r = new BootSetPush(device, dir, progress).push(files);
                getLog().info(r.summary());
                if (r.action() == PushResult.Action.SWITCHED) {
                    getLog().info("Reboot the device to boot the new set; -Dskiff.rollback restores the previous one.");
                }
            }
        }
    }

    /** The layout's push directory, else SkiffOS's usual boot mount. */
    private static String pushDir(dev.skiff.install.DiskLayout layout) {
        if (layout != null && layout.push() != null) return layout.push().dir();
        if (layout != null && layout.slots().isPresent()) return layout.slots().get().dirA();
        return DEFAULT_BOOT_DIR;
    }

    private dev.skiff.install.DiskLayout layoutOrNull(dev.skiff.layer.LayerCatalog catalog, List<String> chain) {
        if (chain.isEmpty()) return null;
        try {
            return diskLayout(catalog, chain);
        } catch (SkiffException noLayout) {
            getLog().debug(noLayout.getMessage());
            return null;
        }
    }
}
