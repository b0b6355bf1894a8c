package dev.skiff.sign;

import dev.skiff.Sha256;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;

/**
 * One Ed25519 public key a bundle may be signed with.
 *
 * @param fingerprint {@code SHA256:} and the first 16 hex digits of the SHA-256 of the key's
 *     DER (SubjectPublicKeyInfo), which {@code openssl pkey -pubin -outform DER | sha256sum}
 *     shows in full
 * @param origin file and line of the key, for messages
 */
public record TrustedKey(PublicKey key, String fingerprint, String origin) {

    static TrustedKey of(PublicKey key, String origin) {
        byte[] sha = Sha256.digest().digest(key.getEncoded());
        return new TrustedKey(key, "SHA256:" + HexFormat.of().formatHex(sha).substring(0, 16),
                origin);
    }

    /** Whether {@code signature} is this key's Ed25519 signature of {@code data}. */
    public boolean verifies(byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(SigningKey.ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            // A malformed signature (wrong length, point not on the curve) verifies nothing.
            return false;
        }
    }
}
