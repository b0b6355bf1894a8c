package dev.skiff.image;

import dev.skiff.Sha256;
import dev.skiff.SkiffException;
import dev.skiff.sign.SigningKey;
import dev.skiff.sign.TrustedKey;
import dev.skiff.sign.TrustedKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The signature of a bundle: two entries after the manifest. {@value #LIST_ENTRY} lists the
 * SHA-256 of every file of the bundle, {@value ImageManifest#ENTRY_NAME} included, in
 * {@code sha256sum} format ({@code <hex>  <path>}, sorted by path, LF endings), and
 * {@value #SIGNATURE_ENTRY} is the raw 64-byte Ed25519 signature of that list's bytes.
 *
 * <p>Why a list rather than a signature of the whole tar: the list is what a device can check
 * file by file after a push has renamed and spread the files (with {@code openssl pkeyutl
 * -verify -rawin} and {@code sha256sum}), and signing or checking it costs microseconds, since
 * the files' hashes are computed anyway while packing and verifying. The list is derived from
 * the manifest, so a signed list that matches the manifest's own hash signs the manifest, and the
 * manifest's hashes sign every file and link.
 *
 * @param sha256List the bytes of {@value #LIST_ENTRY}
 * @param signature the bytes of {@value #SIGNATURE_ENTRY}
 */
public record BundleSignature(byte[] sha256List, byte[] signature) {

    public static final String LIST_ENTRY = "skiff-image.sha256";
    public static final String SIGNATURE_ENTRY = "skiff-image.sig";

    static final int SIGNATURE_BYTES = 64;

    /** About 100 bytes a line: room for 100 000 files, and no more is read into memory. */
    static final int MAX_LIST_BYTES = 16 << 20;

    public BundleSignature {
        sha256List = sha256List.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] sha256List() {
        return sha256List.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Signs the bundle whose manifest is {@code manifest}, serialized as {@code json}. */
    static BundleSignature sign(ImageManifest manifest, byte[] json, SigningKey key) {
        byte[] list = list(manifest, json);
        return new BundleSignature(list, key.sign(list));
    }

    /** The {@value #LIST_ENTRY} text of a bundle. */
    static byte[] list(ImageManifest manifest, byte[] json) {
        Map<String, String> sha = new java.util.TreeMap<>(EntryName.BYTE_ORDER);
        for (ImageFile f : manifest.files()) {
            if (f.path().indexOf('\n') >= 0 || f.path().indexOf('\r') >= 0) {
                // sha256sum would escape it, and a device's line-by-line check would misread it.
                throw new SkiffException("The image file '" + f.path().replace("\n", "\\n")
                        .replace("\r", "\\r") + "' has a line break in its name, which the"
                        + " signed list " + LIST_ENTRY + " cannot hold one per line. Rename it in"
                        + " the images directory (a post-image hook can do that).");
            }
            sha.put(f.path(), f.sha256());
        }
        sha.put(ImageManifest.ENTRY_NAME, ImageBundle.hex(Sha256.digest().digest(json)));
        StringBuilder b = new StringBuilder();
        sha.forEach((path, hex) -> b.append(hex).append("  ").append(path).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks a bundle's signature without reading image data (only tar headers, the manifest and
     * the two signature entries, by seeking). Whether every file matches the manifest is
     * {@link ImageBundle#check}'s and {@link ImageBundle#extract}'s part.
     *
     * @param trusted the keys the bundle must be signed with; null accepts an unsigned bundle
     *     and any signer
     * @throws SkiffException if {@code trusted} is given and the bundle is unsigned or signed by
     *     none of them, or (always) if the signature entries are incomplete, malformed, or the
     *     signed list does not match the manifest
     */
    public static SignatureCheck check(Path bundle, TrustedKeys trusted) {
        Entries e = Entries.read(bundle);
        if (e.list() == null && e.signature() == null) {
            if (trusted == null) {
                return new SignatureCheck(bundle, SignatureCheck.Status.UNSIGNED, null);
            }
            throw refuse(bundle, "it is not signed (it has no " + SIGNATURE_ENTRY + "), and"
                    + " skiff.trustedKeys (" + trusted.file() + ") requires a signature by one of"
                    + " its keys. Package it with -Dskiff.signingKey (or"
                    + " -Dskiff.signingServerId), or drop skiff.trustedKeys to accept unsigned"
                    + " bundles");
        }
        if (e.list() == null || e.signature() == null) {
            throw refuse(bundle, "it has " + (e.list() == null ? SIGNATURE_ENTRY + " but no "
                    + LIST_ENTRY : LIST_ENTRY + " but no " + SIGNATURE_ENTRY) + ", so its"
                    + " signature was cut off or tampered with");
        }
        if (e.signature().length != SIGNATURE_BYTES) {
            throw refuse(bundle, SIGNATURE_ENTRY + " has " + e.signature().length + " bytes, not"
                    + " the " + SIGNATURE_BYTES + " of an Ed25519 signature, so it was altered");
        }
        TrustedKey signer = null;
        if (trusted != null) {
            signer = trusted.signer(e.list(), e.signature()).orElseThrow(() -> refuse(bundle,
                    "its signature does not verify with any of the " + trusted.keys().size()
                    + " keys in skiff.trustedKeys (" + trusted.file() + ": " + trusted.keys()
                    .stream().map(TrustedKey::fingerprint).collect(Collectors.joining(", "))
                    + "). Either it was signed by another key (add that key's public key to the"
                    + " file if you trust it), or " + LIST_ENTRY + " or " + SIGNATURE_ENTRY
                    + " was altered after signing"));
        }
        ImageManifest manifest = ImageManifest.parse(e.manifest(), bundle + "!/"
                + ImageManifest.ENTRY_NAME);
        byte[] want = list(manifest, e.manifest());
        if (!Arrays.equals(want, e.list())) {
            throw refuse(bundle, "the signed " + LIST_ENTRY + " does not match the bundle's "
                    + ImageManifest.ENTRY_NAME + ":\n  " + String.join("\n  ",
                    differences(parse(want), parse(e.list()))) + "\nThe manifest (and with it"
                    + " the files it lists) was altered after signing");
        }
        return new SignatureCheck(bundle, signer == null ? SignatureCheck.Status.SIGNED
                : SignatureCheck.Status.TRUSTED, signer);
    }

    private static Map<String, String> parse(byte[] list) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : new String(list, StandardCharsets.UTF_8).split("\n")) {
            int sep = line.indexOf("  ");
            if (sep > 0) {
                m.put(line.substring(sep + 2), line.substring(0, sep));
            } else if (!line.isEmpty()) {
                m.put(line, "(not a '<sha256>  <path>' line)");
            }
        }
        return m;
    }

    private static List<String> differences(Map<String, String> manifest,
            Map<String, String> signed) {
        List<String> out = new ArrayList<>();
        manifest.forEach((path, sha) -> {
            String s = signed.get(path);
            if (s == null) {
                out.add(path + ": not in the signed list; the manifest says sha256 " + sha);
            } else if (!s.equals(sha)) {
                out.add(path + ": the signed list says sha256 " + s + ", the manifest "
                        + (path.equals(ImageManifest.ENTRY_NAME) ? "itself has " : "says ") + sha);
            }
        });
        signed.keySet().stream().filter(p -> !manifest.containsKey(p))
                .forEach(p -> out.add(p + ": in the signed list, not in the manifest"));
        if (out.isEmpty()) {
            out.add("same hashes, but not in the exact form Skiff writes (order, spacing or"
                    + " line endings)");
        }
        return out.size() > 10 ? List.copyOf(out.subList(0, 10)) : out;
    }

    private static SkiffException refuse(Path bundle, String why) {
        return new SkiffException("Refusing image bundle " + bundle + ": " + why + ". Nothing"
                + " was written.");
    }

    /** The raw manifest, list and signature entries of a bundle, found by seeking. */
    record Entries(byte[] manifest, byte[] list, byte[] signature) {

        static Entries read(Path bundle) {
            try (SeekableByteChannel channel = Files.newByteChannel(bundle)) {
                // Not closed: closing a TarFile closes the channel, closed above.
                TarFile tar = new TarFile(channel, ImageBundle.BLOCK_SIZE, 512, "UTF-8", false);
                Map<String, TarArchiveEntry> found = new LinkedHashMap<>();
                for (TarArchiveEntry e : tar.getEntries()) {
                    String name = e.getName();
                    if (name.equals(ImageManifest.ENTRY_NAME) || name.equals(LIST_ENTRY)
                            || name.equals(SIGNATURE_ENTRY)) {
                        if (found.put(name, e) != null) {
                            throw new SkiffException("Refusing image bundle " + bundle + ": it"
                                    + " has more than one " + name + " entry, so it was altered"
                                    + " after Skiff wrote it. Nothing was written.");
                        }
                        if (e.isSparse() || !ImageBundle.isRegular(e)) {
                            throw new SkiffException("Refusing image bundle " + bundle + ": its "
                                    + name + " entry is not a plain file. Skiff never writes"
                                    + " one; do not use this bundle. Nothing was written.");
                        }
                    }
                }
                TarArchiveEntry m = found.get(ImageManifest.ENTRY_NAME);
                if (m == null) {
                    throw new SkiffException("Image bundle " + bundle + " has no "
                            + ImageManifest.ENTRY_NAME + " entry, so it is not a Skiff image"
                            + " bundle (or it is truncated). Build it with `mvn package`, or"
                            + " fetch it again.");
                }
                byte[] json;
                try (InputStream in = tar.getInputStream(m)) {
                    json = ImageManifest.readCapped(in, m.getSize(), bundle.toString());
                }
                return new Entries(json, data(tar, found.get(LIST_ENTRY), MAX_LIST_BYTES, bundle),
                        data(tar, found.get(SIGNATURE_ENTRY), SIGNATURE_BYTES, bundle));
            } catch (NoSuchFileException e) {
                throw new SkiffException("Image bundle " + bundle + " does not exist.", e);
            } catch (IOException e) {
                throw new SkiffException("Image bundle " + bundle + " is not a readable tar"
                        + " archive: " + e.getMessage() + ". It is damaged or truncated; fetch"
                        + " or build it again.", e);
            }
        }

        /** At most {@code cap} + 1 bytes are read, whatever the header claims. */
        static byte[] data(TarFile tar, TarArchiveEntry e, int cap, Path bundle)
                throws IOException {
            if (e == null) {
                return null;
            }
            byte[] b;
            try (InputStream in = tar.getInputStream(e)) {
                b = in.readNBytes(cap + 1);
            }
            if (b.length > cap) {
                throw new SkiffException("Refusing image bundle " + bundle + ": its "
                        + e.getName() + " entry is larger than " + cap + " bytes, which Skiff"
                        + " never writes. Nothing was written.");
            }
            return b;
        }
    }
}
