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
 * always refused, as is a key marked {@code @revoked}, and, stricter than OpenSSH, a key of a new
 * type for a host known_hosts already lists under another type: that is what a man in the middle
 * without the device's key would present, so {@code acceptNew} does not cover it.
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
        for (Listed l : entriesFor(device)) {
            if (l.entry().getMarker() == null && l.entry().getKeyEntry() != null) types.add(l.entry().getKeyEntry().getKeyType());
        }
        return types;
    }

    /** Decides on the key {@code device} presented; appends it to known_hosts if new and accepted. */
    public synchronized Check check(DeviceAddress device, PublicKey key) {
        String type = KeyUtils.getKeyType(key);
        String fingerprint = KeyUtils.getFingerPrint(key);
        String name = device.knownHostsName();
        List<String> sameTypeOther = new ArrayList<>();
        List<String> otherTypes = new ArrayList<>();
        for (Listed l : entriesFor(device)) {
            KnownHostEntry e = l.entry();
            PublicKey known = resolve(e);
            if ("revoked".equals(e.getMarker())) {
                if (known != null && KeyUtils.compareKeys(known, key)) {
                    return new Check(false, false, "the host key of " + name + " (" + type + " " + fingerprint
                            + ") is marked @revoked in " + knownHosts + " line " + l.line() + ". Refusing to connect.");
                }
                continue;
            }
            if (e.getMarker() != null || e.getKeyEntry() == null) continue; // @cert-authority: not a host key
            if (known != null && KeyUtils.compareKeys(known, key)) return new Check(true, false, "known");
            String knownType = e.getKeyEntry().getKeyType();
            // A key we cannot read still says the host is known under its type.
            String what = known == null ? "a " + knownType + " key this client cannot read" : KeyUtils.getFingerPrint(known);
            if (knownType.equals(type)) sameTypeOther.add(what + " (line " + l.line() + ")");
            else otherTypes.add(knownType + (known == null ? " (unreadable)" : "") + " on line " + l.line());
        }
        String remove = "remove the old entry with: ssh-keygen -f " + knownHosts + " -R '" + name
                + "' and push again with -Dskiff.acceptNewHostKey=true.";
        if (!sameTypeOther.isEmpty()) {
            return new Check(false, false, "HOST KEY CHANGED for " + name + ": the device presents " + type
                    + " key " + fingerprint + ", but " + knownHosts + " lists " + String.join(", ", sameTypeOther)
                    + ". Someone may be intercepting the connection, or the device was reinstalled. If you are sure it was"
                    + " reinstalled, " + remove);
        }
        if (!otherTypes.isEmpty()) {
            // OpenSSH's accept-new would add the new type. A man in the middle has no key of the known
            // type, so it offers another one; accepting it would hand the connection over. Refused even
            // with acceptNew: the user removes the old entry on purpose instead.
            return new Check(false, false, "HOST KEY TYPE CHANGED for " + name + ": the device presents " + type
                    + " key " + fingerprint + ", but " + knownHosts + " knows it only by its " + String.join(", ", otherTypes)
                    + ". A new key type for a host known under another type is refused, even with"
                    + " -Dskiff.acceptNewHostKey=true (stricter than OpenSSH's accept-new): someone intercepting the"
                    + " connection would offer exactly that. If the device really has new host keys (reinstalled, or its"
                    + " sshd no longer offers the known type), check the fingerprint on the device (ssh-keygen -lf"
                    + " /etc/ssh/ssh_host_" + simpleType(type) + "_key.pub), then " + remove);
        }
        if (!acceptNew) {
            return new Check(false, false, "unknown host key for " + name + ": the device presents " + type
                    + " key " + fingerprint + ", which is not in " + knownHosts + ". Check the fingerprint on the"
                    + " device (ssh-keygen -lf /etc/ssh/ssh_host_" + simpleType(type) + "_key.pub), then accept it with"
                    + " -Dskiff.acceptNewHostKey=true, which adds it to " + knownHosts + ".");
        }
        append(device, key);
        return new Check(true, true, "added " + type + " key " + fingerprint + " for " + name + " to " + knownHosts);
    }

    /** A known_hosts entry and its line number (1-based), for messages. */
    private record Listed(KnownHostEntry entry, int line) {}

    /** The entries of known_hosts that name {@code device}, in file order. */
    private List<Listed> entriesFor(DeviceAddress device) {
        if (!Files.isRegularFile(knownHosts)) return List.of();
        String[] lines;
        try {
            lines = new String(Files.readAllBytes(knownHosts), StandardCharsets.UTF_8).split("\r?\n", -1);
        } catch (IOException e) {
            throw new SkiffException("cannot read " + knownHosts + ": " + e.getMessage(), e);
        }
        List<Listed> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            KnownHostEntry e;
            try {
                e = KnownHostEntry.parseKnownHostEntry(line);
            } catch (RuntimeException ex) {
                throw new SkiffException("cannot read " + knownHosts + " line " + (i + 1) + ": " + ex.getMessage()
                        + ". A known_hosts line is [@marker] host[,host...] key-type base64-key [comment].", ex);
            }
            if (e == null) continue;
            try {
                if (e.isHostMatch(device.host(), device.port())) out.add(new Listed(e, i + 1));
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
