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

    /** The configured tree, or aborts the calling test as skipped if none is configured. */
    public static BuildrootTree tree() {
        String value = System.getProperty(VARIABLE);
        if (value == null || value.isBlank()) {
            value = System.getenv(VARIABLE);
        }
        if (value == null || value.isBlank()) {
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
