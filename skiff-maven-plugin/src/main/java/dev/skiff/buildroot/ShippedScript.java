package dev.skiff.buildroot;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A shell script shipped as a resource of this package ({@code src/main/resources/dev/skiff/buildroot/},
 * where {@code ShellcheckTest} checks it), installed as a file where make and the shell can run it.
 */
final class ShippedScript {
    private ShippedScript() {}

    /** The resource's text, as shipped. */
    static byte[] bytes(String name) {
        try (InputStream in = ShippedScript.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource dev/skiff/buildroot/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SkiffException("cannot read the plugin resource dev/skiff/buildroot/" + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the resource {@code name} to {@code target}, mode 0755. The file is replaced by a
     * rename, never rewritten in place: a shell still running the old copy (an earlier build's
     * watchdog) reads its script as it goes and would otherwise read a mix of both.
     */
    static Path install(String name, Path target) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.write(tmp, bytes(name));
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new SkiffException("cannot write " + target + ": " + e.getMessage()
                    + ". Check that the workspace is writable.", e);
        }
    }
}
