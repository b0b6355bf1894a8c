package dev.skiff.image;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The image an SBOM describes: its {@code metadata.component}.
 *
 * @param name e.g. the Maven artifactId
 * @param version e.g. the Maven project version
 * @param toolVersion the Skiff version, recorded as the SBOM's tool
 * @param properties extra facts (board, chain, ...) as CycloneDX properties, written sorted by
 *     name
 */
public record SbomSubject(String name, String version, String toolVersion,
        Map<String, String> properties) {

    public SbomSubject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(toolVersion, "toolVersion");
        properties = Map.copyOf(new TreeMap<>(properties));
    }

    /** The subject for a bundled image: its versions, board and chain come from the manifest. */
    public static SbomSubject of(String name, ImageManifest manifest) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("skiff:board", manifest.board());
        props.put("skiff:chain", String.join(",", manifest.chain()));
        props.put("skiff:requested-chain", String.join(",", manifest.requestedChain()));
        props.put("skiff:workspace", manifest.workspace());
        props.put("skiff:buildroot-version", manifest.versions().buildroot());
        props.put("skiff:git", manifest.versions().git());
        if (manifest.diskImage() != null) {
            props.put("skiff:disk-image", manifest.diskImage());
        }
        return new SbomSubject(name, manifest.versions().project(), manifest.versions().skiff(),
                props);
    }
}
