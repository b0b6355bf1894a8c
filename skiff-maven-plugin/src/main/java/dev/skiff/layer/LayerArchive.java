package dev.skiff.layer;

import dev.skiff.FileTree;
import dev.skiff.Sha256;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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
        String hash;
        try {
            hash = Sha256.of(jarOrDir).substring(0, 16);
        } catch (IOException e) {
            throw new SkiffException("cannot read layer library " + jarOrDir + ": " + e.getMessage(), e);
        }
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
                FileTree.delete(tmp); // a half-extracted library must never be mistaken for a whole one
                throw e;
            }
            if (count == 0) {
                FileTree.delete(tmp);
                throw new SkiffException(jarOrDir + " holds no files under " + PREFIX
                        + ": it is not a layer library.");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another build extracted the same content first; theirs is identical.
                FileTree.delete(tmp);
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

}
