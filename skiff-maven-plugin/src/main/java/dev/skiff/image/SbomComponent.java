package dev.skiff.image;

import java.util.List;
import java.util.Objects;

/**
 * One Buildroot package in an SBOM.
 *
 * @param bomRef the show-info key, unique per build: {@code busybox}, {@code host-gcc-final}
 * @param name the package name without the {@code host-} prefix
 * @param version empty when Buildroot has none (e.g. {@code host-skeleton})
 * @param packageType {@code target} (on the device) or {@code host} (build tool)
 * @param cpe the CPE 2.3 id Buildroot assigns, or {@code null}
 * @param dependsOn the bom-refs of the packages this one depends on, virtual packages replaced
 *     by their providers, sorted
 */
public record SbomComponent(
        String bomRef,
        String name,
        String version,
        String packageType,
        List<SbomLicense> licenses,
        String purl,
        String cpe,
        List<SbomReference> references,
        List<String> dependsOn) {

    public SbomComponent {
        Objects.requireNonNull(bomRef, "bomRef");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(packageType, "packageType");
        licenses = List.copyOf(licenses);
        Objects.requireNonNull(purl, "purl");
        references = List.copyOf(references);
        dependsOn = List.copyOf(dependsOn);
    }

    public boolean host() {
        return "host".equals(packageType);
    }
}
