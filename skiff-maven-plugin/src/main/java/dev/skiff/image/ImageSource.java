package dev.skiff.image;

import dev.skiff.FileTree;
import dev.skiff.Sha256;
import dev.skiff.SkiffException;
import dev.skiff.sign.TrustedKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An image ready to install or push: a directory of image files and the checksum of each. From a
 * workspace the checksums are computed; from a bundle they come from its manifest and every file
 * has been checked against it while extracting, so a corrupt bundle is refused before anything
 * is written to a disk or a device.
 *
 * @param dir the image files ({@code images/} layout)
 * @param files every regular file with size and SHA-256, sorted by path
 * @param chain the expanded layer chain the image was built from (selects the disk layout)
 * @param diskImage the flashable disk image inside {@code dir}, relative, or null
 * @param temporary true when {@code dir} was extracted for this use and is deleted by {@link #close}
 * @param signature the bundle's signature entries (Contract S: a push copies them beside the set so
 *     the device can check it), kept out of {@code dir} so that no layout rule copies them by accident;
 *     null for a workspace or an unsigned bundle
 */
public record ImageSource(Path dir, List<ImageFile> files, List<String> chain, String board, String diskImage,
                          boolean temporary, BundleSignature signature) implements AutoCloseable {
    public ImageSource {
        files = List.copyOf(files);
        chain = List.copyOf(chain);
    }

    /** An unsigned image. */
    public ImageSource(Path dir, List<ImageFile> files, List<String> chain, String board, String diskImage,
                       boolean temporary) {
        this(dir, files, chain, board, diskImage, temporary, null);
    }

    /**
     * {@link #fromDirectory(Path, List, String)}, refused when {@code trusted} is set: a workspace's
     * images are never signed, so with {@code skiff.trustedKeys} only a signed bundle is accepted.
     */
    public static ImageSource fromDirectory(Path imagesDir, List<String> chain, String board, TrustedKeys trusted) {
        if (trusted != null) {
            throw new SkiffException("skiff.trustedKeys (" + trusted.file() + ") accepts only bundles signed by its keys,"
                    + " but no -Dskiff.image was given, so the image would be the workspace's unsigned " + imagesDir
                    + ". Name a signed bundle with -Dskiff.image=<file | groupId:artifactId:version[:classifier]>, or"
                    + " drop skiff.trustedKeys to use the workspace's images. Nothing was written.");
        }
        return fromDirectory(imagesDir, chain, board);
    }

    /** A workspace's {@code images/}, with checksums computed now. */
    public static ImageSource fromDirectory(Path imagesDir, List<String> chain) {
        return fromDirectory(imagesDir, chain, null);
    }

    /**
     * @param board the first layer the user named; null means the first of {@code chain}, which
     *     after expansion may be a dependency (skiff/moduleimg before pi/4)
     */
    public static ImageSource fromDirectory(Path imagesDir, List<String> chain, String board) {
        if (!Files.isDirectory(imagesDir)) {
            throw new SkiffException("no images at " + imagesDir + ": build the workspace first (mvn package or skiff:compile).");
        }
        List<ImageFile> files = new ArrayList<>();
        Path root;
        try {
            root = imagesDir.toRealPath();
            // Only the files themselves: a link is read through only where its real path is one
            // of them, as with a bundle (whose manifest lists files, not links).
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.sorted(Comparator.comparing(Path::toString)).toList()) {
                    if (Files.isSymbolicLink(p)) {
                        requireInside(imagesDir, root, p);
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        files.add(new ImageFile(relative(root, p), Files.size(p), Sha256.of(p),
                                Files.isExecutable(p) ? "0755" : "0644"));
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            Throwable c = e instanceof UncheckedIOException u ? u.getCause() : e;
            throw new SkiffException("cannot read images in " + imagesDir + ": " + c.getMessage(), c);
        }
        String[] collision = EntryName.caseCollision(files.stream().map(ImageFile::path).toList());
        if (collision != null) {
            throw new SkiffException("The images in " + imagesDir + " include " + EntryName.caseCollisionProblem(collision)
                    + ". Remove or rename one (in the post-image hook or the layer that installs it), then build again.");
        }
        Path disk = DiskImage.find(root);
        String diskImage = null;
        if (disk != null) {
            try {
                // A link such as sdcard.img -> rpi4.img names the file it leads to, as in a bundle.
                diskImage = relative(root, disk.toRealPath());
            } catch (IOException e) {
                throw new SkiffException("cannot read " + disk + ": " + e.getMessage(), e);
            }
        }
        return new ImageSource(imagesDir, files, chain, board != null ? board : chain.isEmpty() ? null : chain.get(0),
                diskImage, false);
    }

    /**
     * Refuses a link in a workspace's images whose real path lies outside them: an install or a
     * push never reads a file of the host through the image. A link to nothing is left alone;
     * nothing can be read through it.
     */
    private static void requireInside(Path imagesDir, Path root, Path link) throws IOException {
        Path real;
        try {
            real = link.toRealPath();
        } catch (FileSystemException dangling) {
            return;
        }
        if (!real.startsWith(root)) {
            throw new SkiffException("The image file " + imagesDir.resolve(relative(root, link)) + " is a symbolic link to "
                    + Files.readSymbolicLink(link) + ", which leads outside " + imagesDir + " (to " + real + "). An image"
                    + " may only install or push its own files, and skiff:package refuses such a link too: replace it"
                    + " with a copy, or with a relative link inside the images directory.");
        }
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /** Extracts and verifies a bundle into a fresh temporary directory below {@code scratch}. */
    public static ImageSource fromBundle(Path bundle, Path scratch) {
        return fromBundle(bundle, scratch, null, message -> { });
    }

    /**
     * Checks a bundle's signature ({@link BundleSignature#check}), then extracts and verifies it into a
     * fresh temporary directory below {@code scratch}. The signature is checked first, by seeking, so a
     * bundle that is unsigned or signed by an untrusted key is refused before anything is written, even
     * to scratch space; a file altered after signing is refused while extracting, before the caller
     * writes anything to a disk or device.
     *
     * @param trusted the keys it must be signed with; null accepts any bundle, signed or not
     * @param log receives one line saying whether and by whom the bundle is signed
     */
    public static ImageSource fromBundle(Path bundle, Path scratch, TrustedKeys trusted, Consumer<String> log) {
        SignatureCheck check = BundleSignature.check(bundle, trusted);
        log.accept(check.describe());
        try {
            Files.createDirectories(scratch);
            Path dir = Files.createTempDirectory(scratch, "image-");
            Files.delete(dir); // extract wants to create it itself, atomically
            ImageManifest m = ImageBundle.extract(bundle, dir);
            Files.deleteIfExists(dir.resolve(ImageManifest.ENTRY_NAME));
            BundleSignature signature = null;
            Path list = dir.resolve(BundleSignature.LIST_ENTRY);
            Path sig = dir.resolve(BundleSignature.SIGNATURE_ENTRY);
            if (Files.isRegularFile(list) && Files.isRegularFile(sig)) {
                signature = new BundleSignature(Files.readAllBytes(list), Files.readAllBytes(sig));
            }
            Files.deleteIfExists(list);
            Files.deleteIfExists(sig);
            return new ImageSource(dir, m.files(), m.chain(), m.board(), m.diskImage(), true, signature);
        } catch (IOException e) {
            throw new SkiffException("cannot extract " + bundle + " below " + scratch + ": " + e.getMessage(), e);
        }
    }

    public ImageFile file(String path) {
        for (ImageFile f : files) if (f.path().equals(path)) return f;
        return null;
    }

    @Override
    public void close() {
        if (temporary) FileTree.deleteQuietly(dir);
    }
}
