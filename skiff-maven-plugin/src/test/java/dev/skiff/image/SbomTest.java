package dev.skiff.image;

import static dev.skiff.image.ImageBundleTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SbomTest {

    static final long EPOCH = 1_763_683_200L;

    /** Shaped like Buildroot 2026.02's show-info, trimmed to the interesting cases. */
    static final String SHOW_INFO = """
            {
              "busybox": {"type": "target", "name": "busybox", "virtual": false,
                "version": "1.37.0", "licenses": "GPL-2.0, bzip2-1.0.4",
                "downloads": [{"source": "busybox-1.37.0.tar.bz2", "uris": [
                  "https+https://www.busybox.net/downloads",
                  "https|urlencode+https://sources.buildroot.net/busybox"]}],
                "dependencies": ["host-skeleton", "skeleton", "toolchain"],
                "cpe-id": "cpe:2.3:a:busybox:busybox:1.37.0:-:*:*:*:*:*:*"},
              "linux": {"type": "target", "name": "linux", "virtual": false,
                "version": "6.19.14", "licenses": "GPL-2.0",
                "downloads": [{"source": "linux-6.19.14.tar.xz",
                  "uris": ["https+https://cdn.kernel.org/pub/linux/kernel/v6.x/"]}],
                "dependencies": ["host-kmod", "toolchain"]},
              "glibc": {"type": "target", "name": "glibc", "virtual": false,
                "version": "2.42-67-g4ebd33dd", "provides": ["toolchain"],
                "licenses": "GPL-2.0+ (programs), LGPL-2.1+, BSD-3-Clause, MIT (library)",
                "downloads": [{"source": "glibc-2.42-67-g4ebd33dd-git4.tar.gz",
                  "uris": ["git+https://sourceware.org/git/glibc.git"]}],
                "dependencies": []},
              "util-linux": {"type": "target", "name": "util-linux", "virtual": false,
                "version": "2.41.4",
                "licenses": "GPL-2.0+, LGPL-2.1+ (libblkid, libfdisk, libmount), gpl-3.0",
                "downloads": [], "dependencies": ["toolchain"]},
              "toolchain": {"type": "target", "name": "toolchain", "virtual": true,
                "dependencies": ["glibc"]},
              "skeleton": {"type": "target", "name": "skeleton", "virtual": true},
              "host-kmod": {"type": "host", "name": "kmod", "virtual": false,
                "version": "34", "licenses": "unknown", "dependencies": ["host-skeleton"]},
              "host-skeleton": {"type": "host", "name": "skeleton", "virtual": false,
                "version": "", "licenses": "unknown", "downloads": [], "dependencies": []},
              "rootfs-cpio": {"type": "rootfs", "image_name": "rootfs.cpio",
                "dependencies": ["rootfs-common"]}
            }
            """;

    @TempDir
    Path tmp;

    Path showInfo;

    @BeforeEach
    void write() throws IOException {
        showInfo = tmp.resolve("show-info.json");
        Files.writeString(showInfo, SHOW_INFO);
    }

    static SbomSubject subject() {
        return new SbomSubject("my-image", "1.0.0", "0.1.0",
                Map.of("skiff:board", "virt/qemu", "skiff:chain", "virt/qemu,skiff/core"));
    }

    @Test
    void componentsComeFromTargetAndHostPackages() {
        Sbom sbom = Sbom.fromShowInfo(showInfo, subject(), EPOCH);

        assertEquals(List.of("busybox", "glibc", "host-kmod", "host-skeleton", "linux",
                "util-linux"), sbom.components().stream().map(SbomComponent::bomRef).toList(),
                "sorted; virtual packages and rootfs left out");
        SbomComponent busybox = sbom.component("busybox").orElseThrow();
        assertEquals("1.37.0", busybox.version());
        assertEquals("pkg:generic/busybox@1.37.0", busybox.purl());
        assertEquals("cpe:2.3:a:busybox:busybox:1.37.0:-:*:*:*:*:*:*", busybox.cpe());
        assertEquals(List.of(new SbomLicense("GPL-2.0", null),
                new SbomLicense(null, "bzip2-1.0.4")), busybox.licenses(),
                "bzip2-1.0.4 is not on the SPDX list");
        assertEquals(List.of(
                new SbomReference("distribution",
                        "https://www.busybox.net/downloads/busybox-1.37.0.tar.bz2", null),
                new SbomReference("distribution",
                        "https://sources.buildroot.net/busybox/busybox-1.37.0.tar.bz2", null)),
                busybox.references());
        assertEquals(List.of("glibc", "host-skeleton"), busybox.dependsOn(),
                "virtual toolchain replaced by its provider; virtual skeleton has none");

        SbomComponent linux = sbom.component("linux").orElseThrow();
        assertEquals("https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.19.14.tar.xz",
                linux.references().get(0).url(), "no double slash");

        SbomComponent glibc = sbom.component("glibc").orElseThrow();
        assertEquals(List.of(new SbomReference("vcs", "https://sourceware.org/git/glibc.git",
                "git repository, archived by Buildroot as glibc-2.42-67-g4ebd33dd-git4.tar.gz")),
                glibc.references());
        assertEquals(List.of(new SbomLicense(null, "GPL-2.0+ (programs)"),
                new SbomLicense("LGPL-2.1+", null), new SbomLicense("BSD-3-Clause", null),
                new SbomLicense(null, "MIT (library)")), glibc.licenses());
        assertEquals("pkg:generic/glibc@2.42-67-g4ebd33dd", glibc.purl());

        assertEquals(List.of(new SbomLicense("GPL-2.0+", null),
                new SbomLicense(null, "LGPL-2.1+ (libblkid, libfdisk, libmount)"),
                new SbomLicense("GPL-3.0", null)),
                sbom.component("util-linux").orElseThrow().licenses(),
                "commas inside parentheses do not split; SPDX case is restored");

        SbomComponent kmod = sbom.component("host-kmod").orElseThrow();
        assertEquals("kmod", kmod.name());
        assertTrue(kmod.host());
        SbomComponent skeleton = sbom.component("host-skeleton").orElseThrow();
        assertEquals("pkg:generic/skeleton", skeleton.purl(), "no version, no @");

        assertEquals(List.of("busybox", "linux", "util-linux"), sbom.rootDependsOn());
    }

    @Test
    void jsonIsCycloneDx15WithReproducibleSerialNumber() throws IOException {
        Sbom sbom = Sbom.fromShowInfo(showInfo, subject(), EPOCH);
        Path out = sbom.write(tmp.resolve("target/bom.json"));
        JsonNode bom = new ObjectMapper().readTree(out.toFile());

        assertEquals("CycloneDX", bom.get("bomFormat").asText());
        assertEquals("1.5", bom.get("specVersion").asText());
        assertTrue(bom.get("serialNumber").asText().matches(
                "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
                bom.get("serialNumber").asText());
        assertEquals("2025-11-21T00:00:00Z", bom.at("/metadata/timestamp").asText());
        assertEquals("firmware", bom.at("/metadata/component/type").asText());
        assertEquals("my-image", bom.at("/metadata/component/name").asText());
        assertEquals("1.0.0", bom.at("/metadata/component/version").asText());
        assertEquals("skiff:board", bom.at("/metadata/component/properties/0/name").asText());
        assertEquals("0.1.0", bom.at("/metadata/tools/components/0/version").asText());

        JsonNode kmod = bom.at("/components/2");
        assertEquals("host-kmod", kmod.get("bom-ref").asText());
        assertEquals("skiff:package-type", kmod.at("/properties/0/name").asText());
        assertEquals("host", kmod.at("/properties/0/value").asText());
        assertEquals("GPL-2.0", bom.at("/components/0/licenses/0/license/id").asText());
        assertEquals("distribution",
                bom.at("/components/0/externalReferences/0/type").asText());
        assertFalse(bom.at("/components/5").has("externalReferences"));
        assertEquals("skiff-image:my-image", bom.at("/dependencies/0/ref").asText());

        // Same input, same bytes; the serial number follows the content.
        Files.writeString(tmp.resolve("copy.json"), SHOW_INFO);
        Sbom again = Sbom.fromShowInfo(tmp.resolve("copy.json"), subject(), EPOCH);
        assertArrayEquals(Files.readAllBytes(out), again.toJson());
        Files.writeString(showInfo, SHOW_INFO.replace("1.37.0", "1.37.1"));
        assertNotEquals(sbom.serialNumber(),
                Sbom.fromShowInfo(showInfo, subject(), EPOCH).serialNumber());
        assertNotEquals(sbom.serialNumber(),
                Sbom.fromShowInfo(tmp.resolve("copy.json"), subject(), EPOCH + 1)
                        .serialNumber());
    }

    @Test
    void subjectFromAManifest() {
        ImageManifest m = new ImageManifest(ImageManifest.FORMAT, "skiff", "pi/4",
                List.of("pi/common", "pi/4", "skiff/core"), List.of("pi/4", "skiff/core"),
                "default", new ImageVersions("2.0", "0.1.0", "2026.02.3", "v2.0"), EPOCH,
                null, List.of(), List.of());
        SbomSubject s = SbomSubject.of("acme-os", m);
        assertEquals("2.0", s.version());
        assertEquals("0.1.0", s.toolVersion());
        assertEquals("pi/common,pi/4,skiff/core", s.properties().get("skiff:chain"));
        assertEquals("2026.02.3", s.properties().get("skiff:buildroot-version"));
    }

    @Test
    void malformedShowInfoNamesTheFile() throws IOException {
        Files.writeString(showInfo, "make: Entering directory '/x'\n{\"busybox\": {}}");
        assertMentions(assertThrows(SkiffException.class,
                () -> Sbom.fromShowInfo(showInfo, subject(), EPOCH)),
                showInfo.toString(), "not valid JSON", "--no-print-directory");

        Files.writeString(showInfo, "[1, 2]");
        assertMentions(assertThrows(SkiffException.class,
                () -> Sbom.fromShowInfo(showInfo, subject(), EPOCH)),
                showInfo.toString(), "not a JSON object");

        Files.writeString(showInfo, "{\"busybox\": {\"version\": \"1\"}}");
        assertMentions(assertThrows(SkiffException.class,
                () -> Sbom.fromShowInfo(showInfo, subject(), EPOCH)),
                showInfo.toString(), "'busybox'", "\"type\"");

        Files.writeString(showInfo, "{\"busybox\": {\"type\": \"target\", \"licenses\": 3}}");
        assertMentions(assertThrows(SkiffException.class,
                () -> Sbom.fromShowInfo(showInfo, subject(), EPOCH)),
                showInfo.toString(), "'busybox'", "licenses");

        Path missing = tmp.resolve("nope.json");
        assertMentions(assertThrows(SkiffException.class,
                () -> Sbom.fromShowInfo(missing, subject(), EPOCH)),
                missing.toString(), "does not exist", "make show-info");
    }

    @Test
    void licenceListsSplitOnlyAtTopLevelCommas() {
        assertEquals(List.of("Apache-2.0", "vendored dependencies licenses probably not listed"),
                Sbom.splitTopLevel("Apache-2.0 , vendored dependencies licenses probably not"
                        + " listed"));
        assertEquals(List.of("AFL-2.1 or GPL-2.0+ (library, tools)", "GPL-2.0+"),
                Sbom.splitTopLevel("AFL-2.1 or GPL-2.0+ (library, tools), GPL-2.0+"));
        assertEquals(List.of(), Sbom.splitTopLevel(" , "));
    }
}
