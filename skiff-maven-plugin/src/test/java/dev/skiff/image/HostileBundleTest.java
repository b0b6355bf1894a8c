package dev.skiff.image;

import static dev.skiff.image.ImageBundleTest.EPOCH;
import static dev.skiff.image.ImageBundleTest.assertMentions;
import static dev.skiff.image.ImageBundleTest.meta;
import static dev.skiff.image.ImageBundleTest.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bundles made by hand to attack the readers: link chains that lead out of the image, sparse
 * entries that expand to gigabytes, and archives that verification and extraction used to judge
 * differently. The hostile archives are made with GNU tar where it can make them (real links,
 * real {@code --sparse}), with commons-compress where an entry must be malformed on purpose.
 */
class HostileBundleTest {

    /** Seven directories deep, so that the chain below climbs back exactly to the root. */
    static final String DEEP = "a/b/c/d/e/f/g";

    /** Resolves to {@code z} at the bundle's root, which counting segments sees too. */
    static final String CHAIN_LINK = "../../../../../../../z";

    /**
     * Counting segments: 8 names down, 8 {@code ..} up, so inside. The kernel first replaces
     * {@code L} by {@code z} (one level down), so the eight {@code ..} climb seven levels above
     * the bundle's root: on a short enough path, that is {@code /}.
     */
    static final String ESCAPE = DEEP + "/L/../../../../../../../../etc/hostname";

    @TempDir
    Path tmp;

    // ---- link chains ------------------------------------------------------------------------

    /** An images directory holding the chain of the issue, with real links. */
    static Path chainImages(Path dir) throws IOException {
        Files.createDirectories(dir.resolve(DEEP));
        Files.createDirectories(dir.resolve("z"));
        Files.createSymbolicLink(dir.resolve(DEEP + "/L"), Path.of(CHAIN_LINK));
        Files.createSymbolicLink(dir.resolve("u-boot.bin"), Path.of(ESCAPE));
        // And a link to the host's root through the same chain.
        Files.createSymbolicLink(dir.resolve("host"), Path.of(DEEP + "/L/../../../../../../../.."));
        Files.writeString(dir.resolve("Image"), "kernel\n");
        return dir;
    }

    /** The manifest a forger writes for {@link #chainImages}: every entry listed, correctly. */
    static ImageManifest chainManifest() {
        return new ImageManifest(ImageManifest.FORMAT, "forged", "pi/4", List.of("pi/common", "pi/4"),
                List.of("pi/4"), "default", meta().versions(), EPOCH, null,
                List.of(new ImageFile("Image", 7, sha256("kernel\n"), "0644")),
                List.of(new ImageLink(DEEP + "/L", CHAIN_LINK), new ImageLink("u-boot.bin", ESCAPE),
                        new ImageLink("host", DEEP + "/L/../../../../../../../..")));
    }

    /**
     * The chain of the issue as a bundle made by GNU tar from real links, with a manifest that
     * lists every entry correctly.
     */
    static Path chainBundle(Path work) throws Exception {
        Path dir = chainImages(work.resolve("chain-images"));
        Files.write(dir.resolve(ImageManifest.ENTRY_NAME), chainManifest().toJson());
        Path bundle = work.resolve("chain.tar");
        gnuTar(dir, bundle, List.of(), "Image", "a", "host", "u-boot.bin", "z", ImageManifest.ENTRY_NAME);
        return bundle;
    }

