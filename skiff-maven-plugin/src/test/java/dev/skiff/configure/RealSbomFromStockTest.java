package dev.skiff.configure;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.ShowInfo;
import dev.skiff.image.Sbom;
import dev.skiff.image.SbomComponent;
import dev.skiff.image.SbomSubject;
import dev.skiff.testing.RealBuildroot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SBOM of the stock virt/qemu,skiff/core configuration, from real `make show-info`. */
class RealSbomFromStockTest {
    @TempDir
    Path tmp;

    @Test
    void listsBusyboxLinuxAndSystemdWithVersionsLicencesAndSources() throws Exception {
        BuildrootTree tree = RealBuildroot.tree();
        MergeFixture f = new MergeFixture(tmp).withStock();
        new Configure(new BuildrootMake()).run(f.request("virt/qemu,skiff/core"), tree, l -> { });
        Path ws = f.workspaceDir;
        Path info = ShowInfo.write(new BuildrootMake(), tree, ws, ws.resolve("show-info.json"), ws.resolve("show-info.log"));
        Sbom sbom = Sbom.fromShowInfo(info, new SbomSubject("acme-os", "1.0", "0.1.0", Map.of()), 1700000000L);
        for (String pkg : List.of("busybox", "linux", "systemd", "docker-engine", "skiff-core")) {
            SbomComponent c = sbom.component(pkg).orElseThrow(() -> new AssertionError(pkg + " missing from the SBOM"));
            assertTrue(c.version() != null && c.version().matches("v?\\d+(\\.\\d+)*.*"), pkg + " " + c.version());
            assertFalse(c.licenses().isEmpty(), pkg + " has licences");
            assertFalse(c.references().isEmpty(), pkg + " has download URLs");
        }
        assertTrue(new String(sbom.toJson()).contains("\"bomFormat\" : \"CycloneDX\"") || new String(sbom.toJson()).contains("\"bomFormat\":\"CycloneDX\""));
    }
}
