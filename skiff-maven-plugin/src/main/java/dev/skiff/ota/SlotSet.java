package dev.skiff.ota;

import dev.skiff.Sha256;
import dev.skiff.SkiffException;
import dev.skiff.image.BundleSignature;
import dev.skiff.image.ImageManifest;
import dev.skiff.image.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * What an A/B push writes into a slot: the boot set, plus the image's {@code skiff-image.json}
 * (the device reads the slot's version from it) and, for a signed bundle, {@code
 * skiff-image.sha256} and {@code skiff-image.sig} (contract S: the device checks the signature,
 * then that every file of the slot has a hash the list names). The manifest is pushed with the
 * exact bytes the signed list hashes: a workspace's own file, or the bundle's entry read as it is.
 */
public final class SlotSet {
    private SlotSet() {}

    /**
     * {@code set} plus the manifest and signature files the image has, written below
     * {@code scratch} where they are not files of the image already.
     *
     * @param bundle the bundle {@code source} was extracted from, or null for a workspace's images
     * @param signature whether to add the signature files too (a slot: the device checks them);
     *     a single boot set gets only the manifest, so {@code skiff:status} can name its version
     */
    public static List<PushFile> of(List<PushFile> set, ImageSource source, Path bundle, Path scratch, boolean signature) {
        List<PushFile> out = new ArrayList<>(set);
        Set<String> have = new HashSet<>();
        for (PushFile f : set) have.add(f.path());
        try {
            if (!have.contains(ImageManifest.ENTRY_NAME)) {
                Path json = source.dir().resolve(ImageManifest.ENTRY_NAME);
                if (Files.isRegularFile(json)) {
                    out.add(file(ImageManifest.ENTRY_NAME, json));
                } else if (bundle != null) {
                    byte[] bytes = manifestEntry(bundle);
                    if (bytes != null) out.add(file(ImageManifest.ENTRY_NAME, write(scratch, ImageManifest.ENTRY_NAME, bytes)));
                }
            }
            BundleSignature sig = source.signature();
            if (signature && sig != null) {
                out.add(file(BundleSignature.LIST_ENTRY, write(scratch, BundleSignature.LIST_ENTRY, sig.sha256List())));
                out.add(file(BundleSignature.SIGNATURE_ENTRY, write(scratch, BundleSignature.SIGNATURE_ENTRY, sig.signature())));
            }
        } catch (IOException e) {
            throw new SkiffException("cannot prepare the slot's manifest and signature files in " + scratch + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static PushFile file(String path, Path local) throws IOException {
        return new PushFile(path, local, Files.size(local), Sha256.of(local), false);
    }

    private static Path write(Path scratch, String name, byte[] bytes) throws IOException {
        Files.createDirectories(scratch);
        Path p = scratch.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** The manifest entry's bytes exactly as the bundle holds them, or null if it has none. */
    static byte[] manifestEntry(Path bundle) throws IOException {
        try (TarFile tar = new TarFile(bundle)) {
            for (TarArchiveEntry e : tar.getEntries()) {
                if (e.getName().equals(ImageManifest.ENTRY_NAME) && e.isFile()) {
                    try (InputStream in = tar.getInputStream(e)) {
                        return in.readAllBytes();
                    }
                }
            }
        }
        return null;
    }
}
