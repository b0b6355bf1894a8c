package dev.skiff.testing;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need a real Buildroot checkout, named by the environment variable or
 * system property {@value #VARIABLE}. Unset means skip (with a visible note, so a green run
 * without it is not mistaken for full coverage); set but wrong means fail, so a misconfigured
 * CI cannot silently skip everything.
 */
public final class RealBuildroot {

    public static final String VARIABLE = "SKIFF_TEST_BUILDROOT";

    private static volatile boolean skipAnnounced;

    private RealBuildroot() {}

    /** The Buildroot of the series SkiffOS tracks (2026.08-rc1 in the fixtures), used in place of SkiffOS's fork. */
    public static final String NEXT = "SKIFF_TEST_BUILDROOT_NEXT";

    private static volatile boolean nextSkipAnnounced;

    /** A test setting from a system property or the environment; null when unset or blank. */
    public static String setting(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) value = System.getenv(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The {@value #NEXT} tree, or aborts the calling test as skipped. */
    public static BuildrootTree next() {
        String value = setting(NEXT);
        if (value == null) {
            String reason = "tests on the Buildroot series SkiffOS tracks need " + NEXT + "=<buildroot-2026.08-rc1 tree>"
                    + " (the fixture is ../shared/fixtures/buildroot-2026.08-rc1.tar.xz; .ci/run extracts it)";
            if (!nextSkipAnnounced) {
                nextSkipAnnounced = true;
                System.err.println("SKIPPED: " + reason);
            }
            Assumptions.assumeTrue(false, reason);
        }
        try {
            return BuildrootTree.open(Path.of(value));
        } catch (SkiffException e) {
            return Assertions.fail(NEXT + "=" + value + " is set but unusable: " + e.getMessage(), e);
        }
    }

    /** The configured tree, or aborts the calling test as skipped if none is configured. */
    public static BuildrootTree tree() {
        String value = setting(VARIABLE);
        if (value == null) {
            String reason = "real Buildroot tests need " + VARIABLE + "=<buildroot-"
                    + BuildrootTree.PINNED_RELEASE + " checkout>";
            if (!skipAnnounced) {
                skipAnnounced = true;
                System.err.println("SKIPPED: " + reason);
            }
            Assumptions.assumeTrue(false, reason);
        }
        try {
            return BuildrootTree.open(Path.of(value.trim()));
        } catch (SkiffException e) {
            return Assertions.fail(VARIABLE + "=" + value + " is set but unusable: "
                    + e.getMessage(), e);
        }
    }
}
