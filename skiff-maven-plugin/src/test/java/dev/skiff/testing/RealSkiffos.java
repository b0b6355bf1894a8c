package dev.skiff.testing;

import dev.skiff.buildroot.BuildrootTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests against the real SkiffOS: {@value #VARIABLE} names upstream SkiffOS as a git
 * bundle (or any git URL), and {@link RealBuildroot#next()} the Buildroot of the series SkiffOS
 * pins, used in place of SkiffOS's own Buildroot fork (which cannot be fetched offline). Unset
 * means skip with a visible note; set but wrong means fail.
 */
public final class RealSkiffos {
    public static final String VARIABLE = "SKIFF_TEST_SKIFFOS";

    private static volatile boolean skipAnnounced;

    private RealSkiffos() {}

    /** The SkiffOS bundle or URL, or aborts the calling test as skipped. */
    public static String source() {
        String value = RealBuildroot.setting(VARIABLE);
        if (value == null) {
            String reason = "real SkiffOS tests need " + VARIABLE + "=<skiffos.bundle or a SkiffOS git URL>"
                    + " (the fixture is ../shared/fixtures/skiffos.bundle; .ci/run sets it)";
            if (!skipAnnounced) {
                skipAnnounced = true;
                System.err.println("SKIPPED: " + reason);
            }
            Assumptions.assumeTrue(false, reason);
        }
        if (!value.contains("://") && !Files.exists(Path.of(value))) {
            Assertions.fail(VARIABLE + "=" + value + " is set but does not exist");
        }
        return value;
    }

    /**
     * Clones SkiffOS into {@code dir} (a real git repository, as a user has it) and puts
     * {@code buildroot} in place of its Buildroot submodule as a link.
     */
    public static Path checkout(Path dir, BuildrootTree buildroot) throws Exception {
        String src = source();
        String uri = src.contains("://") ? src : Path.of(src).toAbsolutePath().toString();
        Git.cloneRepository().setURI(uri).setDirectory(dir.toFile()).setCloneSubmodules(false).call().close();
        Path br = dir.resolve("buildroot");
        if (Files.isDirectory(br) && !Files.isSymbolicLink(br)) {
            try (var s = Files.list(br)) {
                if (s.findAny().isPresent()) throw new IOException(br + " is not empty");
            }
            Files.delete(br);
        }
        Files.createSymbolicLink(br, buildroot.dir());
        return dir;
    }
}
