package dev.skiff.image;

import dev.skiff.sign.SigningKey;
import java.nio.file.Path;

/**
 * For the bundle benchmark: the time {@link ImageBundle#write} spends on the signature itself
 * (the list from the manifest, the manifest's SHA-256, the Ed25519 signature), which a
 * throughput ratio on a shared machine cannot resolve.
 */
public final class SigningCost {
    private SigningCost() {}

    /** Milliseconds to sign {@code bundle}'s manifest as {@code write} does. */
    public static double signMillis(Path bundle, SigningKey key) {
        BundleSignature.Entries e = BundleSignature.Entries.read(bundle);
        ImageManifest m = ImageManifest.parse(e.manifest(), bundle.toString());
        long t0 = System.nanoTime();
        BundleSignature s = BundleSignature.sign(m, e.manifest(), key);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (s.signature().length != BundleSignature.SIGNATURE_BYTES) {
            throw new IllegalStateException("no signature");
        }
        return ms;
    }
}