    @Test
    void aChainOfLinksLeadingOutOfTheBundleIsRefusedByVerifyAndExtract() throws Exception {
        Path bundle = chainBundle(tmp);
        assumeTrue(Files.isRegularFile(Path.of("/etc/hostname")), "needs /etc/hostname as the host file");
        // The fixture is hostile for real: GNU tar extracts it, and the kernel then reads a host
        // file through u-boot.bin.
        Path gnu = Files.createDirectories(tmp.resolve("gnu"));
        run(List.of("tar", "-xf", bundle.toString(), "-C", gnu.toString()));
        assertEquals(Files.readString(Path.of("/etc/hostname")), Files.readString(gnu.resolve("u-boot.bin")));
        assertEquals(Path.of("/"), gnu.resolve("host").toRealPath());

        SkiffException read = assertThrows(SkiffException.class, () -> ImageManifest.read(bundle));
        assertMentions(read, "link 'u-boot.bin'", "leads outside the images directory",
                DEEP + "/L -> " + CHAIN_LINK, "link 'host'");
        SkiffException verify = assertThrows(SkiffException.class, () -> ImageBundle.check(bundle));
        assertMentions(verify, "link 'u-boot.bin'", "leads outside");
        Path out = tmp.resolve("x/extracted");
        SkiffException extract = assertThrows(SkiffException.class, () -> ImageBundle.extract(bundle, out));
        assertMentions(extract, "link 'u-boot.bin'", "leads outside");
        assertFalse(Files.exists(out));
        assertNoLeftovers(tmp.resolve("x"));
    }

    @Test
    void namesThatDifferOnlyInCaseAreRefusedWhenTheBundleIsWrittenAndWhenItIsRead() throws Exception {
        // FAT folds case: config.txt and CONFIG.TXT would be one file on the boot partition.
        Path images = Files.createDirectories(tmp.resolve("case-images/rpi-firmware"));
        Files.writeString(images.resolve("config.txt"), "arm_64bit=1\n");
        Files.writeString(images.resolve("CONFIG.TXT"), "kernel=evil\n");
        Path root = images.getParent();
        SkiffException write = assertThrows(SkiffException.class, () -> ImageBundle.write(root, meta(), EPOCH, tmp.resolve("case.tar")));
        assertMentions(write, "'rpi-firmware/CONFIG.TXT' and 'rpi-firmware/config.txt' differ only in case", "no bundle was written");
        assertFalse(Files.exists(tmp.resolve("case.tar")));
        // A workspace's images, installed or pushed without a bundle: the same rule.
        SkiffException dir = assertThrows(SkiffException.class, () -> ImageSource.fromDirectory(root, List.of("pi/4")));
        assertMentions(dir, "differ only in case");
        // A bundle made elsewhere (GNU tar, a correct manifest) is refused by every reader.
        ImageManifest m = new ImageManifest(ImageManifest.FORMAT, "forged", "pi/4", List.of("pi/4"), List.of("pi/4"), "default",
                meta().versions(), EPOCH, null, List.of(
                        new ImageFile("rpi-firmware/CONFIG.TXT", 12, sha256("kernel=evil\n"), "0644"),
                        new ImageFile("rpi-firmware/config.txt", 12, sha256("arm_64bit=1\n"), "0644")), List.of());
        Files.write(root.resolve(ImageManifest.ENTRY_NAME), m.toJson());
        Path bundle = tmp.resolve("forged-case.tar");
        gnuTar(root, bundle, List.of(), "rpi-firmware", ImageManifest.ENTRY_NAME);
        assertMentions(assertThrows(SkiffException.class, () -> ImageManifest.read(bundle)), "differ only in case");
        assertMentions(assertThrows(SkiffException.class, () -> ImageBundle.check(bundle)), "differ only in case");
        Path out = tmp.resolve("y/extracted");
        assertMentions(assertThrows(SkiffException.class, () -> ImageBundle.extract(bundle, out)), "differ only in case");
        assertFalse(Files.exists(out));
    }

    @Test
    void packagingRefusesTheChainToo() throws Exception {
        Path images = chainImages(tmp.resolve("images"));
        SkiffException e = assertThrows(SkiffException.class,
                () -> ImageBundle.write(images, meta(), EPOCH, tmp.resolve("out.tar")));
        assertMentions(e, images.resolve("u-boot.bin").toString(), "leads outside the images directory",
                images.resolve("host").toString());
        assertFalse(Files.exists(tmp.resolve("out.tar")));
    }

