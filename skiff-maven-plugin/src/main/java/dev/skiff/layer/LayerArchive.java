package dev.skiff.layer;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A layer library packed as a jar (the stock {@code skiff-layers}, or a company's layer
 * pack): layers live under {@code skiff/layers/} inside it. Buildroot needs real directories
 * (overlays, patch dirs, BR2_EXTERNAL), so the archive is extracted once per content hash into
 * a cache and reused.
 *
 * <p>Jars do not keep Unix modes, so a file that starts with {@code #!} is made executable on
 * extraction; everything else is 0644. Layers that need other modes set them in a hook.
 */
public final class LayerArchive {
    public static final String PREFIX = "skiff/layers/";

    private LayerArchive() {}

    /** Extracts {@code jarOrDir} below {@code cacheDir} and returns the layer root directory. */
    public static Path extract(Path jarOrDir, Path cacheDir) {
        if (Files.isDirectory(jarOrDir)) {
            // A reactor build hands us target/classes: use it in place.
            Path root = jarOrDir.resolve(PREFIX);
            if (!Files.isDirectory(root)) {
                throw new SkiffException(jarOrDir + " holds no " + PREFIX + " directory: it is not a layer library.");
            }
            return root;
        }
        if (!Files.isRegularFile(jarOrDir)) {
            throw new SkiffException("layer library " + jarOrDir + " does not exist.");
        }
        String hash = sha256(jarOrDir).substring(0, 16);
        String base = jarOrDir.getFileName().toString().replaceAll("\\.jar$", "");
        Path target = cacheDir.resolve(base + "-" + hash);
        if (Files.isDirectory(target)) return target;
        try {
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempDirectory(cacheDir, ".extract-");
            int count = 0;
            try {
                count = unpack(jarOrDir, tmp);
            } catch (IOException | RuntimeException e) {
                deleteTree(tmp); // a half-extracted library must never be mistaken for a whole one
                throw e;
            }
            if (count == 0) {
                deleteTree(tmp);
                throw new SkiffException(jarOrDir + " holds no files under " + PREFIX
                        + ": it is not a layer library.");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another build extracted the same content first; theirs is identical.
                deleteTree(tmp);
                if (!Files.isDirectory(target)) throw raced;
            }
            return target;
        } catch (IOException e) {
            throw new SkiffException("cannot extract layer library " + jarOrDir + " to " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code jar} carries layers under {@value #PREFIX} (a layer pack), without extracting it. */
    public static boolean isLayerLibrary(Path jar) {
        if (!Files.isRegularFile(jar) || !jar.getFileName().toString().endsWith(".jar")) return false;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(e -> e.getName().startsWith(PREFIX) && e.getName().length() > PREFIX.length());
        } catch (IOException e) {
            return false;
        }
    }

    private static int unpack(Path jarOrDir, Path tmp) throws IOException {
        int count = 0;
        try (ZipFile zip = new ZipFile(jarOrDir.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String n = e.getName();
                if (!n.startsWith(PREFIX) || n.length() == PREFIX.length()) continue;
                Path out = tmp.resolve(n.substring(PREFIX.length())).normalize();
                if (!out.startsWith(tmp)) {
                    throw new SkiffException(jarOrDir + ": entry " + n + " escapes the layer directory.");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(
                        startsWithShebang(out) ? "rwxr-xr-x" : "rw-r--r--"));
                count++;
            }
        }
        return count;
    }

    private static boolean startsWithShebang(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(2);
            return b.length == 2 && b[0] == '#' && b[1] == '!';
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
