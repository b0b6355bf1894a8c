package dev.skiff.image;

import java.util.Objects;

/**
 * Where a component's source comes from.
 *
 * @param type the CycloneDX external reference type: {@code distribution} for a source archive
 *     URL, {@code vcs} for a repository Buildroot clones and archives itself
 * @param comment {@code null}, or for {@code vcs} the archive Buildroot makes from it
 */
public record SbomReference(String type, String url, String comment) {
    public SbomReference {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
    }
}
