package dev.skiff.sign;

import dev.skiff.SkiffException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * An Ed25519 private key that signs bundles, read from a PKCS#8 PEM file (what {@code openssl
 * genpkey -algorithm ed25519} writes), plain or encrypted (PBES2, as {@code openssl genpkey
 * -aes-256-cbc} or {@code openssl pkcs8 -topk8} write it).
 *
 * @param file where the key came from, for messages
 */
public record SigningKey(PrivateKey key, Path file) {

    public static final String ALGORITHM = "Ed25519";

    private static final String GENERATE = "openssl genpkey -algorithm ed25519 -out"
            + " skiff-signing.pem";

    public SigningKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(file, "file");
    }

    /**
     * The key to sign with, from {@code skiff.signingKey} and/or {@code skiff.signingServerId}:
     * the key file is {@code keyFile}, else the server's {@code <privateKey>}; the passphrase of
     * an encrypted key is the server's {@code <passphrase>}.
     *
     * @param keyFile {@code skiff.signingKey}, absolute, or null
     * @param serverId {@code skiff.signingServerId}, or null/blank
     * @param server that server entry, decrypted; null when settings.xml has no such entry
     * @return null when neither is set: the bundle is not signed
     * @throws SkiffException naming the file or server and what to change
     */
    public static SigningKey resolve(Path keyFile, String serverId, SigningServer server) {
        boolean byServer = serverId != null && !serverId.isBlank();
        if (keyFile == null && !byServer) {
            return null;
        }
        if (byServer && server == null) {
            throw new SkiffException("skiff.signingServerId '" + serverId.strip() + "' names no"
                    + " <server> in settings.xml (~/.m2/settings.xml, or the file given with -s)."
                    + " Add <server><id>" + serverId.strip() + "</id><privateKey>/path/to/"
                    + "skiff-signing.pem</privateKey><passphrase>...</passphrase></server> (encrypt"
                    + " the passphrase with mvn --encrypt-password), or fix the id.");
        }
        Path file = keyFile;
        if (file == null) {
            if (server.privateKey() == null || server.privateKey().isBlank()) {
                throw new SkiffException("The settings.xml <server> '" + server.id() + "' named by"
                        + " skiff.signingServerId has no <privateKey>. Set it to the path of the"
                        + " PKCS#8 PEM signing key, or give the key with -Dskiff.signingKey.");
            }
            file = Path.of(server.privateKey().strip()).toAbsolutePath();
        }
        String passphrase = server == null ? null : server.passphrase();
        return load(file, passphrase == null || passphrase.isEmpty() ? null
                : passphrase.toCharArray(), server == null ? null : "settings.xml <server> '"
                + server.id() + "'");
    }

    /**
     * Reads a PKCS#8 PEM private key.
     *
     * @param passphrase for an encrypted key, else null
     * @param passphraseOrigin where the passphrase came from, for messages
     */
    public static SigningKey load(Path file, char[] passphrase, String passphraseOrigin) {
        String what = "The signing key";
        List<Pem> blocks = Pem.read(file, what);
        Pem pem = blocks.stream().filter(b -> b.label().endsWith("PRIVATE KEY")).findFirst()
                .orElseThrow(() -> new SkiffException(what + " " + file + " holds no private key"
                        + " (it has " + blocks.get(0).label() + "). Name the private key file;"
                        + " generate one with: " + GENERATE));
        byte[] der;
        switch (pem.label()) {
            case "PRIVATE KEY" -> der = pem.der();
            case "ENCRYPTED PRIVATE KEY" -> der = decrypt(file, pem, passphrase, passphraseOrigin);
            default -> throw new SkiffException(what + " " + file + " line " + pem.line() + " is a"
                    + " '" + pem.label() + "', not a PKCS#8 Ed25519 key ('PRIVATE KEY' or"
                    + " 'ENCRYPTED PRIVATE KEY'). Generate an Ed25519 key with: " + GENERATE);
        }
        try {
            PrivateKey key = KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
            SigningKey k = new SigningKey(key, file);
            k.sign(new byte[0]); // a key the JDK parses but cannot use fails here, not mid-build
            return k;
        } catch (InvalidKeySpecException | SkiffException e) {
            throw new SkiffException(what + " " + file + " is not an Ed25519 private key (RSA,"
                    + " ECDSA and others are not supported: the device checks Ed25519). Generate"
                    + " one with: " + GENERATE, e);
        } catch (GeneralSecurityException e) {
            throw new SkiffException("This Java runtime has no " + ALGORITHM + " support ("
                    + e.getMessage() + "); use Java 17 or later.", e);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    private static byte[] decrypt(Path file, Pem pem, char[] passphrase, String origin) {
        if (passphrase == null) {
            throw new SkiffException("The signing key " + file + " is encrypted, but no passphrase"
                    + " was given. Set skiff.signingServerId to a settings.xml <server> whose"
                    + " <passphrase> is the key's passphrase (encrypted with mvn"
                    + " --encrypt-password).");
        }
        EncryptedPrivateKeyInfo info;
        String alg;
        try {
            info = new EncryptedPrivateKeyInfo(pem.der());
            // For PBES2 the algorithm name is only the scheme; the parameters name the cipher
            // and PRF the JDK needs ("PBEWithHmacSHA256AndAES_256").
            alg = info.getAlgParameters() != null ? info.getAlgParameters().toString()
                    : info.getAlgName();
        } catch (Exception e) {
            throw new SkiffException("The signing key " + file + " line " + pem.line() + " is not"
                    + " a readable encrypted PKCS#8 key (" + e.getMessage() + "). Export it again:"
                    + " openssl pkcs8 -topk8 -v2 aes-256-cbc -in plain.pem -out key.pem", e);
        }
        Cipher cipher;
        try {
            cipher = Cipher.getInstance(alg);
            cipher.init(Cipher.DECRYPT_MODE, SecretKeyFactory.getInstance(alg)
                    .generateSecret(new PBEKeySpec(passphrase)), info.getAlgParameters());
        } catch (GeneralSecurityException e) {
            throw new SkiffException("The signing key " + file + " is encrypted with " + alg
                    + ", which this Java runtime cannot decrypt (" + e.getMessage() + ")."
                    + " Re-encrypt it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in plain.pem"
                    + " -out key.pem", e);
        }
        try {
            return info.getKeySpec(cipher).getEncoded();
        } catch (InvalidKeySpecException e) {
            throw new SkiffException("The passphrase from " + origin + " does not decrypt the"
                    + " signing key " + file + ". Check the server's <passphrase> (and that"
                    + " ~/.m2/settings-security.xml holds the master password it was encrypted"
                    + " with).", e);
        }
    }

    /** The raw 64-byte Ed25519 signature of {@code data}. */
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new SkiffException("Cannot sign with the key " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        // Never the key material.
        return "SigningKey[" + file + "]";
    }
}
