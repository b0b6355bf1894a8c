package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.ota.BootSetPush;
import dev.skiff.ota.ClientIdentities;
import dev.skiff.ota.DeviceAddress;
import dev.skiff.ota.DeviceConnection;
import dev.skiff.ota.HostKeyPolicy;
import dev.skiff.ota.PushProgress;
import dev.skiff.ota.SlotDevice;
import dev.skiff.ota.SlotStatus;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Shows what a running device boots, over SSH. An A/B device (one with
 * {@code /usr/lib/skiff/skiff-slot}): each slot's version (from its {@code skiff-image.json}),
 * which slot is active (the default), which one booted, a pending trial boot and the last
 * result (committed, fell back, or the health check that failed). A single-set device: the
 * version of its one boot set. Nothing on the device is changed.
 *
 * <p>{@code mvn skiff:status -Dskiff.host=root@192.168.1.20}. The host key and client keys are
 * checked and chosen as for {@code skiff:push}.
 */
@Mojo(name = "status", requiresProject = false, threadSafe = true)
public class StatusMojo extends AbstractSkiffMojo {
    /** The device: {@code [user@]host[:port]}; the user defaults to root. Required. */
    @Parameter(property = "skiff.host")
    private String host;

    /** A single-set device: the directory that holds the boot set (default: the layout's push.dir, else /mnt/boot). */
    @Parameter(property = "skiff.remoteBootDir")
    private String remoteBootDir;

    /** The private key to authenticate with, instead of ~/.ssh/id_ed25519, id_ecdsa and id_rsa. */
    @Parameter(property = "skiff.identity")
    private File identity;

    /** Trusts a device whose host key is not in ~/.ssh/known_hosts yet, and adds it there (as skiff:push). */
    @Parameter(property = "skiff.acceptNewHostKey", defaultValue = "false")
    private boolean acceptNewHostKey;

    /** Seconds any one command on the device may go without a byte either way before it is stopped (as skiff:push). */
    @Parameter(property = "skiff.timeout", defaultValue = "300")
    private int timeout;

    /** Skip this goal. */
    @Parameter(property = "skiff.status.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.apache.sshd", "warn");
        DeviceAddress address = DeviceAddress.parse(host, "skiff.host");
        Path sshDir = Path.of(System.getProperty("user.home"), ".ssh");
        HostKeyPolicy hostKeys = HostKeyPolicy.forSshDir(sshDir, acceptNewHostKey);
        ClientIdentities identities = ClientIdentities.resolve(identity == null ? null : identity.toPath().toAbsolutePath(), sshDir);
        if (timeout <= 0) throw new SkiffException("skiff.timeout must be a positive number of seconds, not " + timeout + ".");
        try (DeviceConnection device = DeviceConnection.open(address, hostKeys, identities, getLog()::warn)
                .commandTimeout(Duration.ofSeconds(timeout))) {
            Optional<SlotStatus> slots = new SlotDevice(device, PushProgress.NONE).status();
            if (slots.isPresent()) {
                getLog().info(address + ": A/B boot slots");
                for (String line : slots.get().describe()) getLog().info("  " + line);
                return;
            }
            String dir = remoteBootDir != null ? remoteBootDir : singleSetDir();
            BootSetPush.SetVersion v = new BootSetPush(device, dir, PushProgress.NONE).version();
            getLog().info(address + ": a single boot set (no /usr/lib/skiff/skiff-slot)");
            getLog().info("  " + v.dir() + ": version " + v.version() + ", " + v.files() + " files"
                    + (v.files() == 0 ? " (not written by skiff:push)" : ""));
        }
    }

    /** The layout's push directory when the project names a chain, else SkiffOS's usual boot mount. */
    private String singleSetDir() {
        String c = chain();
        if (c == null || c.isBlank()) return PushMojo.DEFAULT_BOOT_DIR;
        try {
            dev.skiff.layer.LayerCatalog catalog = catalog();
            List<String> chain = dev.skiff.layer.ChainExpansion.expand(c, chainSource(), catalog).names().stream()
                    .map(Object::toString).toList();
            dev.skiff.install.DiskLayout layout = diskLayout(catalog, chain);
            return layout.push() != null ? layout.push().dir() : PushMojo.DEFAULT_BOOT_DIR;
        } catch (dev.skiff.SkiffException noLayout) {
            getLog().debug(noLayout.getMessage());
            return PushMojo.DEFAULT_BOOT_DIR;
        }
    }
}