    @Test
    void linksInsideTheBundleStillWorkThroughChains() throws Exception {
        // The same shape, staying inside: a/b/c/d/e/f/g/L -> ../../../../../../../z, and
        // boot.bin -> a/.../L/u-boot.bin, which is z/u-boot.bin.
        Path images = tmp.resolve("images");
        Files.createDirectories(images.resolve(DEEP));
        Files.createDirectories(images.resolve("z"));
        Files.writeString(images.resolve("z/u-boot.bin"), "u-boot\n");
        Files.createSymbolicLink(images.resolve(DEEP + "/L"), Path.of(CHAIN_LINK));
        Files.createSymbolicLink(images.resolve("boot.bin"), Path.of(DEEP + "/L/u-boot.bin"));
        Files.createSymbolicLink(images.resolve("loop-a"), Path.of("loop-b"));
        Files.createSymbolicLink(images.resolve("loop-b"), Path.of("loop-a"));
        SkiffException loop = assertThrows(SkiffException.class,
                () -> ImageBundle.write(images, meta(), EPOCH, tmp.resolve("loop.tar")));
        assertMentions(loop, "loop-a", "loop");
        Files.delete(images.resolve("loop-a"));
        Files.delete(images.resolve("loop-b"));

        Path bundle = ImageBundle.write(images, meta(), EPOCH, tmp.resolve("b.tar")).file();
        assertTrue(ImageBundle.verify(bundle).ok());
        Path out = tmp.resolve("out");
        ImageBundle.extract(bundle, out);
        assertEquals("u-boot\n", Files.readString(out.resolve("boot.bin")));
    }

    // ---- verify and extract agree ------------------------------------------------------------

