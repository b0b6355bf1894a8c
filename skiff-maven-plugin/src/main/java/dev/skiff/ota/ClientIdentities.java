package dev.skiff.ota;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The private keys a push authenticates with: the {@code -Dskiff.identity} file if given (it must
 * load), else whichever of {@code id_ed25519}, {@code id_ecdsa} and {@code id_rsa} exist in
 * {@code ~/.ssh} (one that does not load, e.g. passphrase-protected, is skipped and named in the
 * authentication error). ssh-agent is not used.
 */
public final class ClientIdentities {
    public static final List<String> DEFAULT_NAMES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /** A loaded key and how to name it in messages. */
    public record Identity(Path file, KeyPair keyPair) {
        public String describe() {
            return file + " (" + KeyUtils.getKeyType(keyPair) + " " + KeyUtils.getFingerPrint(keyPair.getPublic()) + ")";
        }
    }

    private final List<Identity> identities;
    private final List<String> skipped;

    private ClientIdentities(List<Identity> identities, List<String> skipped) {
        this.identities = List.copyOf(identities);
        this.skipped = List.copyOf(skipped);
    }

    /**
     * @param explicit the {@code -Dskiff.identity} file, or null for the defaults
     * @param sshDir normally {@code ~/.ssh}
     */
    public static ClientIdentities resolve(Path explicit, Path sshDir) {
        List<Identity> ids = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new SkiffException("skiff.identity " + explicit + " does not exist or is not a file.");
            }
            try {
                for (KeyPair kp : load(explicit)) ids.add(new Identity(explicit, kp));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new SkiffException("cannot load the SSH key skiff.identity=" + explicit + ": " + why(e), e);
            }
            if (ids.isEmpty()) throw new SkiffException("skiff.identity " + explicit + " holds no private key.");
            return new ClientIdentities(ids, skipped);
        }
        for (String name : DEFAULT_NAMES) {
            Path f = sshDir.resolve(name);
            if (!Files.isRegularFile(f)) continue;
            try {
                for (KeyPair kp : load(f)) ids.add(new Identity(f, kp));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                skipped.add(f + " (" + why(e) + ")");
            }
        }
        if (ids.isEmpty()) {
            throw new SkiffException("no usable SSH key: none of " + DEFAULT_NAMES.stream().map(n -> sshDir.resolve(n).toString()).toList()
                    + " could be loaded" + (skipped.isEmpty() ? "" : " (" + String.join("; ", skipped) + ")")
                    + ". Create one with ssh-keygen -t ed25519 -N '' and add its .pub to the device's authorized keys,"
                    + " or pass -Dskiff.identity=<private key file>.");
        }
        return new ClientIdentities(ids, skipped);
    }

    /** Keys given directly (tests, or an embedding tool). */
    public static ClientIdentities of(List<Identity> identities) {
        return new ClientIdentities(identities, List.of());
    }

    public List<Identity> identities() {
        return identities;
    }

    /** Default key files that exist but could not be loaded, with the reason. */
    public List<String> skipped() {
        return skipped;
    }

    private static Iterable<KeyPair> load(Path f) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(f)) {
            // No passphrase prompt in a build: an encrypted key fails to load and is reported.
            Iterable<KeyPair> kps = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(f.toString()), in,
                    FilePasswordProvider.EMPTY);
            return kps == null ? List.of() : kps;
        }
    }

    private static String why(Throwable e) {
        String m = e.getMessage();
        String s = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        if (s.toLowerCase(java.util.Locale.ROOT).contains("password") || s.toLowerCase(java.util.Locale.ROOT).contains("passphrase")
                || s.toLowerCase(java.util.Locale.ROOT).contains("encrypt")) {
            s += "; passphrase-protected keys are not supported, use a key without a passphrase for pushes";
        }
        return s;
    }
}
