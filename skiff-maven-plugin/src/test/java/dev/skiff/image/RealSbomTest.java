package dev.skiff.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.MakeInvocation;
import dev.skiff.testing.RealBuildroot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SBOM from real Buildroot show-info; skipped unless SKIFF_TEST_BUILDROOT is set. */
class RealSbomTest {

    @TempDir
    Path tmp;

    @Test
    void sbomOfQemuDefconfigListsBusyboxAndLinux() throws IOException {
        BuildrootTree tree = RealBuildroot.tree();
        Path out = tmp.resolve("output");
        BuildrootMake make = new BuildrootMake();
        MakeInvocation defconfig = MakeInvocation.of(tree, out, out.resolve("defconfig.log"),
                "qemu_x86_64_defconfig");
        make.run(defconfig, line -> { }).requireSuccess(defconfig.describe());

        // -s and --no-print-directory keep make's own messages out of the JSON on stdout.
        MakeInvocation showInfo = MakeInvocation.of(tree, out, out.resolve("show-info.log"),
                "-s", "--no-print-directory", "show-info");
        List<String> lines = new ArrayList<>();
        make.run(showInfo, lines::add).requireSuccess(showInfo.describe());
        String text = String.join("\n", lines);
        Path json = tmp.resolve("show-info.json");
        // stderr is merged into the same stream; keep only the JSON object, to be safe.
        Files.writeString(json, text.substring(text.indexOf('{'), text.lastIndexOf('}') + 1));

        Sbom sbom = Sbom.fromShowInfo(json,
                new SbomSubject("qemu-test", "1.0", "test", Map.of()), 0);

        SbomComponent busybox = sbom.component("busybox").orElseThrow();
        assertTrue(busybox.version().matches("1\\.\\d+\\.\\d+"), busybox.version());
        assertTrue(busybox.licenses().contains(new SbomLicense("GPL-2.0", null)),
                busybox.licenses().toString());
        assertTrue(busybox.references().stream().anyMatch(r -> r.url().equals(
                "https://www.busybox.net/downloads/busybox-" + busybox.version() + ".tar.bz2")),
                busybox.references().toString());
        SbomComponent linux = sbom.component("linux").orElseThrow();
        assertTrue(linux.version().matches("\\d+\\.\\d+(\\.\\d+)?"), linux.version());
        assertEquals(List.of(new SbomLicense("GPL-2.0", null)), linux.licenses());
        assertEquals("target", linux.packageType());
        assertTrue(sbom.components().stream().anyMatch(SbomComponent::host), "host packages");
        assertFalse(sbom.component("toolchain").isPresent(), "virtual packages are left out");
        assertTrue(new String(sbom.toJson(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("\"purl\" : \"pkg:generic/linux@" + linux.version() + "\""));
    }
}