    /**
     * Bundles that the old code judged differently in verify and extract (or not at all): each
     * must now be refused by both, and extraction must leave nothing behind.
     */
    @ParameterizedTest
    @ValueSource(strings = {"file-through-link", "dot-dot-directory", "entry-after-manifest",
            "mode-differs", "hard-link"})
    void verifyAndExtractRefuseTheSameBundles(String kind) throws Exception {
        Path bundle = tmp.resolve(kind + ".tar");
        List<ImageFile> files = new ArrayList<>(List.of(new ImageFile("Image", 1, sha256("k"), "0644")));
        List<ImageLink> links = new ArrayList<>();
        try (TarArchiveOutputStream tar = ImageBundle.tarOutput(Files.newOutputStream(bundle))) {
            switch (kind) {
                case "file-through-link" -> {
                    links.add(new ImageLink("dir", "."));
                    files.add(new ImageFile("dir/x", 1, sha256("y"), "0644"));
                    putLink(tar, "dir", ".");
                    putFile(tar, "dir/x", "y", 0644);
                    putFile(tar, "Image", "k", 0644);
                }
                case "dot-dot-directory" -> {
                    TarArchiveEntry d = new TarArchiveEntry("../escape/", TarConstants.LF_DIR, true);
                    tar.putArchiveEntry(d);
                    tar.closeArchiveEntry();
                    putFile(tar, "Image", "k", 0644);
                }
                case "mode-differs" -> putFile(tar, "Image", "k", 04755);
                case "hard-link" -> {
                    putFile(tar, "Image", "k", 0644);
                    TarArchiveEntry h = new TarArchiveEntry("Image2", TarConstants.LF_LINK);
                    h.setLinkName("Image");
                    tar.putArchiveEntry(h);
                    tar.closeArchiveEntry();
                }
                default -> { }
            }
            ImageManifest m = new ImageManifest(ImageManifest.FORMAT, "test", "b", List.of("b"), List.of("b"),
                    "default", meta().versions(), EPOCH, null, files, links);
            putFile(tar, ImageManifest.ENTRY_NAME, new String(m.toJson(), StandardCharsets.UTF_8), 0644);
            if (kind.equals("entry-after-manifest")) {
                putFile(tar, "Image", "k", 0644); // listed, but appended after the manifest
            }
        }

        assertThrows(SkiffException.class, () -> ImageBundle.verify(bundle), kind + ": verify");
        Path out = tmp.resolve("x/out");
        assertThrows(SkiffException.class, () -> ImageBundle.extract(bundle, out), kind + ": extract");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(tmp.resolve("x/escape")), "nothing outside");
        assertNoLeftovers(tmp.resolve("x"));
    }

    // ---- sparse entries --------------------------------------------------------------------

    static final long SPARSE_SIZE = 256L << 20;

    /**
     * A bundle GNU tar makes with {@code --sparse} from a 256 MiB file holding 6 bytes: the
     * archive is a few kilobytes, the manifest lists the expanded file correctly. Every tar
     * format GNU tar writes sparse files in: GNU ('S' entries) and PAX 0.0, 0.1 and 1.0.
     */
    @ParameterizedTest
    @ValueSource(strings = {"--format=gnu", "--format=posix --sparse-version=0.0",
            "--format=posix --sparse-version=0.1", "--format=posix --sparse-version=1.0"})
    void sparseEntriesAreRefusedBeforeAnythingIsWritten(String format) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("holes-images"));
        Path disk = dir.resolve("disk.img");
        Files.writeString(disk, "DISK!\n");
        run(List.of("truncate", "-s", String.valueOf(SPARSE_SIZE), disk.toString()));
        Files.writeString(dir.resolve("Image"), "k");
        ImageManifest m = new ImageManifest(ImageManifest.FORMAT, "forged", "b", List.of("b"), List.of("b"),
                "default", meta().versions(), EPOCH, "disk.img",
                List.of(new ImageFile("Image", 1, sha256("k"), "0644"),
                        new ImageFile("disk.img", SPARSE_SIZE, sparseSha256(disk), "0644")),
                List.of());
        Files.write(dir.resolve(ImageManifest.ENTRY_NAME), m.toJson());
        Path bundle = tmp.resolve("holes.tar");
        List<String> opts = new ArrayList<>(List.of("--sparse", "--mode=0644"));
        opts.addAll(List.of(format.split(" ")));
        gnuTar(dir, bundle, opts, "Image", "disk.img", ImageManifest.ENTRY_NAME);
        assertTrue(Files.size(bundle) < 64 << 10, "a small bundle: " + Files.size(bundle) + " bytes");

        SkiffException verify = assertThrows(SkiffException.class, () -> ImageBundle.check(bundle));
        assertMentions(verify, "'disk.img'", "it is a sparse entry of " + SPARSE_SIZE + " bytes");
        Path out = tmp.resolve("x/out");
        SkiffException extract = assertThrows(SkiffException.class, () -> ImageBundle.extract(bundle, out));
        assertMentions(extract, "'disk.img'", "it is a sparse entry of " + SPARSE_SIZE + " bytes",
                "Nothing was extracted");
        assertFalse(Files.exists(out));
        assertNoLeftovers(tmp.resolve("x"));
    }

    /** A sparse manifest: 1 KiB of JSON followed by a 1 GiB hole; no reader may expand it. */
    @ParameterizedTest
    @ValueSource(strings = {"--format=gnu", "--format=posix"})
    void aSparseManifestIsNeverReadIntoMemory(String format) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        Files.writeString(dir.resolve("Image"), "k");
        ImageManifest m = new ImageManifest(ImageManifest.FORMAT, "forged", "b", List.of("b"), List.of("b"),
                "default", meta().versions(), EPOCH, null,
                List.of(new ImageFile("Image", 1, sha256("k"), "0644")), List.of());
        Path json = dir.resolve(ImageManifest.ENTRY_NAME);
        Files.write(json, m.toJson());
        run(List.of("truncate", "-s", "1G", json.toString()));
        Path bundle = tmp.resolve("holey-manifest.tar");
        gnuTar(dir, bundle, List.of("--sparse", "--mode=0644", format), "Image", ImageManifest.ENTRY_NAME);

        for (var reader : List.<org.junit.jupiter.api.function.Executable>of(
                () -> ImageManifest.read(bundle), () -> ImageBundle.check(bundle),
                () -> ImageBundle.extract(bundle, tmp.resolve("out")))) {
            SkiffException e = assertThrows(SkiffException.class, reader);
            assertMentions(e, ImageManifest.ENTRY_NAME);
            assertMentions(e, "a sparse entry, which could expand to any size");
        }
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void aManifestOverTheCapIsRefusedByEveryReader() throws Exception {
        ImageManifest m = new ImageManifest(ImageManifest.FORMAT, "test", "b", List.of("b"), List.of("b"),
                "default", meta().versions(), EPOCH, null,
                List.of(new ImageFile("Image", 1, sha256("k"), "0644")), List.of());
        // Valid JSON, padded with white space past the cap.
        byte[] json = m.toJson();
        byte[] padded = new byte[ImageManifest.MAX_MANIFEST_BYTES + 1];
        java.util.Arrays.fill(padded, (byte) ' ');
        System.arraycopy(json, 0, padded, 0, json.length);
        Path bundle = tmp.resolve("big-manifest.tar");
        try (TarArchiveOutputStream tar = ImageBundle.tarOutput(Files.newOutputStream(bundle))) {
            putFile(tar, "Image", "k", 0644);
            TarArchiveEntry e = new TarArchiveEntry(ImageManifest.ENTRY_NAME, TarConstants.LF_NORMAL);
            e.setSize(padded.length);
            tar.putArchiveEntry(e);
            tar.write(padded);
            tar.closeArchiveEntry();
        }
        for (var reader : List.<org.junit.jupiter.api.function.Executable>of(
                () -> ImageManifest.read(bundle), () -> ImageBundle.check(bundle),
                () -> ImageBundle.extract(bundle, tmp.resolve("out")))) {
            assertMentions(assertThrows(SkiffException.class, reader), ImageManifest.ENTRY_NAME,
                    "more than the " + ImageManifest.MAX_MANIFEST_BYTES + " bytes a manifest may take");
        }
    }

    @Test
    void anEntryLargerThanTheManifestSaysIsRefusedBeforeItIsWritten() throws Exception {
        Path bundle = tmp.resolve("big.tar");
        byte[] big = new byte[8 << 20];
        try (TarArchiveOutputStream tar = ImageBundle.tarOutput(Files.newOutputStream(bundle))) {
            TarArchiveEntry e = new TarArchiveEntry("disk.img", TarConstants.LF_NORMAL);
            e.setSize(big.length);
            tar.putArchiveEntry(e);
            tar.write(big);
            tar.closeArchiveEntry();
            ImageManifest m = new ImageManifest(ImageManifest.FORMAT, "test", "b", List.of("b"), List.of("b"),
                    "default", meta().versions(), EPOCH, null,
                    List.of(new ImageFile("disk.img", 4, sha256("disk"), "0644")), List.of());
            putFile(tar, ImageManifest.ENTRY_NAME, new String(m.toJson(), StandardCharsets.UTF_8), 0644);
        }
        SkiffException e = assertThrows(SkiffException.class, () -> ImageBundle.extract(bundle, tmp.resolve("out")));
        assertMentions(e, "disk.img holds " + big.length + " bytes, but the manifest lists 4 bytes",
                "Nothing was extracted");
        BundleCheck check = ImageBundle.check(bundle);
        assertEquals(List.of(FileCheck.Status.CHANGED), check.problems().stream().map(FileCheck::status).toList());
        assertMentions(assertThrows(SkiffException.class, check::requireValid), "4 bytes", big.length + " bytes");
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Runs GNU tar over {@code names} in {@code dir}, in that order; skips if there is no tar. */
    static void gnuTar(Path dir, Path out, List<String> options, String... names) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tar"));
        cmd.addAll(options);
        cmd.addAll(List.of("-cf", out.toString(), "-C", dir.toString()));
        cmd.addAll(List.of(names));
        run(cmd);
    }

    static void run(List<String> cmd) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException missing) {
            System.err.println("SKIPPED: " + cmd.get(0) + " is not installed; the hostile bundles are made with it");
            assumeTrue(false, cmd.get(0) + " is not installed");
            return;
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + log);
    }

    private static String sparseSha256;

    /** The same 256 MiB every time: hashed once. */
    private static synchronized String sparseSha256(Path disk) throws Exception {
        if (sparseSha256 == null) {
            sparseSha256 = sha256Of(disk);
        }
        return sparseSha256;
    }

    static String sha256Of(Path f) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void putFile(TarArchiveOutputStream tar, String name, String data, int mode) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        e.setMode(mode);
        e.setSize(bytes.length);
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static void putLink(TarArchiveOutputStream tar, String name, String target) throws IOException {
        TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        link.setLinkName(target);
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
    }

    static void assertNoLeftovers(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).toList(), "left in " + dir);
        }
    }
}
