package dev.skiff.image;

import dev.skiff.Sha256;
import dev.skiff.SkiffException;
import java.io.BufferedInputStream;
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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Image bundles: one uncompressed, reproducible tar of a Buildroot {@code images/} directory with
 * a manifest ({@link ImageManifest}) as its last entry.
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
                tar.finish();
                bytes = tar.getBytesWritten();
            }
            // createTempFile makes the file owner-only; a bundle is an ordinary build output.
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            moveIntoPlace(tmp, target);
            tmp = null;
            return new BundleResult(target, manifest, bytes);
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
     * @throws SkiffException if the bundle is unreadable or has no valid manifest
     */
    public static BundleCheck check(Path bundle) {
        Map<String, String> actual = new TreeMap<>(EntryName.BYTE_ORDER);
        List<FileCheck> duplicates = new ArrayList<>();
        byte[] manifestJson = null;
        List<String> afterManifest = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(bundle), BUFFER_SIZE);
                TarArchiveInputStream tar = tarInput(in)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            MessageDigest sha256 = Sha256.digest();
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = stripSlash(e.getName());
                if (manifestJson != null) {
                    afterManifest.add(name);
                }
                String found;
                if (e.isDirectory()) {
                    continue;
                } else if (e.isSymbolicLink()) {
                    found = describeLink(e.getLinkName());
                } else if (isRegular(e)) {
                    if (name.equals(ImageManifest.ENTRY_NAME) && manifestJson == null) {
                        manifestJson = tar.readAllBytes();
                        continue;
                    }
                    long size = 0;
                    sha256.reset();
                    int n;
                    while ((n = tar.read(buffer)) > 0) {
                        sha256.update(buffer, 0, n);
                        size += n;
                    }
                    found = describeFile(hex(sha256.digest()), size, e.getMode() & 07777);
                } else {
                    found = "an entry of tar type '" + (char) e.getLinkFlag() + "'";
                }
                if (actual.putIfAbsent(name, found) != null) {
                    duplicates.add(new FileCheck(name, FileCheck.Status.EXTRA, null,
                            "a second entry with this name: " + found));
                }
            }
        } catch (NoSuchFileException e) {
            throw new SkiffException("Image bundle " + bundle + " does not exist.", e);
        } catch (IOException e) {
            throw new SkiffException("Image bundle " + bundle + " cannot be read as a tar archive: "
                    + e.getMessage() + ". It is damaged or truncated; fetch or build it again.",
                    e);
        }
        if (manifestJson == null) {
            throw new SkiffException("Image bundle " + bundle + " has no "
                    + ImageManifest.ENTRY_NAME + " entry, so it cannot be verified. It is not a"
                    + " Skiff image bundle, or it is truncated; fetch or build it again.");
        }
        ImageManifest manifest =
                ImageManifest.parse(manifestJson, bundle + "!/" + ImageManifest.ENTRY_NAME);

        Map<String, String> expected = new TreeMap<>(EntryName.BYTE_ORDER);
        for (ImageFile f : manifest.files()) {
            expected.put(f.path(), describeFile(f.sha256(), f.size(), f.modeBits()));
        }
        for (ImageLink l : manifest.links()) {
            expected.put(l.path(), describeLink(l.target()));
        }
        Set<String> paths = new HashSet<>(expected.keySet());
        paths.addAll(actual.keySet());
        List<FileCheck> checks = new ArrayList<>(duplicates);
        for (String path : paths) {
            String want = expected.get(path);
            String have = actual.get(path);
            FileCheck.Status status = want == null ? FileCheck.Status.EXTRA
                    : have == null ? FileCheck.Status.MISSING
                    : want.equals(have) ? FileCheck.Status.OK
                    : FileCheck.Status.CHANGED;
            checks.add(new FileCheck(path, status, want, have));
        }
        for (String name : afterManifest) {
            if (expected.containsKey(name)) {
                // Listed, but placed after the manifest: not something Skiff writes.
                checks.add(new FileCheck(name, FileCheck.Status.EXTRA, null,
                        "an entry after " + ImageManifest.ENTRY_NAME));
            }
        }
        checks.sort((a, b) -> EntryName.BYTE_ORDER.compare(a.path(), b.path()));
        return new BundleCheck(bundle, manifest, checks);
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
     * outside {@code dir} (absolute paths, {@code ..}, links pointing out, paths through links)
     * are refused.
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
            unpack(bundle, manifest, staging);
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
            throw refuse(bundle, staging.relativize(Path.of(e.getFile())).toString(),
                    "it collides with an earlier entry");
        } catch (IOException e) {
            throw new SkiffException("Cannot extract image bundle " + bundle + " into " + target
                    + ": " + e + ". Check free space and permissions.", e);
        } finally {
            if (staging != null) {
                deleteTree(staging);
            }
        }
    }

    private static void unpack(Path bundle, ImageManifest manifest, Path staging)
            throws IOException {
        Map<String, ImageFile> files = new HashMap<>();
        manifest.files().forEach(f -> files.put(f.path(), f));
        Map<String, String> links = new HashMap<>();
        manifest.links().forEach(l -> links.put(l.path(), l.target()));
        Set<String> written = new HashSet<>();
        Set<String> linksWritten = new HashSet<>();
        Map<Path, FileTime> dirTimes = new LinkedHashMap<>();
        FileTime mtime = FileTime.from(manifest.sourceDateEpoch(), TimeUnit.SECONDS);

        try (InputStream in = new BufferedInputStream(Files.newInputStream(bundle), BUFFER_SIZE);
                TarArchiveInputStream tar = tarInput(in)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            MessageDigest sha256 = Sha256.digest();
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = stripSlash(e.getName());
                String problem = EntryName.problem(name);
                if (problem == null) {
                    problem = throughLink(name, linksWritten);
                }
                if (problem != null) {
                    throw refuse(bundle, e.getName(), problem);
                }
                Path path = staging.resolve(name);
                if (e.isDirectory()) {
                    Files.createDirectories(path);
                    dirTimes.put(path, mtime);
                } else if (e.isSymbolicLink()) {
                    String want = links.get(name);
                    if (want == null || !want.equals(e.getLinkName())) {
                        throw refuse(bundle, name, "the link to '" + e.getLinkName()
                                + "' is not listed in the manifest"
                                + (want == null ? "" : " (which says '" + want + "')"));
                    }
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(e.getLinkName()));
                    linksWritten.add(name);
                } else if (isRegular(e) && name.equals(ImageManifest.ENTRY_NAME)) {
                    if (!written.add(name)) {
                        throw refuse(bundle, name, "it appears twice");
                    }
                    Files.write(path, tar.readAllBytes(), StandardOpenOption.CREATE_NEW);
                    Files.setLastModifiedTime(path, mtime);
                } else if (isRegular(e)) {
                    ImageFile want = files.get(name);
                    if (want == null || !written.add(name)) {
                        throw refuse(bundle, name, want == null
                                ? "it is not listed in the manifest" : "it appears twice");
                    }
                    Files.createDirectories(path.getParent());
                    long size = 0;
                    sha256.reset();
                    try (OutputStream out = Files.newOutputStream(path,
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS)) {
                        int n;
                        while ((n = tar.read(buffer)) > 0) {
                            sha256.update(buffer, 0, n);
                            out.write(buffer, 0, n);
                            size += n;
                        }
                    }
                    String sha = hex(sha256.digest());
                    if (!sha.equals(want.sha256()) || size != want.size()) {
                        throw new SkiffException("Image bundle " + bundle + " is damaged: "
                                + name + " should have sha256 " + want.sha256() + " ("
                                + want.size() + " bytes) but has sha256 " + sha + " (" + size
                                + " bytes). Nothing was extracted; fetch the bundle again or"
                                + " rebuild it.");
                    }
                    setMode(path, want.modeBits());
                    Files.setLastModifiedTime(path, mtime);
                } else {
                    throw refuse(bundle, name, "entries of tar type '" + (char) e.getLinkFlag()
                            + "' (hard links, devices, FIFOs) are never part of a Skiff bundle");
                }
            }
        }
        List<String> missing = new ArrayList<>();
        files.keySet().stream().filter(p -> !written.contains(p)).forEach(missing::add);
        links.keySet().stream().filter(p -> !linksWritten.contains(p)).forEach(missing::add);
        if (!missing.isEmpty()) {
            missing.sort(EntryName.BYTE_ORDER);
            throw new SkiffException("Image bundle " + bundle + " is incomplete: the manifest"
                    + " lists " + String.join(", ", missing) + ", which the bundle does not"
                    + " contain. Nothing was extracted; fetch the bundle again or rebuild it.");
        }
        // Last, because creating entries inside a directory updates its time stamp.
        for (Map.Entry<Path, FileTime> d : dirTimes.entrySet()) {
            Files.setLastModifiedTime(d.getKey(), d.getValue());
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

    private static TarArchiveInputStream tarInput(InputStream in) {
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

    private static TarArchiveEntry entry(String name, byte type, FileTime mtime) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, false);
        e.setLastModifiedTime(mtime);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("root");
        e.setGroupName("root");
        return e;
    }

    private enum Kind { DIRECTORY, FILE, LINK }

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
                    } else if (attrs.isSymbolicLink()) {
                        String linkTarget = Files.readSymbolicLink(file).toString();
                        String linkProblem = EntryName.linkProblem(name, linkTarget);
                        if (linkProblem != null) {
                            problems.add(file + ": a symbolic link whose " + linkProblem
                                    + "; a bundle must be self-contained, so replace it with a"
                                    + " copy or a relative link inside the images directory");
                        } else {
                            found.add(new Source(name, file, Kind.LINK, linkTarget));
                        }
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

    private static void setMode(Path file, int mode) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                    (mode & EXECUTABLE_MODE) == EXECUTABLE_MODE ? "rwxr-xr-x" : "rw-r--r--"));
        }
    }

    /** Why {@code name} would be written through an extracted link, or {@code null}. */
    private static String throughLink(String name, Set<String> links) {
        for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
            if (links.contains(name.substring(0, i))) {
                return "its parent " + name.substring(0, i) + " is a symbolic link, so it could"
                        + " be written outside the target directory";
            }
        }
        return null;
    }

    private static SkiffException refuse(Path bundle, String name, String why) {
        return new SkiffException("Refusing to extract image bundle " + bundle + ": entry '"
                + name + "' is unsafe or unexpected: " + why + ". Nothing was extracted. The"
                + " bundle was not written by Skiff or was tampered with; do not use it.");
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

    private static String stripSlash(String name) {
        return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }

    private static String describeFile(String sha256, long size, int mode) {
        return "sha256 " + sha256 + ", " + size + " bytes, mode " + ImageFile.modeString(mode);
    }

    private static String describeLink(String target) {
        return "symbolic link to " + target;
    }


    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
