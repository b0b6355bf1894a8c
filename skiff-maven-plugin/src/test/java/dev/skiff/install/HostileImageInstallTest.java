package dev.skiff.install;

import static dev.skiff.install.DiskFixtures.TOOLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.SkiffException;
import dev.skiff.image.ImageFile;
import dev.skiff.image.ImageSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images whose links lead out of the image directory, as a bundle and as a workspace: an install
 * must never read a host file through them, nor walk the host's file system.
 */
class HostileImageInstallTest {
    /** Seven levels down; see {@code HostileBundleTest} for why this chain escapes. */
    static final String DEEP = "a/b/c/d/e/f/g";
    static final String CHAIN_LINK = "../../../../../../../z";
    static final String ESCAPE = DEEP + "/L/../../../../../../../../etc/hostname";

    static final String BOOTLOADER_LAYOUT = "table: msdos\nsize: 64M\npartitions:\n  - label: BOOT\n    role: boot\n"
            + "    filesystem: vfat\n    size: rest\nbootloader:\n  - file: u-boot.bin\n    offset: 8K\n";

    @TempDir
    Path tmp;

    final List<String> log = new ArrayList<>();

    @BeforeEach
    void tools() {
        DiskFixtures.assumeTools();
    }

    private DiskLayout bootloaderLayout() throws IOException {
        Path f = tmp.resolve("layout.yaml");
        Files.writeString(f, BOOTLOADER_LAYOUT);
        return DiskLayoutParser.parse(f);
    }

    private InstallResult install(ImageSource src, DiskLayout layout, Path out) {
        return ImageFileInstall.install(new ImageFileInstall.Request(src, layout, out, false, null), TOOLS, log::add);
    }

