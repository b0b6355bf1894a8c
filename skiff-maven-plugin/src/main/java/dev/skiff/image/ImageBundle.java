package dev.skiff.image;

import dev.skiff.SkiffException;
import dev.skiff.image.EntryName.Kind;
import dev.skiff.sign.SigningKey;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Image bundles: one uncompressed, reproducible tar of a Buildroot {@code images/} directory with
 * a manifest ({@link ImageManifest}) as its last entry, or, in a signed bundle, followed only by
 * the signature entries ({@link BundleSignature}).
 *
 * <p>Uncompressed because board images are mostly compressed already (or sparse file systems
 * that the repository's transport compresses better), and gzip would cap packaging at roughly
 * 100 MB/s on one core.
 *
 * <p>Reproducible: entries in byte order of their paths, every time stamp set to
 * {@code SOURCE_DATE_EPOCH}, owner {@code root:root} (uid/gid 0), modes reduced to 0755/0644, so
 * the same images always give the same bytes no matter when, where or by whom they are packaged.
 */
public final class ImageBundle {

    /** GNU tar's default blocking factor 20: archives end on the same boundary as GNU tar's. */
    static final int BLOCK_SIZE = 10240;

    /** Read size: large enough that per-call costs vanish next to hashing and copying. */
    static final int BUFFER_SIZE = 1 << 20;

    private static final int EXECUTABLE_MODE = 0755;
    private static final int REGULAR_MODE = 0644;

    // Largest time stamp a ustar header holds in octal. Beyond it commons-compress would write a
    // PAX mtime record, which is fine for tar but hides a caller passing milliseconds by mistake.
    private static final long MAX_EPOCH = 077777777777L;

    private ImageBundle() {}

    /**
     * Packs every file, directory and symbolic link under {@code imagesDir} into a bundle at
     * {@code out}, in one pass: each file is read once, its bytes going both into the tar and
     * into its SHA-256. The manifest can only be complete after the last file, which is why it is
     * the last entry rather than the first; readers find it by skipping over the data
     * ({@link ImageManifest#read}).
     *
     * <p>The bundle is written beside {@code out} under a temporary name and moved into place
     * only when complete, so {@code out} is either the previous bundle or the new one, never a
     * partial one.
     *
     * @param sourceDateEpoch the time stamp of every entry, in seconds ({@code SOURCE_DATE_EPOCH})
     * @throws SkiffException if the directory is missing or empty, holds a file the bundle cannot
     *     represent (device, socket, link leading outside it), a file changes while being read,
     *     or {@code out} cannot be written
     */
    public static BundleResult write(Path imagesDir, ImageMetadata meta, long sourceDateEpoch,
            Path out) {
        return write(imagesDir, meta, sourceDateEpoch, out, null);
    }

    /**
     * {@link #write(Path, ImageMetadata, long, Path)}, signed with {@code key} when it is not
     * null: {@link BundleSignature#LIST_ENTRY} and {@link BundleSignature#SIGNATURE_ENTRY} follow
     * the manifest. Signing hashes only the manifest again (the files' hashes are in it), so it
     * costs microseconds whatever the bundle's size.
     */
    public static BundleResult write(Path imagesDir, ImageMetadata meta, long sourceDateEpoch,
            Path out, SigningKey key) {
        if (sourceDateEpoch < 0 || sourceDateEpoch > MAX_EPOCH) {
            throw new SkiffException("SOURCE_DATE_EPOCH " + sourceDateEpoch + " for image bundle "
                    + out + " is not a time in seconds between 1970 and 2242; check"
                    + " project.build.outputTimestamp.");
        }
        Path given = imagesDir.toAbsolutePath().normalize();
        Path target = out.toAbsolutePath().normalize();
        if (!Files.isDirectory(given)) {
            throw new SkiffException("The images directory " + given + " does not exist, so"
                    + " there is nothing to bundle. Run the Buildroot build first (`mvn"
                    + " package`).");
        }
        Path root;
        try {
            // A walk that starts at a symbolic link would record the link, not what it points to.
            root = given.toRealPath();
        } catch (IOException e) {
            throw new SkiffException("Cannot resolve the images directory " + given + ": "
                    + e.getMessage(), e);
        }
        if (target.startsWith(given) || target.startsWith(root)) {
            throw new SkiffException("The image bundle " + target + " would be inside the"
                    + " directory it packs (" + root + "); write it elsewhere, e.g. target/.");
        }
        List<Source> sources = scan(root);
        if (sources.stream().noneMatch(s -> s.kind() == Kind.FILE)) {
            throw new SkiffException("The images directory " + root + " holds no files, so there"
                    + " is nothing to bundle. Did the Buildroot build produce images?");
        }
        String[] collision = EntryName.caseCollision(sources.stream().map(Source::name).toList());
        if (collision != null) {
            throw new SkiffException("The images directory " + root + " holds " + EntryName.caseCollisionProblem(collision)
                    + ". Remove or rename one (in the post-image hook or the layer that installs it); no bundle was written.");
        }
        String diskImage = meta.diskImage();
        if (diskImage == null) {
            diskImage = diskImageName(root);
        } else if (sources.stream().noneMatch(
                s -> s.kind() == Kind.FILE && s.name().equals(meta.diskImage()))) {
            throw new SkiffException("The disk image '" + meta.diskImage() + "' is not a file in "
                    + root + "; name a file relative to the images directory.");
        }

        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new SkiffException("Cannot create the directory for image bundle " + target
                    + ": " + e.getMessage(), e);
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".",
                    ".partial");
            ImageManifest manifest;
            BundleSignature signature = null;
            long bytes;
            try (OutputStream file = Files.newOutputStream(tmp);
                    TarArchiveOutputStream tar = tarOutput(file);
                    OverlappedSha256 sha256 = new OverlappedSha256(BUFFER_SIZE)) {
                List<ImageFile> files = new ArrayList<>();
                List<ImageLink> links = new ArrayList<>();
                FileTime mtime = FileTime.from(sourceDateEpoch, TimeUnit.SECONDS);
                for (Source s : sources) {
                    switch (s.kind()) {
                        case DIRECTORY -> {
                            TarArchiveEntry e = entry(s.name() + "/", TarConstants.LF_DIR, mtime);
                            e.setMode(EXECUTABLE_MODE);
                            tar.putArchiveEntry(e);
                            tar.closeArchiveEntry();
                        }
                        case LINK -> {
                            TarArchiveEntry e = entry(s.name(), TarConstants.LF_SYMLINK, mtime);
                            e.setMode(0777);
                            e.setLinkName(s.linkTarget());
                            tar.putArchiveEntry(e);
                            tar.closeArchiveEntry();
                            links.add(new ImageLink(s.name(), s.linkTarget()));
                        }
                        case FILE -> files.add(copyFile(s, tar, mtime, sha256, root));
                    }
                }
                manifest = new ImageManifest(ImageManifest.FORMAT, meta.createdBy(),
                        meta.board(), meta.chain(), meta.requestedChain(), meta.workspace(),
                        meta.versions(), sourceDateEpoch, diskImage, files, links);
                byte[] json = manifest.toJson();
                TarArchiveEntry e = entry(ImageManifest.ENTRY_NAME, TarConstants.LF_NORMAL, mtime);
                e.setMode(REGULAR_MODE);
                e.setSize(json.length);
                tar.putArchiveEntry(e);
                tar.write(json);
                tar.closeArchiveEntry();
                if (key != null) {
                    signature = BundleSignature.sign(manifest, json, key);
                    addSmallFile(tar, BundleSignature.LIST_ENTRY, signature.sha256List(), mtime);
                    addSmallFile(tar, BundleSignature.SIGNATURE_ENTRY, signature.signature(),
                            mtime);
                }
                tar.finish();
                bytes = tar.getBytesWritten();
            }
            // createTempFile makes the file owner-only; a bundle is an ordinary build output.
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            moveIntoPlace(tmp, target);
            tmp = null;
            return new BundleResult(target, manifest, bytes, signature);
        } catch (IOException e) {
            throw new SkiffException("Cannot write image bundle " + target + ": " + e
                    + ". Check free space and permissions in " + target.getParent() + ".", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkiffException("Writing image bundle " + target + " was interrupted;"
                    + " nothing was written.", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The original failure is what the user needs to see.
                }
            }
        }
    }

    /**
     * Checks every entry of a bundle against its manifest, reading the whole bundle once:
     * recomputes each file's size and SHA-256, compares modes and link targets, and reports files
     * that are missing or not listed. Does not throw for mismatches; see {@link #verify}.
     *
     * <p>The pass over the entries is the one {@link #extract} makes ({@link BundleEntries}), so
     * whatever extraction would refuse is refused here too.
     *
     * @throws SkiffException if the bundle is unreadable, has no valid manifest, or holds an
     *     entry no Skiff bundle holds (unsafe names or links, sparse entries, devices, ...)
     */
    public static BundleCheck check(Path bundle) {
        ImageManifest manifest = ImageManifest.read(bundle);
        try {
            return new BundleCheck(bundle, manifest, BundleEntries.walk(bundle, manifest, null));
        } catch (IOException e) {
            throw new SkiffException("Image bundle " + bundle + " cannot be read as a tar archive: "
                    + e.getMessage() + ". It is damaged or truncated; fetch or build it again.",
                    e);
        }
    }

    /**
     * {@link #check} that throws for any mismatch.
     *
     * @throws SkiffException naming every changed, missing or unlisted file with its expected
     *     and actual SHA-256
     */
    public static BundleCheck verify(Path bundle) {
        return check(bundle).requireValid();
    }

    /**
     * Unpacks a bundle into {@code dir}, checking each file's size and SHA-256 against the
     * manifest as it is written. The manifest itself is extracted too, so the directory
     * describes itself.
     *
     * <p>All or nothing: the bundle is unpacked into a temporary directory beside {@code dir},
     * which is renamed to {@code dir} only when every file matched. Entries that would land
     * outside {@code dir} (absolute paths, {@code ..}, links leading out, alone or as a chain,
     * paths through links), sparse entries and any entry whose size differs from the manifest's
     * are refused before anything of them is written; the rules are {@link #check}'s, in the same
     * code ({@link BundleEntries}). Afterwards the real path of every link that resolves is
     * checked to lie inside the directory, so that no rule missed can let a reader out.
     *
     * @param dir must not exist, or be an empty directory
     * @return the bundle's manifest
     * @throws SkiffException if {@code dir} is not empty, an entry is unsafe, or any file does
     *     not match the manifest; {@code dir} is then left as it was
     */
    public static ImageManifest extract(Path bundle, Path dir) {
        // The manifest is the last entry; reading it first (by seeking, cheap) lets each file be
        // checked as soon as it is written, in the same single pass over the data.
        ImageManifest manifest = ImageManifest.read(bundle);
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(target)) {
            throw new SkiffException("Cannot extract image bundle " + bundle + " into " + target
                    + ": it exists and is not an empty directory. Remove it or choose another"
                    + " directory.");
        }
        Path staging = null;
        try {
            Files.createDirectories(target.getParent());
            staging = Files.createTempDirectory(target.getParent(),
                    "." + target.getFileName() + ".extract-");
            BundleEntries.walk(bundle, manifest, staging);
            requireLinksInside(bundle, manifest, staging);
            try {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(target);
                }
                moveIntoPlace(staging, target);
            } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
                throw new SkiffException("Cannot extract image bundle " + bundle + " into "
                        + target + ": something else wrote there meanwhile (" + e.getMessage()
                        + "). Nothing was extracted.", e);
            }
            staging = null;
            return manifest;
        } catch (FileAlreadyExistsException e) {
            if (staging == null) {
                throw new SkiffException("Cannot extract image bundle " + bundle + " into "
                        + target + ": " + e.getFile() + " exists and is not a directory.", e);
            }
            // The staging directory is fresh, so only the bundle itself can cause this.
            throw new SkiffException("Refusing image bundle " + bundle + ": entry '"
                    + staging.relativize(Path.of(e.getFile())) + "' collides with an earlier"
                    + " entry. Nothing was extracted. The bundle was not written by Skiff or was"
                    + " tampered with; do not use it.", e);
        } catch (IOException e) {
            throw new SkiffException("Cannot extract image bundle " + bundle + " into " + target
                    + ": " + e + ". Check free space and permissions.", e);
        } finally {
            if (staging != null) {
                deleteTree(staging);
            }
        }
    }

    /**
     * The real path of every extracted link that resolves lies inside {@code staging}. The
     * manifest's rules ({@link EntryName#linkProblem}) already guarantee it; this asks the
     * kernel, so that a gap in those rules can never let an install read a host file.
     */
    private static void requireLinksInside(Path bundle, ImageManifest manifest, Path staging)
            throws IOException {
        Path root = staging.toRealPath();
        for (ImageLink l : manifest.links()) {
            Path link = staging.resolve(l.path());
            Path real;
            try {
                real = link.toRealPath();
            } catch (FileSystemException dangling) {
                // Leads to nothing (or through a file): nothing can be read through it.
                continue;
            }
            if (!real.startsWith(root)) {
                throw new SkiffException("Refusing image bundle " + bundle + ": the link '"
                        + l.path() + "' -> '" + l.target() + "' resolves to " + real + ", outside"
                        + " the extracted image. Nothing was extracted. The bundle was not"
                        + " written by Skiff or was tampered with; do not use it.");
            }
        }
    }

    /** The tar writer every bundle is made with; package-private so tests can probe it. */
    static TarArchiveOutputStream tarOutput(OutputStream file) {
        // commons-compress hands the file 512-byte records; the buffer turns them into large
        // writes.
        TarArchiveOutputStream tar = new TarArchiveOutputStream(
                new BufferedOutputStream(file, BUFFER_SIZE), BLOCK_SIZE, "UTF-8");
        // PAX rather than GNU extensions: readable by every POSIX tar, busybox included.
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    static TarArchiveInputStream tarInput(InputStream in) {
        return new TarArchiveInputStream(in, BLOCK_SIZE, 512, "UTF-8", false);
    }

    private static ImageFile copyFile(Source s, TarArchiveOutputStream tar, FileTime mtime,
            OverlappedSha256 sha256, Path root) throws IOException, InterruptedException {
        int mode = isExecutable(s.path()) ? EXECUTABLE_MODE : REGULAR_MODE;
        try (FileChannel in = FileChannel.open(s.path(), StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            // The size goes into the header before the data, so take it from the open file.
            long size = in.size();
            TarArchiveEntry e = entry(s.name(), TarConstants.LF_NORMAL, mtime);
            e.setMode(mode);
            e.setSize(size);
            tar.putArchiveEntry(e);
            long remaining = size;
            while (remaining > 0) {
                byte[] buffer = sha256.buffer();
                ByteBuffer bb = ByteBuffer.wrap(buffer, 0,
                        (int) Math.min(buffer.length, remaining));
                int n = in.read(bb);
                if (n < 0) {
                    throw changedWhileReading(s, root, "shrank");
                }
                // Hashed on the other thread while this one copies the bytes into the tar.
                sha256.update(n);
                tar.write(buffer, 0, n);
                remaining -= n;
            }
            if (in.read(ByteBuffer.allocate(1)) > 0) {
                throw changedWhileReading(s, root, "grew");
            }
            tar.closeArchiveEntry();
            return new ImageFile(s.name(), size, sha256.finish(), ImageFile.modeString(mode));
        }
    }

    /**
     * The bundle path of {@link DiskImage#find}'s choice. A link (say {@code sdcard.img ->
     * rpi4.img}) is followed, because the manifest must name a file whose checksum it lists.
     */
    private static String diskImageName(Path root) {
        Path found = DiskImage.find(root);
        if (found == null) {
            return null;
        }
        try {
            Path real = found.toRealPath();
            Path realRoot = root.toRealPath();
            return real.startsWith(realRoot)
                    ? realRoot.relativize(real).toString().replace(File.separatorChar, '/')
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static SkiffException changedWhileReading(Source s, Path root, String how) {
        return new SkiffException("The image file " + root.resolve(s.name()) + " " + how
                + " while it was being bundled. Is a build still writing to " + root
                + "? Wait for it to finish, then package again.");
    }

    private static void addSmallFile(TarArchiveOutputStream tar, String name, byte[] data,
            FileTime mtime) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mtime);
        e.setMode(REGULAR_MODE);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, byte type, FileTime mtime) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, false);
        e.setLastModifiedTime(mtime);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("root");
        e.setGroupName("root");
        return e;
    }

    /** One thing to pack: {@code name} is its bundle path, {@code path} the file on disk. */
    private record Source(String name, Path path, Kind kind, String linkTarget) {}

    /** Everything below {@code root}, in bundle order; links are recorded, never followed. */
    private static List<Source> scan(Path root) {
        List<Source> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root)) {
                        found.add(new Source(name(dir), dir, Kind.DIRECTORY, null));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                        throws IOException {
                    String name = name(file);
                    String problem = EntryName.problem(name);
                    if (problem != null) {
                        problems.add(file + ": its name cannot be stored (" + problem + ")");
                    } else if (name.equals(ImageManifest.ENTRY_NAME)) {
                        problems.add(file + ": the name is reserved for the bundle manifest;"
                                + " rename the file");
                    } else if (name.equals(BundleSignature.LIST_ENTRY)
                            || name.equals(BundleSignature.SIGNATURE_ENTRY)) {
                        problems.add(file + ": the name is reserved for the bundle's signature;"
                                + " rename the file");
                    } else if (attrs.isSymbolicLink()) {
                        // Checked once all links are known: a link may lead out through others.
                        found.add(new Source(name, file, Kind.LINK,
                                Files.readSymbolicLink(file).toString()));
                    } else if (attrs.isRegularFile()) {
                        found.add(new Source(name, file, Kind.FILE, null));
                    } else {
                        problems.add(file + ": not a regular file, directory or symbolic link"
                                + " (device, FIFO or socket); remove it from the images");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    problems.add(file + ": cannot be read (" + e.getMessage() + ")");
                    return FileVisitResult.CONTINUE;
                }

                private String name(Path p) {
                    // Path.toString uses the platform separator; bundles always use '/'.
                    return root.relativize(p).toString().replace(File.separatorChar, '/');
                }
            });
        } catch (IOException e) {
            throw new SkiffException("Cannot list the images directory " + root + ": "
                    + e.getMessage(), e);
        }
        // The rule every reader applies (ImageManifest), so that no bundle is written that
        // verification or extraction would refuse.
        Map<String, String> links = new HashMap<>();
        found.stream().filter(s -> s.kind() == Kind.LINK)
                .forEach(s -> links.put(s.name(), s.linkTarget()));
        for (Source s : found) {
            String linkProblem = s.kind() == Kind.LINK
                    ? EntryName.linkProblem(s.name(), s.linkTarget(), links) : null;
            if (linkProblem != null) {
                problems.add(s.path() + ": a symbolic link whose " + linkProblem.substring(
                        "its ".length()) + "; a bundle must be self-contained, so replace it with"
                        + " a copy or a relative link inside the images directory");
            }
        }
        if (!problems.isEmpty()) {
            throw new SkiffException("Cannot bundle the images in " + root + ":\n  "
                    + String.join("\n  ", problems));
        }
        found.sort((a, b) -> EntryName.BYTE_ORDER.compare(a.name(), b.name()));
        return found;
    }

    private static boolean isExecutable(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                    .contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException notPosix) {
            return Files.isExecutable(file);
        }
    }

    static void setMode(Path file, int mode) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                    (mode & EXECUTABLE_MODE) == EXECUTABLE_MODE ? "rwxr-xr-x" : "rw-r--r--"));
        }
    }

    private static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same directory, so this only happens on unusual file systems; still whole-file.
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                        throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e)
                        throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // Best effort: the error being reported matters more than a stray temp directory.
        }
    }

    /**
     * A plain file with data. Not {@link TarArchiveEntry#isFile}: that also answers true for hard
     * links, devices and FIFOs, whose (absent) data would then be hashed as an empty file.
     */
    static boolean isRegular(TarArchiveEntry e) {
        return (e.getLinkFlag() == TarConstants.LF_NORMAL
                || e.getLinkFlag() == TarConstants.LF_OLDNORM) && !e.getName().endsWith("/");
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
