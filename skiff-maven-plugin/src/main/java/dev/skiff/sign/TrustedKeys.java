package dev.skiff.sign;

import dev.skiff.SkiffException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The public keys of {@code skiff.trustedKeys}: one file holding one or more PEM {@code -----BEGIN
 * PUBLIC KEY-----} blocks (what {@code openssl pkey -pubout} writes), all Ed25519.
 */
public record TrustedKeys(Path file, List<TrustedKey> keys) {

    public TrustedKeys {
        keys = List.copyOf(keys);
    }

    /** @throws SkiffException naming the file and line of anything that is not such a key */
    public static TrustedKeys load(Path file) {
        String what = "The trusted keys file (skiff.trustedKeys)";
        List<TrustedKey> keys = new ArrayList<>();
        for (Pem pem : Pem.read(file, what)) {
            String at = file + " line " + pem.line();
            if (!pem.label().equals("PUBLIC KEY")) {
                throw new SkiffException(what + " " + at + " is a '" + pem.label() + "', not a"
                        + " public key. List only public keys ('-----BEGIN PUBLIC KEY-----'),"
                        + " exported with: openssl pkey -in skiff-signing.pem -pubout");
            }
            try {
                keys.add(TrustedKey.of(KeyFactory.getInstance(SigningKey.ALGORITHM)
                        .generatePublic(new X509EncodedKeySpec(pem.der())), at));
            } catch (InvalidKeySpecException e) {
                throw new SkiffException(what + " " + at + " is not an Ed25519 public key;"
                        + " bundles are signed with Ed25519 only. Export the public key of the"
                        + " signing key with: openssl pkey -in skiff-signing.pem -pubout", e);
            } catch (GeneralSecurityException e) {
                throw new SkiffException("This Java runtime has no " + SigningKey.ALGORITHM
                        + " support (" + e.getMessage() + "); use Java 17 or later.", e);
            }
        }
        return new TrustedKeys(file, keys);
    }

    /** The first key whose signature of {@code data} {@code signature} is. */
    public Optional<TrustedKey> signer(byte[] data, byte[] signature) {
        return keys.stream().filter(k -> k.verifies(data, signature)).findFirst();
    }
}
