package dev.skiff.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
    @TempDir
    Path tmp;

    private static void assertMessage(SkiffException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }

    @Test
    void plainKeySignsAndItsPublicKeyVerifies() throws Exception {
        Path[] k = TestKeys.generate(tmp, "release");
        SigningKey key = SigningKey.resolve(k[0], null, null);
        TrustedKeys trusted = TrustedKeys.load(k[1]);
        byte[] data = "a list\n".getBytes();
        byte[] sig = key.sign(data);
        assertEquals(64, sig.length);
        assertTrue(trusted.signer(data, sig).isPresent());
        assertTrue(trusted.signer("another list\n".getBytes(), sig).isEmpty());
        assertEquals(k[1] + " line 1", trusted.keys().get(0).origin());
        assertTrue(trusted.keys().get(0).fingerprint().matches("SHA256:[0-9a-f]{16}"));
    }

    @Test
    void noKeyAndNoServerMeansUnsigned() {
        assertNull(SigningKey.resolve(null, null, null));
        assertNull(SigningKey.resolve(null, " ", null));
    }

    @Test
    void opensslKeysEncryptedOrNotAreRead() throws Exception {
        TestKeys.assumeOpensslEd25519(tmp);
        TestKeys.run(tmp, "openssl", "genpkey", "-algorithm", "ed25519", "-out", "plain.pem");
        TestKeys.run(tmp, "openssl", "genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:s3cret",
                "-out", "enc.pem");
        TestKeys.run(tmp, "openssl", "pkey", "-in", "enc.pem", "-passin", "pass:s3cret", "-pubout", "-out", "enc.pub.pem");
        SigningKey.resolve(tmp.resolve("plain.pem"), null, null);
        // The server names the key file and its passphrase.
        SigningKey enc = SigningKey.resolve(null, "release",
                new SigningServer("release", tmp.resolve("enc.pem").toString(), "s3cret"));
        byte[] sig = enc.sign("x".getBytes());
        assertTrue(TrustedKeys.load(tmp.resolve("enc.pub.pem")).signer("x".getBytes(), sig).isPresent());
        // skiff.signingKey names the file, the server only gives the passphrase.
        SigningKey.resolve(tmp.resolve("enc.pem"), "release", new SigningServer("release", null, "s3cret"));

        SkiffException wrong = assertThrows(SkiffException.class, () -> SigningKey.resolve(tmp.resolve("enc.pem"),
                "release", new SigningServer("release", null, "guess")));
        assertMessage(wrong, "settings.xml <server> 'release'", "does not decrypt", tmp.resolve("enc.pem").toString(),
                "<passphrase>");
        SkiffException none = assertThrows(SkiffException.class,
                () -> SigningKey.resolve(tmp.resolve("enc.pem"), null, null));
        assertMessage(none, tmp.resolve("enc.pem").toString(), "is encrypted, but no passphrase", "skiff.signingServerId");

        TestKeys.run(tmp, "openssl", "genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa.pem");
        SkiffException rsa = assertThrows(SkiffException.class, () -> SigningKey.resolve(tmp.resolve("rsa.pem"), null, null));
        assertMessage(rsa, tmp.resolve("rsa.pem").toString(), "is not an Ed25519 private key", "openssl genpkey -algorithm ed25519");
    }

    @Test
    void missingServerIdIsNamed() {
        SkiffException e = assertThrows(SkiffException.class, () -> SigningKey.resolve(null, "relase", null));
        assertMessage(e, "skiff.signingServerId 'relase' names no <server> in settings.xml", "<id>relase</id>",
                "mvn --encrypt-password");
        SkiffException noKey = assertThrows(SkiffException.class,
                () -> SigningKey.resolve(null, "release", new SigningServer("release", null, "pw")));
        assertMessage(noKey, "<server> 'release'", "has no <privateKey>", "-Dskiff.signingKey");
    }

    @Test
    void badKeyFilesAreNamedWithWhatToDo() throws Exception {
        Path missing = tmp.resolve("nope.pem");
        assertMessage(assertThrows(SkiffException.class, () -> SigningKey.resolve(missing, null, null)),
                missing.toString(), "does not exist");
        Path text = Files.writeString(tmp.resolve("notes.txt"), "just some text\n");
        assertMessage(assertThrows(SkiffException.class, () -> SigningKey.resolve(text, null, null)),
                text.toString(), "holds no PEM block");
        Path[] k = TestKeys.generate(tmp, "k");
        assertMessage(assertThrows(SkiffException.class, () -> SigningKey.resolve(k[1], null, null)),
                k[1].toString(), "holds no private key", "PUBLIC KEY");
        Path cut = Files.writeString(tmp.resolve("cut.pem"), Files.readString(k[0]).lines().limit(2)
                .reduce("", (a, b) -> a + b + "\n"));
        assertMessage(assertThrows(SkiffException.class, () -> SigningKey.resolve(cut, null, null)),
                cut.toString() + " line 1", "has no '-----END PRIVATE KEY-----' line");
        Path legacy = Files.writeString(tmp.resolve("legacy.pem"), "-----BEGIN EC PRIVATE KEY-----\n"
                + "Proc-Type: 4,ENCRYPTED\nAAAA\n-----END EC PRIVATE KEY-----\n");
        assertMessage(assertThrows(SkiffException.class, () -> SigningKey.resolve(legacy, null, null)),
                legacy + " line 2", "openssl pkcs8 -topk8");
        byte[] ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate().getEncoded();
        Path ecKey = Files.writeString(tmp.resolve("ec.pem"), TestKeys.pem("PRIVATE KEY", ec));
        assertMessage(assertThrows(SkiffException.class, () -> SigningKey.resolve(ecKey, null, null)),
                ecKey.toString(), "is not an Ed25519 private key");
    }

    @Test
    void trustedKeysFileHoldsSeveralPublicKeysAndNothingElse() throws Exception {
        Path[] a = TestKeys.generate(tmp, "a");
        Path[] b = TestKeys.generate(tmp, "b");
        Path both = Files.writeString(tmp.resolve("trusted.pem"), Files.readString(a[1]) + Files.readString(b[1]));
        TrustedKeys keys = TrustedKeys.load(both);
        assertEquals(2, keys.keys().size());
        byte[] sig = SigningKey.resolve(b[0], null, null).sign("d".getBytes());
        assertEquals(keys.keys().get(1), keys.signer("d".getBytes(), sig).orElseThrow());

        Path withPrivate = Files.writeString(tmp.resolve("oops.pem"), Files.readString(a[1]) + Files.readString(b[0]));
        assertMessage(assertThrows(SkiffException.class, () -> TrustedKeys.load(withPrivate)),
                "skiff.trustedKeys", withPrivate + " line ", "'PRIVATE KEY', not a public key", "openssl pkey");
        byte[] ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded();
        Path ecPub = Files.writeString(tmp.resolve("ec.pub.pem"), TestKeys.pem("PUBLIC KEY", ec));
        assertMessage(assertThrows(SkiffException.class, () -> TrustedKeys.load(ecPub)),
                ecPub + " line 1", "is not an Ed25519 public key");
        assertMessage(assertThrows(SkiffException.class, () -> TrustedKeys.load(tmp.resolve("gone.pem"))),
                "skiff.trustedKeys", "gone.pem does not exist");
    }
}
