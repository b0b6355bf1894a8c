package dev.skiff.image;

import dev.skiff.Sha256;
import dev.skiff.SkiffException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The one pass over a bundle's entries behind both {@link ImageBundle#check} ({@code
 * skiff:verify}) and {@link ImageBundle#extract} ({@code skiff:install}, {@code skiff:push}).
 * One code path, so the two can never disagree: a bundle that verifies also extracts, and one
 * that extraction refuses never verifies.
 *
 * <p>Two kinds of findings:
 *
 * <ul>
 *   <li><b>Refusals</b>, thrown at once by both: what no Skiff bundle holds and what is unsafe
 *       to go on reading or writing: an unsafe name, a path below a link or a file, a second
 *       entry of one name, a sparse entry (a few kilobytes of tar can stand for terabytes of
 *       zeros), hard links, devices and FIFOs, entries after the manifest, a manifest that
 *       differs from the one read by seeking or is too large.
 *   <li><b>Mismatches</b> against the manifest: a file or link that changed, is missing or is
 *       not listed. Checking collects them all for its report; extracting stops at the first,
 *       before writing anything of the entry where its header already shows the mismatch (an
 *       unlisted entry, another size, another link target), and at its end otherwise (the
 *       checksum).
 * </ul>
 */
final class BundleEntries {

    private BundleEntries() {}

    /**
     * Reads every entry of {@code bundle} once, checking it against {@code manifest} (read
     * beforehand, by seeking: {@link ImageManifest#read}).
     *
     * @param staging where to write the entries, an empty directory; {@code null} only checks
     * @return one check per listed file and link, and one per unlisted entry; when extracting
     *     they are all {@link FileCheck.Status#OK}, since any other ends the pass with an error
     * @throws SkiffException for any refusal, and when extracting for any mismatch
     */
    static List<FileCheck> walk(Path bundle, ImageManifest manifest, Path staging)
            throws IOException {
        return new Pass(bundle, manifest, staging).run();
    }

    private static final class Pass {
        final Path bundle;
        final ImageManifest manifest;
        final Path staging;
        final Map<String, ImageFile> files = new HashMap<>();
        final Map<String, String> links = new HashMap<>();
        /** Every name seen so far, with the parents they imply, and what it is. */
        final Map<String, EntryName.Kind> seen = new HashMap<>();
        final List<FileCheck> checks = new ArrayList<>();
        final Map<Path, FileTime> dirTimes = new LinkedHashMap<>();
        final FileTime mtime;
        final MessageDigest sha256 = Sha256.digest();
        final byte[] buffer = new byte[ImageBundle.BUFFER_SIZE];
        boolean manifestSeen;
        byte[] streamedList;
        byte[] streamedSignature;
        BundleSignature.Entries seekSignature;

        Pass(Path bundle, ImageManifest manifest, Path staging) {
            this.bundle = bundle;
            this.manifest = manifest;
            this.staging = staging;
            manifest.files().forEach(f -> files.put(f.path(), f));
            manifest.links().forEach(l -> links.put(l.path(), l.target()));
            mtime = FileTime.from(manifest.sourceDateEpoch(), TimeUnit.SECONDS);
        }

        boolean extracting() {
            return staging != null;
        }

        List<FileCheck> run() throws IOException {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(bundle),
                    ImageBundle.BUFFER_SIZE);
                    TarArchiveInputStream tar = ImageBundle.tarInput(in)) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    entry(tar, e);
                }
            }
            if (!manifestSeen) {
                throw refuse(ImageManifest.ENTRY_NAME, "reading the bundle from the start does"
                        + " not reach it, though seeking finds it; the archive is malformed");
            }
            BundleSignature.Entries seek = seekSignature != null ? seekSignature
                    : BundleSignature.Entries.read(bundle);
            if ((seek.list() == null) != (streamedList == null)
                    || (seek.signature() == null) != (streamedSignature == null)) {
                throw refuse(BundleSignature.SIGNATURE_ENTRY, "seeking and reading the bundle"
                        + " from the start disagree on whether it is signed; the archive is"
                        + " malformed");
            }
            List<FileCheck> missing = new ArrayList<>();
            files.forEach((path, f) -> {
                if (seen.get(path) != EntryName.Kind.FILE) {
                    missing.add(new FileCheck(path, FileCheck.Status.MISSING, describe(f), null));
                }
            });
            links.forEach((path, target) -> {
                if (seen.get(path) != EntryName.Kind.LINK) {
                    missing.add(new FileCheck(path, FileCheck.Status.MISSING,
                            describeLink(target), null));
                }
            });
            if (extracting() && !missing.isEmpty()) {
                throw new SkiffException("Image bundle " + bundle + " is incomplete: the manifest"
                        + " lists " + String.join(", ", missing.stream().map(FileCheck::path)
                        .sorted(EntryName.BYTE_ORDER).toList()) + ", which the bundle does not"
                        + " contain. Nothing was extracted; fetch the bundle again or rebuild it.");
            }
            checks.addAll(missing);
            // Last, because creating entries inside a directory updates its time stamp.
            for (Map.Entry<Path, FileTime> d : dirTimes.entrySet()) {
                Files.setLastModifiedTime(d.getKey(), d.getValue());
            }
            checks.sort((a, b) -> EntryName.BYTE_ORDER.compare(a.path(), b.path()));
            return checks;
        }

        private void entry(TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
            String name = stripSlash(e.getName());
            String problem = EntryName.problem(name);
            if (problem != null) {
                throw refuse(e.getName(), problem);
            }
            // Before anything reads the data: a sparse entry's data expands to its real size.
            if (e.isSparse() || e.getRealSize() != e.getSize()) {
                throw refuse(name, "it is a sparse entry of " + e.getRealSize() + " bytes stored"
                        + " in " + e.getSize() + "; its holes would be written out in full, so a"
                        + " small bundle could fill the disk. Skiff never writes sparse entries");
            }
            if (manifestSeen) {
                signatureEntry(tar, e, name);
                return;
            }
            problem = EntryName.parentProblem(name, seen::get);
            if (problem != null) {
                throw refuse(name, problem);
            }
            EntryName.Kind kind = e.isDirectory() ? EntryName.Kind.DIRECTORY
                    : e.isSymbolicLink() ? EntryName.Kind.LINK
                    : ImageBundle.isRegular(e) ? EntryName.Kind.FILE : null;
            if (kind == null) {
                throw refuse(name, "entries of tar type '" + (char) e.getLinkFlag() + "' (hard"
                        + " links, devices, FIFOs) are never part of a Skiff bundle");
            }
            EntryName.Kind before = seen.get(name);
            if (before != null && !(before == EntryName.Kind.DIRECTORY
                    && kind == EntryName.Kind.DIRECTORY)) {
                throw refuse(name, "it appears twice, or collides with an earlier entry");
            }
            for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
                seen.putIfAbsent(name.substring(0, i), EntryName.Kind.DIRECTORY);
            }
            seen.put(name, kind);
            Path path = extracting() ? staging.resolve(name) : null;
            switch (kind) {
                case DIRECTORY -> {
                    if (e.getSize() != 0) {
                        throw refuse(name, "a directory entry with " + e.getSize()
                                + " bytes of data");
                    }
                    if (extracting()) {
                        Files.createDirectories(path);
                        dirTimes.put(path, mtime);
                    }
                }
                case LINK -> link(name, e.getLinkName(), path);
                case FILE -> {
                    if (name.equals(ImageManifest.ENTRY_NAME)) {
                        manifest(tar, e, path);
                    } else {
                        file(tar, e, name, path);
                    }
                }
            }
        }

        /**
         * After the manifest only the signature entries may follow, in the order Skiff writes
         * them; each must be the one {@link BundleSignature#check} read by seeking, so the
         * signature that was checked is the one extracted.
         */
        private void signatureEntry(TarArchiveInputStream tar, TarArchiveEntry e, String name)
                throws IOException {
            boolean list = name.equals(BundleSignature.LIST_ENTRY) && streamedList == null
                    && streamedSignature == null;
            boolean sig = name.equals(BundleSignature.SIGNATURE_ENTRY) && streamedList != null
                    && streamedSignature == null;
            if (!(list || sig) || !ImageBundle.isRegular(e)) {
                throw refuse(name, "it comes after " + ImageManifest.ENTRY_NAME + ", which Skiff"
                        + " writes last but for " + BundleSignature.LIST_ENTRY + " and "
                        + BundleSignature.SIGNATURE_ENTRY + ", so it was appended later");
            }
            if (seekSignature == null) {
                seekSignature = BundleSignature.Entries.read(bundle);
            }
            int cap = list ? BundleSignature.MAX_LIST_BYTES : BundleSignature.SIGNATURE_BYTES;
            byte[] data = tar.readNBytes(cap + 1);
            byte[] seek = list ? seekSignature.list() : seekSignature.signature();
            if (data.length > cap || !java.util.Arrays.equals(data, seek)) {
                throw refuse(name, "it differs from the " + name + " found by seeking to it; the"
                        + " archive is malformed");
            }
            if (list) {
                streamedList = data;
            } else {
                streamedSignature = data;
            }
            if (extracting()) {
                Path path = staging.resolve(name);
                Files.write(path, data, StandardOpenOption.CREATE_NEW);
                Files.setLastModifiedTime(path, mtime);
            }
        }

        private void link(String name, String target, Path path) throws IOException {
            String want = links.get(name);
            String found = describeLink(target);
            if (want == null || !want.equals(target)) {
                if (extracting()) {
                    throw refuse(name, "the link to '" + target + "' is not listed in the"
                            + " manifest" + (want == null ? "" : " (which says '" + want + "')"));
                }
                mismatch(name, want == null ? null : describeLink(want), found);
                return;
            }
            if (extracting()) {
                Files.createDirectories(path.getParent());
                Files.createSymbolicLink(path, Path.of(target));
            }
            checks.add(new FileCheck(name, FileCheck.Status.OK, found, found));
        }

        private void manifest(TarArchiveInputStream tar, TarArchiveEntry e, Path path)
                throws IOException {
            String origin = bundle + "!/" + ImageManifest.ENTRY_NAME;
            byte[] json = ImageManifest.readCapped(tar, e.getSize(), bundle.toString());
            // Two tar readers see the same bytes differently only in a malformed archive; make
            // sure the manifest everything was checked against is the one in the stream.
            if (!ImageManifest.parse(json, origin).equals(manifest)) {
                throw refuse(ImageManifest.ENTRY_NAME, "it differs from the manifest found by"
                        + " seeking to it; the archive is malformed");
            }
            manifestSeen = true;
            if (extracting()) {
                Files.write(path, json, StandardOpenOption.CREATE_NEW);
                Files.setLastModifiedTime(path, mtime);
            }
        }

        private void file(TarArchiveInputStream tar, TarArchiveEntry e, String name, Path path)
                throws IOException {
            ImageFile want = files.get(name);
            int mode = e.getMode() & 07777;
            if (want == null) {
                if (extracting()) {
                    throw refuse(name, "it is not listed in the manifest");
                }
                mismatch(name, null, describeFile(copy(tar, null), e.getSize(), mode));
                return;
            }
            String expected = describe(want);
            // The header says how much data follows: refuse before writing any of it.
            if (e.getSize() != want.size()) {
                if (extracting()) {
                    throw damaged(name + " holds " + e.getSize() + " bytes, but the manifest"
                            + " lists " + want.size() + " bytes for it");
                }
                mismatch(name, expected, describeFile(copy(tar, null), e.getSize(), mode));
                return;
            }
            String sha;
            if (extracting()) {
                Files.createDirectories(path.getParent());
                try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    sha = copy(tar, out);
                }
            } else {
                sha = copy(tar, null);
            }
            String found = describeFile(sha, e.getSize(), mode);
            if (!found.equals(expected)) {
                if (extracting()) {
                    throw damaged(name + " should have " + expected + " but has " + found);
                }
                mismatch(name, expected, found);
                return;
            }
            if (extracting()) {
                ImageBundle.setMode(path, want.modeBits());
                Files.setLastModifiedTime(path, mtime);
            }
            checks.add(new FileCheck(name, FileCheck.Status.OK, expected, found));
        }

        /**
         * Copies the entry's data to {@code out} (or nowhere) and returns its SHA-256. The tar
         * stream ends at the entry's end, and sparse entries never get here, so this reads and
         * writes no more than the header's size.
         */
        private String copy(TarArchiveInputStream tar, OutputStream out) throws IOException {
            sha256.reset();
            int n;
            while ((n = tar.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
                if (out != null) {
                    out.write(buffer, 0, n);
                }
            }
            return ImageBundle.hex(sha256.digest());
        }

        private void mismatch(String name, String expected, String found) {
            checks.add(new FileCheck(name, expected == null ? FileCheck.Status.EXTRA
                    : FileCheck.Status.CHANGED, expected, found));
        }

        private SkiffException damaged(String what) {
            return new SkiffException("Image bundle " + bundle + " is damaged: " + what
                    + ". Nothing was extracted; fetch the bundle again or rebuild it.");
        }

        private SkiffException refuse(String name, String why) {
            return new SkiffException("Refusing image bundle " + bundle + ": entry '" + name
                    + "' is unsafe or unexpected: " + why + "."
                    + (extracting() ? " Nothing was extracted." : "")
                    + " The bundle was not written by Skiff or was tampered with; do not use it.");
        }
    }

    static String stripSlash(String name) {
        return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }

    static String describe(ImageFile f) {
        return describeFile(f.sha256(), f.size(), f.modeBits());
    }

    static String describeFile(String sha256, long size, int mode) {
        return "sha256 " + sha256 + ", " + size + " bytes, mode " + ImageFile.modeString(mode);
    }

    static String describeLink(String target) {
        return "symbolic link to " + target;
    }
}
