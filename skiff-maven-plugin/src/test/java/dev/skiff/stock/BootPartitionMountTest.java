package dev.skiff.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.install.DiskLayout;
import dev.skiff.install.DiskLayoutParser;
import dev.skiff.install.Partition;
import dev.skiff.install.PushTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * skiff:push writes to the directory a layout's {@code push:} block names, so the running system
 * must have the pushed partition mounted there: the persist partition is mounted at /mnt/persist
 * by base/pre, and a boot partition by a mount unit of the layout's layer, found by the label the
 * layout gives it, enabled at boot.
 */
class BootPartitionMountTest {
    private static final String PERSIST_MOUNT = "/mnt/persist";

    @TempDir
    Path tmp;

    /** Every stock layer with a layout.yaml that has a push: block. */
    static List<String> layoutsWithPush() {
        List<String> out = new ArrayList<>();
        for (String l : StockUnits.layers()) {
            Path f = StockUnits.LAYERS.resolve(l).resolve("layout.yaml");
            if (Files.isRegularFile(f) && DiskLayoutParser.parse(f).push() != null) out.add(l);
        }
        return out;
    }

    @Test
    void theBoardLayoutsArePushTargets() {
        // intel/desktop, virt/qemu, pi/4 and pi/5 have A/B layouts instead (StockSlotsTest).
        assertEquals(List.of("pi/common"), layoutsWithPush());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layoutsWithPush")
    void thePushDirectoryIsMountedFromThePartitionTheLayoutNames(String layer) throws Exception {
        DiskLayout layout = DiskLayoutParser.parse(StockUnits.LAYERS.resolve(layer).resolve("layout.yaml"));
        PushTarget push = layout.push();
        Partition part = layout.partition(push.role()).orElseThrow();
        if (part.role() == Partition.Role.PERSIST) {
            // skiff-persist mounts persist at /mnt/persist; the push directory is the same folder there.
            String from = push.from().equals("/") ? "" : push.from();
            assertEquals(PERSIST_MOUNT + from, push.dir(), layer + ": push.dir for files below " + push.from() + " on persist");
            return;
        }
        Path root = tmp.resolve("root");
        List<String> closure = StockUnits.closure(layer);
        StockUnits.overlay(closure, root);
        UnitOrder units = UnitOrder.read(root);
        List<UnitOrder.Unit> mounts = units.names().stream().map(n -> units.unit(n).orElseThrow())
                .filter(u -> u.type().equals("mount") && u.single("Mount.Where").orElse("").equals(push.dir())).toList();
        assertEquals(1, mounts.size(), layer + ": one mount unit for the push directory " + push.dir() + " in " + closure);
        UnitOrder.Unit m = mounts.get(0);
        assertEquals("/dev/disk/by-label/" + part.label(), m.single("Mount.What").orElse(""), m.sources().toString());
        assertEquals(part.filesystem().yamlName(), m.single("Mount.Type").orElse(""), m.sources().toString());
        assertTrue(m.get("Install.WantedBy").contains("local-fs.target"), m.sources() + " is wanted by local-fs.target");
        assertTrue(enabledByPreset(root, m.name()), m.name() + " is enabled by a preset of " + closure);
    }

    /**
     * A disk image a board's own hook builds (intel/desktop's disk.img) labels its FAT partitions
     * as the layout does, or the mounts (and GRUB's search by label) find nothing when that image
     * is booted: every FAT label of the layout appears in the hook, and every label the hook sets
     * literally is one of them.
     */
    @Test
    void aDiskImageTheLayerBuildsUsesTheLayoutsLabels() throws Exception {
        Pattern label = Pattern.compile("label = \\\\?\"([^\"\\\\$]+)");
        List<String> checked = new ArrayList<>();
        for (String layer : StockUnits.layers()) {
            Path hook = StockUnits.LAYERS.resolve(layer).resolve("hooks/post.sh");
            Path layoutFile = StockUnits.LAYERS.resolve(layer).resolve("layout.yaml");
            if (!Files.isRegularFile(hook) || !Files.isRegularFile(layoutFile)) continue;
            String text = Files.readString(hook);
            if (!text.contains("genimage")) continue;
            DiskLayout layout = DiskLayoutParser.parse(layoutFile);
            List<String> fat = layout.partitions().stream().filter(p -> p.filesystem() == Partition.Filesystem.VFAT)
                    .map(Partition::label).toList();
            for (String l : fat) {
                assertTrue(Pattern.compile("\\b" + l + "\\b").matcher(text).find(), hook + " labels a partition " + l + " as layout.yaml does");
            }
            Matcher m = label.matcher(text);
            while (m.find()) assertTrue(fat.contains(m.group(1)), hook + ": label " + m.group(1) + " is not in " + fat);
            checked.add(layer);
        }
        assertEquals(List.of("intel/desktop"), checked, "layers whose hook builds a labelled disk image");
    }

    /**
     * Where the modules image lives on the boot partition, the kernel cannot load a module to
     * mount that partition (or persist): their file systems must be built in.
     */
    @Test
    void withTheModulesImageTheBootFileSystemsAreBuiltIn() throws Exception {
        List<String> checked = new ArrayList<>();
        for (String layer : layoutsWithPush()) {
            if (StockUnits.closure(layer).contains("skiff/moduleimg")) {
                builtInFileSystems(layer);
                checked.add(layer);
            }
        }
        assertEquals(List.of("pi/common"), checked, "layouts whose chain has the modules image");
        // The A/B Pi layouts: their slots are FAT, as pi/common's BOOT.
        for (String layer : List.of("pi/4", "pi/5")) builtInFileSystems(layer);
    }

    private static void builtInFileSystems(String layer) throws Exception {
        List<String> closure = StockUnits.closure(layer);
        DiskLayout layout = DiskLayoutParser.parse(StockUnits.LAYERS.resolve(layer).resolve("layout.yaml"));
        java.util.Map<String, String> kernel = new java.util.TreeMap<>();
        for (String l : closure) {
            Path dir = StockUnits.LAYERS.resolve(l).resolve("kernel");
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.sorted().toList()) {
                    for (String line : Files.readAllLines(f)) {
                        int eq = line.indexOf('=');
                        if (line.startsWith("CONFIG_") && eq > 0) kernel.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
            }
        }
        for (Partition p : layout.partitions()) {
            if (p.role() == Partition.Role.ROOTFS) continue;
            String symbol = switch (p.filesystem().yamlName()) {
                case "vfat" -> "CONFIG_VFAT_FS";
                case "ext4" -> "CONFIG_EXT4_FS";
                default -> throw new AssertionError(p.filesystem().yamlName());
            };
            assertEquals("y", kernel.get(symbol), layer + ": " + p.label() + " (" + p.filesystem().yamlName()
                    + ") is mounted before modules.squashfs, so " + symbol + "=y in the kernel fragments of " + closure);
        }
        if (kernel.containsKey("CONFIG_VFAT_FS")) {
            assertEquals("y", kernel.get("CONFIG_NLS_CODEPAGE_437"), "FAT's default code page, built in");
            assertEquals("y", kernel.get("CONFIG_NLS_ISO8859_1"), "FAT's default character set, built in");
        }
    }

    private static boolean enabledByPreset(Path root, String unit) throws IOException {
        Path presets = root.resolve("usr/lib/systemd/system-preset");
        if (!Files.isDirectory(presets)) return false;
        try (Stream<Path> s = Files.list(presets)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".preset")).toList()) {
                for (String line : Files.readAllLines(p)) {
                    if (line.strip().equals("enable " + unit)) return true;
                }
            }
        }
        return false;
    }
}
