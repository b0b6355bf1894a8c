package dev.skiff.image;

import dev.skiff.sign.TrustedKey;
import java.nio.file.Path;

/**
 * What a bundle's signature says ({@link BundleSignature#check}).
 *
 * @param signer the trusted key the signature verified with; null unless {@link Status#TRUSTED}
 */
public record SignatureCheck(Path bundle, Status status, TrustedKey signer) {

    public enum Status {
        /** No {@code skiff-image.sig}: the bundle was packaged without a signing key. */
        UNSIGNED,
        /** Signed, and the signed list matches the manifest; no trusted keys to check it with. */
        SIGNED,
        /** Signed by one of the trusted keys, and the signed list matches the manifest. */
        TRUSTED
    }

    /** One line for the build log. */
    public String describe() {
        return switch (status) {
            case UNSIGNED -> "Image bundle " + bundle + " is not signed.";
            case SIGNED -> "Image bundle " + bundle + " is signed (" + BundleSignature.SIGNATURE_ENTRY
                    + "); set skiff.trustedKeys to check by whom.";
            case TRUSTED -> "Image bundle " + bundle + " is signed by trusted key "
                    + signer.fingerprint() + " (" + signer.origin() + ").";
        };
    }
}
