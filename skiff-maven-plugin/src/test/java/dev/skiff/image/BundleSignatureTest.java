package dev.skiff.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.sign.SigningKey;
import dev.skiff.sign.TestKeys;
import dev.skiff.sign.TrustedKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed bundles (Contract S), built by {@link ImageBundle#write} from a real images directory. */
class BundleSignatureTest {
    @TempDir
    Path tmp;

    Path images;
    Path[] release;
    Path[] other;
    TrustedKeys trusted;

    @BeforeEach
    void setUp() throws Exception {
        images = Files.createDirectories(tmp.resolve("images"));
        Files.createDirectories(images.resolve("rpi-firmware/overlays"));
        Files.writeString(images.resolve("Image"), "kernel from bundle\n");
        Files.writeString(images.resolve("rpi-firmware/config.txt"), "arm_64bit=1\n");
        Files.writeString(images.resolve("rpi-firmware/overlays/vc4.dtbo"), "overlay\n");
        byte[] big = new byte[2_000_000];
        new java.util.Random(3).nextBytes(big);
        Files.write(images.resolve("rootfs.cpio.gz"), big);
        Files.createSymbolicLink(images.resolve("kernel"), Path.of("Image"));
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        release = TestKeys.generate(keys, "release");
        other = TestKeys.generate(keys, "other");
        trusted = TrustedKeys.load(release[1]);
    }

    private Path bundle(String name, Path key) {
        return ImageBundle.write(images, ImageBundleTest.meta(), ImageBundleTest.EPOCH, tmp.resolve(name),
                key == null ? null : SigningKey.resolve(key, null, null)).file();
    }

    private static List<String> entryNames(Path bundle) throws Exception {
        List<String> names = new ArrayList<>();
        try (TarFile t = new TarFile(bundle)) {
            for (TarArchiveEntry e : t.getEntries()) names.add(e.getName());
        }
        return names;
    }

    @Test
    void signedBundleCarriesTheListAndSignatureOfContractS() throws Exception {
        Path bundle = bundle("signed.tar", release[0]);
        List<String> names = entryNames(bundle);
        assertEquals(List.of(ImageManifest.ENTRY_NAME, BundleSignature.LIST_ENTRY, BundleSignature.SIGNATURE_ENTRY),
                names.subList(names.size() - 3, names.size()));

        // What a device (or a person) does with GNU tar and sha256sum: every file checks out.
        Path out = Files.createDirectories(tmp.resolve("out"));
        TestKeys.run(out, "tar", "-xf", bundle.toString());
        String list = Files.readString(out.resolve(BundleSignature.LIST_ENTRY));
        assertEquals(List.of("Image", "rootfs.cpio.gz", "rpi-firmware/config.txt", "rpi-firmware/overlays/vc4.dtbo",
                "skiff-image.json"), list.lines().map(l -> l.substring(66)).toList());
        assertTrue(list.endsWith("\n") && !list.contains("\r"));
        String check = TestKeys.run(out, "sha256sum", "--strict", "-c", BundleSignature.LIST_ENTRY);
        assertEquals(5, check.lines().filter(l -> l.endsWith(": OK")).count(), check);
        assertEquals(64, Files.size(out.resolve(BundleSignature.SIGNATURE_ENTRY)));

        SignatureCheck c = BundleSignature.check(bundle, trusted);
        assertEquals(SignatureCheck.Status.TRUSTED, c.status());
        assertTrue(c.describe().contains(trusted.keys().get(0).fingerprint()), c.describe());
        assertEquals(SignatureCheck.Status.SIGNED, BundleSignature.check(bundle, null).status());
        // The manifest checks still pass: the signature entries are the only ones allowed after it.
        assertTrue(ImageBundle.verify(bundle).ok());
        try (ImageSource src = ImageSource.fromBundle(bundle, tmp.resolve("scratch"), trusted, m -> { })) {
            assertArrayEquals(Files.readAllBytes(out.resolve(BundleSignature.SIGNATURE_ENTRY)), src.signature().signature());
            assertFalse(Files.exists(src.dir().resolve(BundleSignature.SIGNATURE_ENTRY)), "kept out of the image files");
            assertEquals("kernel from bundle\n", Files.readString(src.dir().resolve("Image")));
        }
    }

    @Test
    void signingDoesNotChangeAReproducibleBundleExceptForTheTwoEntries() throws Exception {
        Path a = bundle("a.tar", release[0]);
        Path b = bundle("b.tar", release[0]);
        // Ed25519 is deterministic: the same key and images give the same bytes.
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        Path unsigned = bundle("u.tar", null);
        assertEquals(SignatureCheck.Status.UNSIGNED, BundleSignature.check(unsigned, null).status());
        assertFalse(entryNames(unsigned).contains(BundleSignature.SIGNATURE_ENTRY));
    }

    @Test
    void opensslVerifiesTheSignatureTheWayTheDeviceDoes() throws Exception {
        TestKeys.assumeOpensslEd25519(tmp);
        Path bundle = bundle("signed.tar", release[0]);
        Path out = Files.createDirectories(tmp.resolve("out"));
        TestKeys.run(out, "tar", "-xf", bundle.toString(), BundleSignature.LIST_ENTRY, BundleSignature.SIGNATURE_ENTRY);
        String[] verify = {"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", release[1].toString(), "-rawin",
            "-in", BundleSignature.LIST_ENTRY, "-sigfile", BundleSignature.SIGNATURE_ENTRY};
        assertTrue(TestKeys.run(out, verify).contains("Signature Verified Successfully"));
        // And openssl refuses what Skiff refuses: a key that did not sign it.
        verify[5] = other[1].toString();
        Exception e = assertThrows(java.io.IOException.class, () -> TestKeys.run(out, verify));
        assertTrue(e.getMessage().contains("Signature Verification Failure"), e.getMessage());
        // A key made by openssl signs bundles Skiff accepts.
        TestKeys.run(tmp, "openssl", "genpkey", "-algorithm", "ed25519", "-out", "ossl.pem");
        TestKeys.run(tmp, "openssl", "pkey", "-in", "ossl.pem", "-pubout", "-out", "ossl.pub.pem");
        Path b2 = bundle("ossl.tar", tmp.resolve("ossl.pem"));
        assertEquals(SignatureCheck.Status.TRUSTED,
                BundleSignature.check(b2, TrustedKeys.load(tmp.resolve("ossl.pub.pem"))).status());
    }

    /** The refusal's message, checking that nothing was written below scratch. */
    private String refused(Path bundle) throws Exception {
        Path scratch = tmp.resolve("scratch");
        SkiffException e = assertThrows(SkiffException.class,
                () -> ImageSource.fromBundle(bundle, scratch, trusted, m -> { }).close());
        if (Files.exists(scratch)) {
            try (Stream<Path> s = Files.list(scratch)) {
                assertEquals(List.of(), s.toList(), "left in scratch");
            }
        }
        assertTrue(e.getMessage().contains(bundle.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing was"), e.getMessage());
        return e.getMessage();
    }

    private static void flip(Path bundle, String inside, int offset) throws Exception {
        byte[] tar = Files.readAllBytes(bundle);
        int at = new String(tar, StandardCharsets.ISO_8859_1).indexOf(inside);
        assertTrue(at >= 0, inside);
        tar[at + offset] ^= 0x01;
        Files.write(bundle, tar);
    }

    @Test
    void unsignedBundleIsRefusedWithTrustedKeys() throws Exception {
        String m = refused(bundle("unsigned.tar", null));
        assertTrue(m.contains("it is not signed") && m.contains(release[1].toString())
                && m.contains("-Dskiff.signingKey"), m);
    }

    @Test
    void bundleSignedByAnotherKeyIsRefused() throws Exception {
        String m = refused(bundle("other.tar", other[0]));
        assertTrue(m.contains("does not verify with any of the 1 keys in skiff.trustedKeys")
                && m.contains(trusted.keys().get(0).fingerprint()) && m.contains("signed by another key"), m);
    }

    @Test
    void flippedByteInTheSignedListIsRefused() throws Exception {
        Path bundle = bundle("signed.tar", release[0]);
        String list = new String(BundleSignature.Entries.read(bundle).list(), StandardCharsets.UTF_8);
        flip(bundle, list.lines().filter(l -> l.endsWith("  Image")).findFirst().orElseThrow(), 3);
        String m = refused(bundle);
        assertTrue(m.contains("does not verify") && m.contains("skiff-image.sha256 or skiff-image.sig was altered"), m);
    }

    @Test
    void flippedByteInTheManifestIsRefused() throws Exception {
        Path bundle = bundle("signed.tar", release[0]);
        // Still valid JSON, still a consistent manifest: only the signature can tell.
        flip(bundle, "\"workspace\" : \"default\"", 15);
        assertEquals("eefault", ImageManifest.read(bundle).workspace());
        String m = refused(bundle);
        assertTrue(m.contains("does not match the bundle's skiff-image.json")
                && m.contains("skiff-image.json: the signed list says sha256"), m);
    }

    @Test
    void flippedByteInAFileIsRefused() throws Exception {
        Path bundle = bundle("signed.tar", release[0]);
        flip(bundle, "kernel from bundle", 0);
        String m = refused(bundle);
        assertTrue(m.contains("is damaged: Image should have sha256"), m);
        SkiffException v = assertThrows(SkiffException.class, () -> ImageBundle.verify(bundle));
        assertTrue(v.getMessage().contains("Image: changed"), v.getMessage());
    }

    @Test
    void removedSignatureOrAppendedEntryIsRefusedEvenWithoutTrustedKeys() throws Exception {
        Path bundle = bundle("signed.tar", release[0]);
        // Renaming the signature entry leaves a list with no signature.
        flip(bundle, BundleSignature.SIGNATURE_ENTRY + "\0", 11);
        SkiffException e = assertThrows(SkiffException.class, () -> BundleSignature.check(bundle, null));
        assertTrue(e.getMessage().contains("has skiff-image.sha256 but no skiff-image.sig"), e.getMessage());

        Path good = bundle("good.tar", release[0]);
        // An entry appended after the signature, and the two signature entries swapped.
        Path appended = rewrite(good, tmp.resolve("appended.tar"), List.of(BundleSignature.LIST_ENTRY,
                BundleSignature.SIGNATURE_ENTRY, "extra"));
        Path swapped = rewrite(good, tmp.resolve("swapped.tar"), List.of(BundleSignature.SIGNATURE_ENTRY,
                BundleSignature.LIST_ENTRY));
        for (Path p : List.of(appended, swapped)) {
            SkiffException x = assertThrows(SkiffException.class, () -> ImageBundle.verify(p), p.toString());
            assertTrue(x.getMessage().contains("comes after skiff-image.json"), x.getMessage());
            assertThrows(SkiffException.class, () -> ImageSource.fromBundle(p, tmp.resolve("scratch"), trusted, m -> { }));
        }
    }

    /** {@code from} with the entries after the manifest replaced by {@code tail} (same data; "extra" is new). */
    private static Path rewrite(Path from, Path to, List<String> tail) throws Exception {
        java.util.Map<String, byte[]> after = new java.util.HashMap<>();
        after.put("extra", "appended\n".getBytes(StandardCharsets.UTF_8));
        try (TarFile in = new TarFile(from);
                var out = ImageBundle.tarOutput(Files.newOutputStream(to))) {
            boolean manifestSeen = false;
            for (TarArchiveEntry e : in.getEntries()) {
                byte[] data;
                try (var is = in.getInputStream(e)) {
                    data = is.readAllBytes();
                }
                if (manifestSeen) {
                    after.put(e.getName(), data);
                    continue;
                }
                out.putArchiveEntry(e);
                out.write(data);
                out.closeArchiveEntry();
                manifestSeen = e.getName().equals(ImageManifest.ENTRY_NAME);
            }
            for (String name : tail) {
                TarArchiveEntry e = new TarArchiveEntry(name);
                e.setSize(after.get(name).length);
                out.putArchiveEntry(e);
                out.write(after.get(name));
                out.closeArchiveEntry();
            }
            out.finish();
        }
        return to;
    }

    @Test
    void workspaceImagesAreRefusedWithTrustedKeys() {
        SkiffException e = assertThrows(SkiffException.class,
                () -> ImageSource.fromDirectory(images, List.of("pi/common"), null, trusted));
        assertTrue(e.getMessage().contains("accepts only bundles signed by its keys")
                && e.getMessage().contains("-Dskiff.image="), e.getMessage());
        assertNull(ImageSource.fromDirectory(images, List.of("pi/common"), null, null).signature());
    }

    @Test
    void aLineBreakInAFileNameCannotBeSigned() throws Exception {
        Files.writeString(images.resolve("two\nlines"), "x");
        SkiffException e = assertThrows(SkiffException.class, () -> bundle("x.tar", release[0]));
        assertTrue(e.getMessage().contains("'two\\nlines' has a line break in its name"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("x.tar")));
        bundle("unsigned.tar", null); // unsigned bundles keep today's rules
    }

    @Test
    void imagesMayNotUseTheSignatureNames() throws Exception {
        Files.writeString(images.resolve(BundleSignature.SIGNATURE_ENTRY), "x");
        SkiffException e = assertThrows(SkiffException.class, () -> bundle("x.tar", release[0]));
        assertTrue(e.getMessage().contains("reserved for the bundle's signature"), e.getMessage());
    }
}
