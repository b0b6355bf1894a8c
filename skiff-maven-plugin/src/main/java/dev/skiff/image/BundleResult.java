package dev.skiff.image;

import java.nio.file.Path;

/**
 * A bundle {@link ImageBundle#write} produced.
 *
 * @param file the bundle, complete (it only appears once fully written)
 * @param manifest what the bundle's {@value ImageManifest#ENTRY_NAME} entry holds
 * @param bytes the size of {@code file}
 * @param signature the signature entries written into it; null for an unsigned bundle
 */
public record BundleResult(Path file, ImageManifest manifest, long bytes,
        BundleSignature signature) {}
