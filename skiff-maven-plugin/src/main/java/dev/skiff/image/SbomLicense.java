package dev.skiff.image;

/**
 * One licence of a component: exactly one of {@code id} (an SPDX identifier) and {@code name}
 * (free text such as {@code GPL-2.0+ (programs)}) is set, as CycloneDX requires.
 */
public record SbomLicense(String id, String name) {

    public SbomLicense {
        if ((id == null) == (name == null)) {
            throw new IllegalArgumentException("exactly one of id and name: " + id + ", " + name);
        }
    }

    /** {@code text} as an SPDX id in SPDX spelling if it is one, else as a name. */
    public static SbomLicense of(String text) {
        String id = SpdxLicenseIds.canonical(text);
        return id != null ? new SbomLicense(id, null) : new SbomLicense(null, text);
    }
}
