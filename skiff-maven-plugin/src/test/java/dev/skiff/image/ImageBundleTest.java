package dev.skiff.image;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.skiff.SkiffException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBundleTest {

    static final long EPOCH = 1_763_683_200L; // 2025-11-21T00:00:00Z

    // Over 100 bytes, so it needs a PAX path record.
    static final String LONG_NAME = "overlays/" + "very-long-directory-name-".repeat(3)
            + "/" + "and-an-even-longer-file-name-that-goes-on-".repeat(2) + ".dtbo";

    @TempDir
    Path tmp;

    Path images;

    @BeforeEach
    void images() throws IOException {
        images = tmp.resolve("images");
        Files.createDirectories(images);
        Random random = new Random(42);
        byte[] disk = new byte[3 * 1024 * 1024 + 17]; // several read buffers, odd tail
        random.nextBytes(disk);
        Files.write(images.resolve("disk.img"), disk);
        Files.writeString(images.resolve("bzImage"), "kernel\n");
        Files.writeString(images.resolve("start.sh"), "#!/bin/sh\nexec qemu\n");
        Files.setPosixFilePermissions(images.resolve("start.sh"),
                PosixFilePermissions.fromString("rwxr-x---"));
        Files.write(images.resolve("empty"), new byte[0]);
        Files.createDirectories(images.resolve("rootfs"));
        Files.writeString(images.resolve("rootfs/rootfs.squashfs"), "squash");
        Files.createSymbolicLink(images.resolve("rootfs.sqsh"), Path.of("rootfs/rootfs.squashfs"));
        Files.createDirectories(images.resolve(LONG_NAME).getParent());
        Files.writeString(images.resolve(LONG_NAME), "overlay");
        Files.writeString(images.resolve("übersicht.txt"), "non-ASCII name");
        // Sorts between "rootfs" and "rootfs/rootfs.squashfs" by bytes ('-' < '/'), not by walk.
        Files.writeString(images.resolve("rootfs-extra"), "x");
    }

    static ImageMetadata meta() {
        return new ImageMetadata(List.of("virt/qemu", "apps/docker", "skiff/core"),
                List.of("virt/qemu", "skiff/core"), "default", null,
                new ImageVersions("1.0.0", "0.1.0", "2026.02.3", "v1.0.0-3-gabcdef0"), null,
                "skiff-maven-plugin 0.1.0");
    }

    BundleResult bundle(String name) {
        return ImageBundle.write(images, meta(), EPOCH, tmp.resolve("out").resolve(name));
    }

    @Test
    void packagingTwiceIsByteIdenticalEvenAfterTouchingFiles() throws IOException {
        BundleResult first = bundle("first.tar");

        try (Stream<Path> s = Files.walk(images)) {
            for (Path p : s.toList()) {
                Files.getFileAttributeView(p, BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).setTimes(FileTime.fromMillis(
                        System.currentTimeMillis() + 86_400_000L), null, null);
            }
        }
        // Same content in another place: absolute paths must not leak into the bundle either.
        Path copy = tmp.resolve("elsewhere/images");
        copyTree(images, copy);
        BundleResult second = bundle("second.tar");
        BundleResult third = ImageBundle.write(copy, meta(), EPOCH, tmp.resolve("third.tar"));

        assertEquals(-1, Files.mismatch(first.file(), second.file()), "touched mtimes");
        assertEquals(-1, Files.mismatch(first.file(), third.file()), "other directory");
        assertEquals(Files.size(first.file()), first.bytes());
        assertEquals(0, first.bytes() % ImageBundle.BLOCK_SIZE, "ends on a GNU tar block");
    }

    @Test
    void entriesAreSortedWithFixedTimesOwnersAndModes() throws IOException {
        Path bundle = bundle("b.tar").file();
        List<TarArchiveEntry> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(bundle),
                "UTF-8")) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.add(e);
            }
        }
        List<String> names = entries.stream().map(e -> strip(e.getName())).toList();
        List<String> data = names.subList(0, names.size() - 1);
        List<String> sorted = new ArrayList<>(data);
        sorted.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8)));
        assertEquals(sorted, data);
        assertEquals(ImageManifest.ENTRY_NAME, names.get(names.size() - 1), "manifest is last");
        assertTrue(names.indexOf("rootfs-extra") < names.indexOf("rootfs/rootfs.squashfs"));
        assertTrue(names.contains(LONG_NAME) && names.contains("übersicht.txt"), names::toString);

        Map<String, Integer> modes = new TreeMap<>();
        for (TarArchiveEntry e : entries) {
            String n = e.getName();
            assertAll(n,
                    () -> assertEquals(EPOCH, e.getLastModifiedTime().toMillis() / 1000),
                    () -> assertEquals(0, e.getLongUserId()),
                    () -> assertEquals(0, e.getLongGroupId()),
                    () -> assertEquals("root", e.getUserName()),
                    () -> assertEquals("root", e.getGroupName()));
            modes.put(strip(n), e.getMode() & 07777);
        }
        assertEquals(0755, modes.get("start.sh"));
        assertEquals(0644, modes.get("bzImage"));
        assertEquals(0644, modes.get("disk.img"));
        assertEquals(0755, modes.get("rootfs"));
        assertEquals(0755, modes.get("overlays"));
        TarArchiveEntry dir = entries.get(names.indexOf("rootfs"));
        assertTrue(dir.isDirectory() && dir.getName().endsWith("/"));
        TarArchiveEntry link = entries.get(names.indexOf("rootfs.sqsh"));
        assertTrue(link.isSymbolicLink());
        assertEquals("rootfs/rootfs.squashfs", link.getLinkName());
    }

    @Test
    void manifestListsEveryFileWithIndependentlyComputedHashes() throws Exception {
        BundleResult result = bundle("b.tar");
        ImageManifest m = result.manifest();

        assertEquals(ImageManifest.FORMAT, m.format());
        assertEquals(List.of("virt/qemu", "apps/docker", "skiff/core"), m.chain());
        assertEquals(List.of("virt/qemu", "skiff/core"), m.requestedChain());
        assertEquals("virt/qemu", m.board(), "board defaults to the chain's first layer");
        assertEquals("default", m.workspace());
        assertEquals("2026.02.3", m.versions().buildroot());
        assertEquals(EPOCH, m.sourceDateEpoch());
        assertEquals("disk.img", m.diskImage());
        assertEquals("skiff-maven-plugin 0.1.0", m.createdBy());
        assertEquals(List.of(new ImageLink("rootfs.sqsh", "rootfs/rootfs.squashfs")), m.links());

        List<String> expectedPaths;
        try (Stream<Path> s = Files.walk(images)) {
            expectedPaths = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> images.relativize(p).toString())
                    .sorted((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                            b.getBytes(StandardCharsets.UTF_8)))
                    .toList();
        }
        assertEquals(expectedPaths, m.files().stream().map(ImageFile::path).toList());
        for (ImageFile f : m.files()) {
            byte[] content = Files.readAllBytes(images.resolve(f.path()));
            assertEquals(content.length, f.size(), f.path());
            assertEquals(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(content)), f.sha256(), f.path());
        }
        assertEquals("0755", m.file("start.sh").orElseThrow().mode());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                m.file("empty").orElseThrow().sha256());

        // What is in the bundle is exactly what write() returned, and reads back equal.
        ImageManifest read = ImageManifest.read(result.file());
        assertEquals(m, read);
        String json = new String(m.toJson(), StandardCharsets.UTF_8);
        List<String> order = List.of("\"format\"", "\"createdBy\"", "\"board\"", "\"chain\"",
                "\"requestedChain\"", "\"workspace\"", "\"versions\"", "\"sourceDateEpoch\"",
                "\"diskImage\"", "\"files\"", "\"links\"");
        for (int i = 1; i < order.size(); i++) {
            assertTrue(json.indexOf(order.get(i - 1)) < json.indexOf(order.get(i)), json);
        }
        assertFalse(json.contains("\r"));
        assertTrue(json.endsWith("}\n"));
    }

    @Test
    void manifestIsReadWithoutReadingImageData() throws IOException {
        byte[] big = new byte[64 << 20];
        Arrays.fill(big, (byte) 7);
        Files.write(images.resolve("big.img"), big);
        Path bundle = bundle("b.tar").file();

        long[] read = {0};
        try (SeekableByteChannel ch = counting(Files.newByteChannel(bundle), read)) {
            ImageManifest m = ImageManifest.read(ch, bundle.toString());
            assertEquals(big.length, m.file("big.img").orElseThrow().size());
        }
        assertTrue(read[0] < 256 * 1024, "read " + read[0] + " of " + Files.size(bundle)
                + " bytes to find the manifest");
    }

    @Test
    void verifyPassesOnAnIntactBundle() {
        BundleResult result = bundle("b.tar");
        BundleCheck check = ImageBundle.verify(result.file());
        assertTrue(check.ok());
        assertEquals(result.manifest().files().size() + result.manifest().links().size(),
                check.files().size());
    }

    @Test
    void verifyNamesAFileWithAFlippedByte() throws IOException {
        BundleResult result = bundle("b.tar");
        Path bundle = result.file();
        flipByteOf(bundle, "rootfs/rootfs.squashfs", 2);

        BundleCheck check = ImageBundle.check(bundle);
        assertEquals(List.of("rootfs/rootfs.squashfs"),
                check.problems().stream().map(FileCheck::path).toList());
        assertEquals(FileCheck.Status.CHANGED, check.problems().get(0).status());

        SkiffException e = assertThrows(SkiffException.class, () -> ImageBundle.verify(bundle));
        String expectedSha = result.manifest().file("rootfs/rootfs.squashfs").orElseThrow()
                .sha256();
        assertMentions(e, bundle.toString(), "rootfs/rootfs.squashfs", expectedSha,
                check.problems().get(0).actual(), "Do not flash it");
        assertFalse(e.getMessage().contains("disk.img"), e.getMessage());
    }

    @Test
    void verifyReportsMissingAndUnlistedFiles() throws IOException {
        Path bundle = bundle("b.tar").file();
        Path altered = tmp.resolve("altered.tar");
        rewrite(bundle, altered, "bzImage", "smuggled.bin");

        SkiffException e = assertThrows(SkiffException.class, () -> ImageBundle.verify(altered));
        assertMentions(e, "bzImage: missing", "smuggled.bin: not in the manifest");
        Map<String, FileCheck.Status> byPath = new TreeMap<>();
        ImageBundle.check(altered).problems().forEach(c -> byPath.put(c.path(), c.status()));
        assertEquals(Map.of("bzImage", FileCheck.Status.MISSING,
                "smuggled.bin", FileCheck.Status.EXTRA), byPath);
    }

    @Test
    void extractRestoresFilesModesAndLinks() throws IOException {
        BundleResult result = bundle("b.tar");
        Path out = tmp.resolve("extracted");

        ImageManifest m = ImageBundle.extract(result.file(), out);

        assertEquals(result.manifest(), m);
        for (ImageFile f : m.files()) {
            assertEquals(-1, Files.mismatch(images.resolve(f.path()), out.resolve(f.path())),
                    f.path());
        }
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(out.resolve("start.sh"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(out.resolve("bzImage"))));
        assertEquals(Path.of("rootfs/rootfs.squashfs"),
                Files.readSymbolicLink(out.resolve("rootfs.sqsh")));
        assertEquals(EPOCH * 1000, Files.getLastModifiedTime(out.resolve("disk.img")).toMillis());
        assertEquals(m, ImageManifest.parse(
                Files.readAllBytes(out.resolve(ImageManifest.ENTRY_NAME)), "extracted"));
        assertEquals(List.of("extracted", "images", "out"), list(tmp), "no staging left");
    }

    @Test
    void extractOfACorruptBundleLeavesNothingBehind() throws IOException {
        Path bundle = bundle("b.tar").file();
        flipByteOf(bundle, "disk.img", 1_000_000);
        Path out = tmp.resolve("extracted");

        SkiffException e = assertThrows(SkiffException.class,
                () -> ImageBundle.extract(bundle, out));

        assertMentions(e, "disk.img", "is damaged", "Nothing was extracted");
        assertFalse(Files.exists(out));
        assertEquals(List.of("images", "out"), list(tmp));
    }

    @Test
    void extractRefusesPathTraversal() throws IOException {
        Path bundle = bundle("b.tar").file();
        Path evil = tmp.resolve("evil.tar");
        Path victim = tmp.resolve("victim");
        try (TarArchiveOutputStream tar = ImageBundle.tarOutput(Files.newOutputStream(evil))) {
            TarArchiveEntry e = new TarArchiveEntry("../victim", TarConstants.LF_NORMAL, true);
            e.setSize(4);
            tar.putArchiveEntry(e);
            tar.write("evil".getBytes(StandardCharsets.US_ASCII));
            tar.closeArchiveEntry();
            copyEntries(bundle, tar, null);
        }
        Path out = tmp.resolve("x/extracted");

        SkiffException e = assertThrows(SkiffException.class,
                () -> ImageBundle.extract(evil, out));

        assertMentions(e, "Refusing", "'../victim'", "outside");
        assertFalse(Files.exists(victim));
        assertFalse(Files.exists(out));
    }

    @Test
    void extractRefusesWritingThroughALink() throws IOException {
        // A link that stays inside, then a file "through" it: harmless-looking names that would
        // land outside if the link were followed.
        Path evil = tmp.resolve("evil.tar");
        ImageManifest m = new ImageManifest(ImageManifest.FORMAT, "test", "b", List.of("b"),
                List.of("b"), "default", meta().versions(), EPOCH, null,
                List.of(new ImageFile("dir/x", 1, sha256("y"), "0644")),
                List.of(new ImageLink("dir", ".")));
        try (TarArchiveOutputStream tar = ImageBundle.tarOutput(Files.newOutputStream(evil))) {
            TarArchiveEntry link = new TarArchiveEntry("dir", TarConstants.LF_SYMLINK);
            link.setLinkName(".");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            putFile(tar, "dir/x", "y".getBytes(StandardCharsets.US_ASCII));
            putFile(tar, ImageManifest.ENTRY_NAME, m.toJson());
        }

        SkiffException e = assertThrows(SkiffException.class,
                () -> ImageBundle.extract(evil, tmp.resolve("extracted")));
        assertMentions(e, "'dir/x'", "symbolic link");
        assertFalse(Files.exists(tmp.resolve("extracted")));
    }

    @Test
    void manifestWithUnsafePathsIsRejected() {
        ImageManifest m = new ImageManifest(ImageManifest.FORMAT, "test", "b", List.of("b"),
                List.of("b"), "default", meta().versions(), EPOCH, null,
                List.of(new ImageFile("/etc/shadow", 1, sha256("y"), "0644")),
                List.of(new ImageLink("up", "../../etc")));
        SkiffException e = assertThrows(SkiffException.class,
                () -> ImageManifest.parse(m.toJson(), "test.tar!/skiff-image.json"));
        assertMentions(e, "test.tar!/skiff-image.json", "'/etc/shadow'", "absolute",
                "'up'", "outside");
    }

    @Test
    void manifestOfAnotherFormatIsRejected() {
        byte[] json = "{\"format\":\"skiff-image/9\"}".getBytes(StandardCharsets.UTF_8);
        SkiffException e = assertThrows(SkiffException.class,
                () -> ImageManifest.parse(json, "x.tar"));
        assertMentions(e, "x.tar", "skiff-image/9", "skiff-image/1");
    }

    @Test
    void readingATarWithoutManifestSaysSo() throws IOException {
        Path plain = tmp.resolve("plain.tar");
        try (TarArchiveOutputStream tar = ImageBundle.tarOutput(Files.newOutputStream(plain))) {
            putFile(tar, "a", new byte[] {1});
        }
        assertMentions(assertThrows(SkiffException.class, () -> ImageManifest.read(plain)),
                plain.toString(), "no skiff-image.json");
        assertMentions(assertThrows(SkiffException.class, () -> ImageBundle.verify(plain)),
                plain.toString(), "no skiff-image.json");
    }

    @Test
    void filesOver8GiBGetAPaxSizeRecord() throws IOException {
        // Writing 8 GiB in a unit test is too slow; what matters is that the tar writer every
        // bundle uses emits a PAX size record instead of failing or truncating the octal field.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TarArchiveOutputStream tar = ImageBundle.tarOutput(bytes);
        TarArchiveEntry e = new TarArchiveEntry("huge.img", TarConstants.LF_NORMAL);
        long size = 9L << 30;
        e.setSize(size);
        tar.putArchiveEntry(e);
        // Enough data to push the header through the writer's 1 MiB buffer.
        tar.write(new byte[2 * ImageBundle.BUFFER_SIZE]);
        String header = bytes.toString(StandardCharsets.ISO_8859_1).substring(0, 2048);
        assertTrue(header.contains("size=" + size + "\n"), header);
    }

    @Test
    void gnuTarReadsTheBundle() throws Exception {
        Path bundle = bundle("b.tar").file();
        Path out = Files.createDirectories(tmp.resolve("gnu"));
        Process p;
        try {
            p = new ProcessBuilder("tar", "-xf", bundle.toString(), "-C", out.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException noTar) {
            assumeTrue(false, "GNU tar not installed; cannot check interoperability");
            return;
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        assertEquals(-1, Files.mismatch(images.resolve(LONG_NAME), out.resolve(LONG_NAME)));
        assertEquals(-1, Files.mismatch(images.resolve("disk.img"), out.resolve("disk.img")));
        assertTrue(Files.exists(out.resolve("übersicht.txt")));
        assertTrue(Files.isSymbolicLink(out.resolve("rootfs.sqsh")));
    }

    @Test
    void refusesWhatABundleCannotHold() throws Exception {
        Path out = tmp.resolve("out/b.tar");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "previous bundle");

        Files.createSymbolicLink(images.resolve("host-link"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(images.resolve("up-link"), Path.of("../../x"));
        Process mkfifo = new ProcessBuilder("mkfifo", images.resolve("fifo").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        Files.writeString(images.resolve(ImageManifest.ENTRY_NAME), "{}");

        SkiffException e = assertThrows(SkiffException.class,
                () -> ImageBundle.write(images, meta(), EPOCH, out));
        assertMentions(e, "host-link", "/etc/hostname is absolute", "up-link", "outside",
                "fifo", "FIFO", ImageManifest.ENTRY_NAME, "reserved");
        assertEquals("previous bundle", Files.readString(out), "old bundle left untouched");
        assertEquals(List.of("b.tar"), list(out.getParent()), "no temporary files left");
    }

    @Test
    void aFailedWriteLeavesNoPartialBundle() throws IOException {
        // A non-empty directory where the bundle should go: everything is written, then the
        // final rename fails.
        Path out = tmp.resolve("out/b.tar");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep"), "x");

        SkiffException e = assertThrows(SkiffException.class,
                () -> ImageBundle.write(images, meta(), EPOCH, out));

        assertMentions(e, out.toString(), "Cannot write image bundle");
        assertEquals(List.of("b.tar"), list(out.getParent()), "temporary file removed");
        assertEquals(List.of("keep"), list(out));
    }

    @Test
    void aSecondManifestIsRejected() throws IOException {
        Path bundle = bundle("b.tar").file();
        Path appended = tmp.resolve("appended.tar");
        try (TarArchiveOutputStream tar = ImageBundle.tarOutput(
                Files.newOutputStream(appended))) {
            copyEntries(bundle, tar, null);
            putFile(tar, ImageManifest.ENTRY_NAME, ImageManifest.read(bundle).toJson());
        }
        assertMentions(assertThrows(SkiffException.class,
                () -> ImageManifest.read(appended)), "more than one", "altered");
        // Verification applies extraction's rules: the same refusal, not a report.
        assertMentions(assertThrows(SkiffException.class,
                () -> ImageBundle.verify(appended)), "more than one", "altered");
        assertThrows(SkiffException.class,
                () -> ImageBundle.extract(appended, tmp.resolve("x")));
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void aSymlinkedImagesDirectoryIsFollowed() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("images-link"), images);
        Path viaLink = ImageBundle.write(link, meta(), EPOCH, tmp.resolve("link.tar")).file();
        assertEquals(-1, Files.mismatch(bundle("direct.tar").file(), viaLink));
    }

    @Test
    void refusesBadArguments() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path out = tmp.resolve("b.tar");
        assertMentions(assertThrows(SkiffException.class, () -> ImageBundle.write(
                tmp.resolve("nope"), meta(), EPOCH, out)), "nope", "does not exist");
        assertMentions(assertThrows(SkiffException.class, () -> ImageBundle.write(
                empty, meta(), EPOCH, out)), "holds no files");
        assertMentions(assertThrows(SkiffException.class, () -> ImageBundle.write(
                images, meta(), EPOCH, images.resolve("b.tar"))), "inside the directory");
        assertMentions(assertThrows(SkiffException.class, () -> ImageBundle.write(
                images, meta(), EPOCH * 1000, out)), "SOURCE_DATE_EPOCH");
        Path existing = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(existing.resolve("x"), "x");
        Path bundle = bundle("b.tar").file();
        assertMentions(assertThrows(SkiffException.class, () -> ImageBundle.extract(
                bundle, existing)), "not an empty directory");
    }

    @Test
    void explicitDiskImageMustBeABundledFile() {
        ImageMetadata m = meta();
        ImageMetadata withDisk = new ImageMetadata(m.chain(), m.requestedChain(), m.workspace(),
                "qemu", m.versions(), "rootfs/rootfs.squashfs", m.createdBy());
        assertEquals("rootfs/rootfs.squashfs", ImageBundle.write(images, withDisk, EPOCH,
                tmp.resolve("b.tar")).manifest().diskImage());
        ImageMetadata wrong = new ImageMetadata(m.chain(), m.requestedChain(), m.workspace(),
                "qemu", m.versions(), "sdcard.img", m.createdBy());
        assertMentions(assertThrows(SkiffException.class, () -> ImageBundle.write(images, wrong,
                EPOCH, tmp.resolve("c.tar"))), "sdcard.img", "not a file");
    }

    @Test
    void noDiskImageIsRecordedAsNull() throws IOException {
        Files.delete(images.resolve("disk.img"));
        ImageManifest m = bundle("b.tar").manifest();
        assertNull(m.diskImage());
        assertTrue(new String(m.toJson(), StandardCharsets.UTF_8)
                .contains("\"diskImage\" : null"));
    }

    // ---- helpers ----

    static void assertMentions(Throwable e, String... parts) {
        String msg = e.getMessage();
        assertAll(Arrays.stream(parts).map(part -> () -> assertTrue(msg.contains(part),
                () -> "expected '" + part + "' in:\n" + msg)));
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String strip(String name) {
        return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Flips one data byte of {@code entry} in place, leaving every header intact. */
    private static void flipByteOf(Path bundle, String entry, long offset) throws IOException {
        long position;
        try (TarFile tar = new TarFile(bundle)) {
            TarArchiveEntry e = tar.getEntries().stream()
                    .filter(x -> x.getName().equals(entry)).findFirst().orElseThrow();
            position = e.getDataOffset() + offset;
        }
        try (FileChannel ch = FileChannel.open(bundle, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
            ch.write(b, position);
        }
    }

    /** Copies {@code from} into {@code to}, dropping one entry and adding one before the end. */
    private static void rewrite(Path from, Path to, String drop, String add) throws IOException {
        try (TarArchiveOutputStream tar = ImageBundle.tarOutput(Files.newOutputStream(to))) {
            putFile(tar, add, "smuggled".getBytes(StandardCharsets.US_ASCII));
            copyEntries(from, tar, drop);
        }
    }

    private static void copyEntries(Path from, TarArchiveOutputStream tar, String drop)
            throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(from),
                "UTF-8")) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals(drop)) {
                    continue;
                }
                tar.putArchiveEntry(e);
                in.transferTo(tar);
                tar.closeArchiveEntry();
            }
        }
    }

    private static void putFile(TarArchiveOutputStream tar, String name, byte[] data)
            throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(t, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static SeekableByteChannel counting(SeekableByteChannel ch, long[] read) {
        return new SeekableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                int n = ch.read(dst);
                if (n > 0) {
                    read[0] += n;
                }
                return n;
            }

            @Override
            public int write(ByteBuffer src) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long position() throws IOException {
                return ch.position();
            }

            @Override
            public SeekableByteChannel position(long p) throws IOException {
                ch.position(p);
                return this;
            }

            @Override
            public long size() throws IOException {
                return ch.size();
            }

            @Override
            public SeekableByteChannel truncate(long size) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isOpen() {
                return ch.isOpen();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

}
