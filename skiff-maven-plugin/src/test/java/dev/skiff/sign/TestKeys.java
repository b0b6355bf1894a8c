package dev.skiff.sign;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Ed25519 key files for tests: made by the JDK, or by real openssl where a test needs its output. */
public final class TestKeys {
    private TestKeys() {}

    /** A fresh key pair: {@code <name>.pem} (PKCS#8) and {@code <name>.pub.pem} (SPKI). */
    public static Path[] generate(Path dir, String name) throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path key = dir.resolve(name + ".pem");
        Path pub = dir.resolve(name + ".pub.pem");
        Files.writeString(key, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        Files.writeString(pub, pem("PUBLIC KEY", kp.getPublic().getEncoded()));
        return new Path[] {key, pub};
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** Skips, saying why, when openssl is missing or cannot make Ed25519 keys. */
    public static void assumeOpensslEd25519(Path dir) throws Exception {
        String why = null;
        try {
            run(dir, "openssl", "genpkey", "-algorithm", "ed25519", "-out", dir.resolve("probe.pem").toString());
        } catch (IOException e) {
            why = e.getMessage();
        }
        if (why != null) {
            System.err.println("SKIPPED: openssl with Ed25519 support is needed: " + why);
        }
        assumeTrue(why == null, "openssl with Ed25519 support is needed: " + why);
    }

    /** Runs a command in {@code dir}; its output, or an IOException with it. */
    public static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException(cmd[0] + " cannot be run: " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", new ArrayList<>(List.of(cmd))) + " failed: " + out);
        }
        return out;
    }
}
