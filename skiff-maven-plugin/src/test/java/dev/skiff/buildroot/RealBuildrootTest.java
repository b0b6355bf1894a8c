package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.testing.RealBuildroot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the pinned Buildroot release; skipped unless SKIFF_TEST_BUILDROOT is set. */
class RealBuildrootTest {

    @TempDir
    Path tmp;

    @Test
    void opensPinnedRelease() {
        BuildrootTree tree = RealBuildroot.tree();
        assertEquals(BuildrootTree.PINNED_RELEASE, tree.version());
    }

    @Test
    void appliesStockDefconfig() throws IOException {
        BuildrootTree tree = RealBuildroot.tree();
        Path out = tmp.resolve("output");
        MakeInvocation inv = MakeInvocation.of(tree, out, out.resolve("build.log"),
                "qemu_x86_64_defconfig");

        MakeResult result = new BuildrootMake().run(inv, line -> { })
                .requireSuccess(inv.describe());

        assertEquals(0, result.exitCode());
        List<String> config = Files.readAllLines(out.resolve(".config"));
        assertTrue(config.contains("BR2_x86_64=y"), "BR2_x86_64=y missing from .config");
    }
}
