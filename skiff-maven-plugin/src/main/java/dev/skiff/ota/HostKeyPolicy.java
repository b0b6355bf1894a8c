package dev.skiff.ota;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Host key trust, OpenSSH's way: the device's key must be listed for its name in
 * {@code known_hosts}. An unknown device is refused unless {@code acceptNew} (OpenSSH's
 * {@code StrictHostKeyChecking=accept-new}), which appends its key. A <em>changed</em> key is
 * always refused, as is a key marked {@code @revoked}.
 *
 * <p>Unlike MINA's {@code KnownHostsServerKeyVerifier}, which compares against the first line that
 * names the host, every line for the host counts, so a host listed with several key types (a
 * common known_hosts) is accepted whichever type the device presents. Hashed names
 * ({@code HashKnownHosts yes}) and {@code [host]:port} are understood.
 */
public final class HostKeyPolicy {
    private final Path knownHosts;
    private final boolean acceptNew;

    public HostKeyPolicy(Path knownHosts, boolean acceptNew) {
        this.knownHosts = knownHosts;
        this.acceptNew = acceptNew;
    }

    /** {@code <sshDir>/known_hosts}; {@code sshDir} is normally {@code ~/.ssh}. */
    public static HostKeyPolicy forSshDir(Path sshDir, boolean acceptNew) {
        return new HostKeyPolicy(sshDir.resolve("known_hosts"), acceptNew);
    }

    public Path knownHosts() {
        return knownHosts;
    }

    public boolean acceptNew() {
        return acceptNew;
    }

    /** The outcome of checking one presented key; {@code message} says why when refused. */
    public record Check(boolean accepted, boolean added, String message) {}

    /** Key types known_hosts holds for the device, so the client can ask for those first. */
    public Set<String> knownKeyTypes(DeviceAddress device) {
        Set<String> types = new LinkedHashSet<>();
        for (KnownHostEntry e : entriesFor(device)) {
            if (e.getMarker() == null && e.getKeyEntry() != null) types.add(e.getKeyEntry().getKeyType());
        }
        return types;
    }

    /** Decides on the key {@code device} presented; appends it to known_hosts if new and accepted. */
    public synchronized Check check(DeviceAddress device, PublicKey key) {
        String type = KeyUtils.getKeyType(key);
        String fingerprint = KeyUtils.getFingerPrint(key);
        List<String> sameTypeOther = new ArrayList<>();
        Set<String> otherTypes = new LinkedHashSet<>();
        for (KnownHostEntry e : entriesFor(device)) {
            PublicKey known = resolve(e);
            if ("revoked".equals(e.getMarker())) {
                if (known != null && KeyUtils.compareKeys(known, key)) {
                    return new Check(false, false, "the host key of " + device.knownHostsName() + " (" + type + " " + fingerprint
                            + ") is marked @revoked in " + knownHosts + ". Refusing to connect.");
                }
                continue;
            }
            if (e.getMarker() != null || known == null) continue; // @cert-authority, or a key type we cannot read
            if (KeyUtils.compareKeys(known, key)) return new Check(true, false, "known");
            String knownType = e.getKeyEntry().getKeyType();
            if (knownType.equals(type)) sameTypeOther.add(KeyUtils.getFingerPrint(known));
            else otherTypes.add(knownType);
        }
        if (!sameTypeOther.isEmpty()) {
            return new Check(false, false, "HOST KEY CHANGED for " + device.knownHostsName() + ": the device presents " + type
                    + " key " + fingerprint + ", but " + knownHosts + " lists " + String.join(", ", sameTypeOther)
                    + ". Someone may be intercepting the connection, or the device was reinstalled. If you are sure it was"
                    + " reinstalled, remove the old entry with: ssh-keygen -f " + knownHosts + " -R '" + device.knownHostsName()
                    + "' and push again with -Dskiff.acceptNewHostKey=true.");
        }
        String others = otherTypes.isEmpty() ? "" : " (" + knownHosts + " only has " + String.join(", ", otherTypes)
                + " keys for it)";
        if (!acceptNew) {
            return new Check(false, false, "unknown host key for " + device.knownHostsName() + ": the device presents " + type
                    + " key " + fingerprint + ", which is not in " + knownHosts + others + ". Check the fingerprint on the"
                    + " device (ssh-keygen -lf /etc/ssh/ssh_host_" + simpleType(type) + "_key.pub), then accept it with"
                    + " -Dskiff.acceptNewHostKey=true, which adds it to " + knownHosts + ".");
        }
        append(device, key);
        return new Check(true, true, "added " + type + " key " + fingerprint + " for " + device.knownHostsName() + " to " + knownHosts
                + others);
    }

    private List<KnownHostEntry> entriesFor(DeviceAddress device) {
        if (!Files.isRegularFile(knownHosts)) return List.of();
        List<KnownHostEntry> all;
        try {
            all = KnownHostEntry.readKnownHostEntries(knownHosts);
        } catch (IOException | RuntimeException e) {
            throw new SkiffException("cannot read " + knownHosts + ": " + e.getMessage(), e);
        }
        List<KnownHostEntry> out = new ArrayList<>();
        for (KnownHostEntry e : all) {
            try {
                if (e.isHostMatch(device.host(), device.port())) out.add(e);
            } catch (RuntimeException ignored) {
                // A line MINA cannot match (odd pattern) does not name this host for us either.
            }
        }
        return out;
    }

    private static PublicKey resolve(KnownHostEntry e) {
        if (e.getKeyEntry() == null) return null;
        try {
            return e.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException ex) {
            return null;
        }
    }

    private void append(DeviceAddress device, PublicKey key) {
        String line = device.knownHostsName() + " " + PublicKeyEntry.toString(key) + "\n";
        try {
            Path dir = knownHosts.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
            }
            boolean needsNewline = Files.isRegularFile(knownHosts) && Files.size(knownHosts) > 0
                    && !new String(Files.readAllBytes(knownHosts), StandardCharsets.UTF_8).endsWith("\n");
            Files.writeString(knownHosts, (needsNewline ? "\n" : "") + line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new SkiffException("cannot add the host key of " + device.knownHostsName() + " to " + knownHosts + ": "
                    + e.getMessage(), e);
        }
    }

    private static String simpleType(String type) {
        if (type.contains("ed25519")) return "ed25519";
        if (type.startsWith("ecdsa")) return "ecdsa";
        if (type.contains("rsa")) return "rsa";
        return "*";
    }
}