    @Test
    void aBundleWhoseBootloaderIsALinkChainToAHostFileInstallsNothing() throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("/etc/hostname")), "needs /etc/hostname as the host file");
        Path images = DiskFixtures.piImages(tmp.resolve("images"), "kernel\n");
        Files.createDirectories(images.resolve(DEEP));
        Files.createDirectories(images.resolve("z"));
        Files.createSymbolicLink(images.resolve(DEEP + "/L"), Path.of(CHAIN_LINK));
        Files.createSymbolicLink(images.resolve("u-boot.bin"), Path.of(ESCAPE));
        Path bundle = forgedBundle(images, tmp.resolve("pi.tar"));
        DiskLayout layout = bootloaderLayout();
        Path out = tmp.resolve("out/sunxi.img");
        Path scratch = tmp.resolve("scratch");

        SkiffException e = assertThrows(SkiffException.class, () -> {
            try (ImageSource src = ImageSource.fromBundle(bundle, scratch)) {
                install(src, layout, out);
            }
        });

        assertTrue(e.getMessage().contains("link 'u-boot.bin'") && e.getMessage().contains("leads outside"),
                e.getMessage());
        assertFalse(Files.exists(out), "nothing installed");
        try (Stream<Path> s = Files.list(scratch)) {
            assertEquals(List.of(), s.toList(), "nothing left in scratch");
        }
    }

    @Test
    void aWorkspaceBootloaderLinkToAHostFileIsRefused() throws Exception {
        Path host = Files.createDirectories(tmp.resolve("host"));
        Files.writeString(host.resolve("secret.bin"), "HOST SECRET");
        Path images = DiskFixtures.piImages(tmp.resolve("images"), "kernel\n");
        Files.createSymbolicLink(images.resolve("u-boot.bin"), host.resolve("secret.bin"));
        Path out = tmp.resolve("sunxi.img");

        SkiffException e = assertThrows(SkiffException.class,
                () -> install(DiskFixtures.source(images, "pi/common"), bootloaderLayout(), out));

        assertTrue(e.getMessage().contains(images.resolve("u-boot.bin").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("leads outside " + images), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void theBootloaderIsReadByRealPathEvenWhenTheImageWasNotCheckedForLinks() throws Exception {
        // An ImageSource made without fromDirectory's checks: the install itself must still
        // refuse to read through a link that leaves the image.
        Path host = Files.createDirectories(tmp.resolve("host"));
        Files.writeString(host.resolve("secret.bin"), "HOST SECRET");
        Path images = DiskFixtures.piImages(tmp.resolve("images"), "kernel\n");
        ImageSource listed = DiskFixtures.source(images, "pi/common");
        Files.createSymbolicLink(images.resolve("u-boot.bin"), host.resolve("secret.bin"));
        List<ImageFile> files = new ArrayList<>(listed.files());
        files.add(new ImageFile("u-boot.bin", 11, sha256("HOST SECRET"), "0644"));
        ImageSource unchecked = new ImageSource(images, files, listed.chain(), listed.board(), null, false);
        Path out = tmp.resolve("sunxi.img");

        SkiffException e = assertThrows(SkiffException.class, () -> install(unchecked, bootloaderLayout(), out));

        assertTrue(e.getMessage().contains("leads outside the images directory"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void aBootloaderLinkInsideTheImageIsFollowedAndChecked() throws Exception {
        Path images = DiskFixtures.piImages(tmp.resolve("images"), "kernel\n");
        Files.createDirectories(images.resolve("u-boot"));
        Files.write(images.resolve("u-boot/u-boot-sunxi-with-spl.bin"),
                "UBOOT".repeat(1000).getBytes(StandardCharsets.US_ASCII));
        Files.createSymbolicLink(images.resolve("u-boot.bin"), Path.of("u-boot/u-boot-sunxi-with-spl.bin"));
        DiskLayout layout = bootloaderLayout();
        Path out = tmp.resolve("sunxi.img");

        install(DiskFixtures.source(images, "pi/common"), layout, out);
        byte[] disk = Files.readAllBytes(out);
        assertEquals("UBOOTUBOOT", new String(disk, 8192, 10, StandardCharsets.US_ASCII));

        // Changed after the image was listed (same size, so only the checksum can tell).
        ImageSource src = DiskFixtures.source(images, "pi/common");
        Files.write(images.resolve("u-boot/u-boot-sunxi-with-spl.bin"),
                "EVILB".repeat(1000).getBytes(StandardCharsets.US_ASCII));
        String before = DiskFixtures.sha256(out);
        SkiffException e = assertThrows(SkiffException.class, () -> install(src, layout, out));
        assertTrue(e.getMessage().contains("bootloader file " + images.resolve("u-boot.bin") + " changed or is damaged"),
                e.getMessage());
        assertEquals(before, DiskFixtures.sha256(out), "the previous image stays");
    }

    @Test
    void aLinkToTheHostRootIsNeverWalked() throws Exception {
        Path images = DiskFixtures.piImages(tmp.resolve("images"), "kernel\n");
        Files.createSymbolicLink(images.resolve("host"), Path.of("/"));
        Path out = tmp.resolve("pi.img");
        DiskLayout layout = DiskFixtures.smallPiLayout(tmp);

        // Walking / would take minutes (or never end); refusing takes milliseconds.
        SkiffException workspace = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                SkiffException.class, () -> install(DiskFixtures.source(images, "pi/common"), layout, out)));
        assertTrue(workspace.getMessage().contains(images.resolve("host") + " is a symbolic link to /"),
                workspace.getMessage());
        SkiffException walk = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                SkiffException.class, () -> PartitionContents.listAll(images)));
        assertTrue(walk.getMessage().contains(images.resolve("host") + " leads outside the images directory"),
                walk.getMessage());
        assertFalse(Files.exists(out));
    }

    // ---- helpers ----------------------------------------------------------------------------

    /**
     * A bundle made with GNU tar from {@code images} as it is, real links included, with a
     * manifest listing every file and link correctly: what a forger with a plain tar makes.
     */
    private static Path forgedBundle(Path images, Path bundle) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("format", "skiff-image/1").put("createdBy", "forged").put("board", "pi/4").put("workspace", "default")
                .put("sourceDateEpoch", 0);
        m.putArray("chain").add("pi/common").add("pi/4");
        ArrayNode files = m.putArray("files");
        ArrayNode links = m.putArray("links");
        List<String> top = new ArrayList<>();
        try (Stream<Path> s = Files.walk(images)) {
            for (Path p : s.sorted().toList()) {
                String rel = images.relativize(p).toString();
                if (rel.isEmpty()) continue;
                if (!rel.contains("/")) top.add(rel);
                if (Files.isSymbolicLink(p)) {
                    links.addObject().put("path", rel).put("target", Files.readSymbolicLink(p).toString());
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.addObject().put("path", rel).put("size", Files.size(p)).put("sha256", DiskFixtures.sha256(p))
                            .put("mode", "0644");
                }
            }
        }
        Files.write(images.resolve("skiff-image.json"), json.writeValueAsBytes(m));
        List<String> cmd = new ArrayList<>(List.of("tar", "--mode=0644", "-cf", bundle.toString(), "-C",
                images.toString()));
        cmd.addAll(top);
        cmd.add("skiff-image.json");
        TOOLS.run(cmd, null);
        return bundle;
    }

    private static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
