package dev.skiff.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.install.DiskLayout;
import dev.skiff.install.DiskLayoutParser;
import dev.skiff.install.Partition;
import dev.skiff.install.SlotLayout;
import dev.skiff.install.SlotSwitch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The A/B layouts agree with what the device runs: {@code /etc/skiff/slots.conf} in the layer's
 * overlay (read by skiff-slot) names the layout's scheme, labels, directories, partition numbers
 * and switch file; GRUB's grub.cfg searches the same labels and reads the same grubenv; the
 * control partition is mounted where slots.conf says; on the Pi, /mnt/boot (where the modules
 * image is looked for) is the running slot; and the base layer ships skiff-slot and its units.
 */
class StockSlotsTest {
    @TempDir
    Path tmp;

    static List<String> abLayers() {
        List<String> out = new ArrayList<>();
        for (String l : StockUnits.layers()) {
            Path f = StockUnits.LAYERS.resolve(l).resolve("layout.yaml");
            if (Files.isRegularFile(f) && DiskLayoutParser.parse(f).slots().isPresent()) out.add(l);
        }
        return out;
    }

    @Test
    void theBoardsWithABootloaderTrialHaveAbLayouts() {
        assertEquals(List.of("intel/desktop", "pi/4", "pi/5", "virt/qemu"), abLayers());
    }

    @Test
    void theBaseLayerShipsSkiffSlotAndItsUnits() throws Exception {
        Path overlay = StockUnits.LAYERS.resolve("base/pre/root_overlay");
        assertTrue(Files.isExecutable(overlay.resolve("usr/lib/skiff/skiff-slot")));
        String preset = Files.readString(overlay.resolve("usr/lib/systemd/system-preset/30-skiff-base.preset"));
        for (String unit : List.of("skiff-slot-mount.service", "skiff-slot-commit.service")) {
            assertTrue(Files.isRegularFile(overlay.resolve("usr/lib/systemd/system").resolve(unit)), unit);
            assertTrue(preset.contains("enable " + unit + "\n"), unit + " enabled");
        }
        assertTrue(Files.isDirectory(overlay.resolve("etc/skiff/health.d")), "the health check directory layers add to");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abLayers")
    void slotsConfMatchesTheLayout(String layer) throws Exception {
        DiskLayout layout = DiskLayoutParser.parse(StockUnits.LAYERS.resolve(layer).resolve("layout.yaml"));
        SlotLayout slots = layout.slots().orElseThrow();
        Path root = tmp.resolve("root");
        StockUnits.overlay(StockUnits.closure(layer), root);
        Map<String, String> conf = conf(root.resolve("etc/skiff/slots.conf"));
        assertEquals(slots.scheme(), conf.get("scheme"));
        assertEquals(slots.labelA(), conf.get("label_a"));
        assertEquals(slots.labelB(), conf.get("label_b"));
        assertEquals(slots.dirA(), conf.get("dir_a"));
        assertEquals(slots.dirB(), conf.get("dir_b"));
        Partition loader = layout.partition(Partition.Role.LOADER).orElseThrow();
        assertEquals(loader.label(), conf.get("control_label"));
        if (slots.scheme().equals(SlotLayout.PI_TRYBOOT)) {
            assertEquals(String.valueOf(layout.number(layout.partition(Partition.Role.BOOT).orElseThrow())), conf.get("part_a"));
            assertEquals(String.valueOf(layout.number(layout.partition(Partition.Role.BOOT_B).orElseThrow())), conf.get("part_b"));
            assertEquals(1, layout.number(loader), "the firmware reads autoboot.txt from partition 1");
            assertEquals(SlotSwitch.AUTOBOOT, "/autoboot.txt");
        } else {
            assertEquals(SlotSwitch.GRUBENV, "/" + conf.get("grubenv"), "skiff-slot and the install use one grubenv");
            grubCfgUsesTheLayout(layer, slots, conf);
        }
        controlPartitionIsMounted(layer, root, loader, conf.get("control"));
    }

    private static void grubCfgUsesTheLayout(String layer, SlotLayout slots, Map<String, String> conf) throws Exception {
        String cfg = Files.readString(StockUnits.LAYERS.resolve(layer).resolve("resources/grub.cfg"));
        assertTrue(cfg.contains("set envfile=/" + conf.get("grubenv") + "\n"), layer + ": grub.cfg reads " + conf.get("grubenv"));
        assertTrue(cfg.contains("save_env -f \"${envfile}\" next_entry"), layer + ": the trial is one-shot");
        assertTrue(cfg.contains("set fallback=\"${saved_entry}\""), layer + ": a kernel GRUB cannot load falls back");
        for (String slot : List.of("a", "b")) {
            String label = slot.equals("a") ? slots.labelA() : slots.labelB();
            Matcher m = Pattern.compile("menuentry [^\\n]*--id slot-" + slot + " \\{\\n\\s*search --no-floppy --set=root --label ("
                    + "\\S+)\\n\\s*linux /bzImage skiff\\.slot=" + slot + " ").matcher(cfg);
            assertTrue(m.find(), layer + ": grub.cfg has entry slot-" + slot + " on its label with skiff.slot=" + slot);
            assertEquals(label, m.group(1), layer + ": slot " + slot + "'s label in grub.cfg");
        }
        List<String> modules = new ArrayList<>();
        for (Path f : Files.list(StockUnits.LAYERS.resolve(layer).resolve("buildroot")).sorted().toList()) {
            for (String line : Files.readAllLines(f)) {
                if (line.startsWith("BR2_TARGET_GRUB2_BUILTIN_MODULES_EFI=")) modules.addAll(List.of(line.replaceAll(".*=\"|\"", "").split(" ")));
                if (line.equals("BR2_TARGET_GRUB2_INSTALL_TOOLS=y")) modules.add("(grub-editenv)");
            }
        }
        for (String m : List.of("loadenv", "test", "search_label", "fat", "part_gpt", "(grub-editenv)")) {
            assertTrue(modules.contains(m), layer + ": GRUB needs " + m + " for the A/B switch: " + modules);
        }
    }

    private static void controlPartitionIsMounted(String layer, Path root, Partition loader, String control) throws Exception {
        // skiff-slot mounts the control partition itself when nothing is there; where a mount
        // unit exists for that directory, it must mount the same partition.
        UnitOrder units = UnitOrder.read(root);
        for (String n : units.names()) {
            UnitOrder.Unit u = units.unit(n).orElseThrow();
            if (u.type().equals("mount") && u.single("Mount.Where").orElse("").equals(control)) {
                assertEquals("/dev/disk/by-label/" + loader.label(), u.single("Mount.What").orElse(""), layer + ": " + u.sources());
            }
        }
    }

    /** On the Pi A/B boards /mnt/boot, where the modules image is looked for, is the running slot. */
    @Test
    void piAbBoardsBindTheRunningSlotAtMntBoot() throws Exception {
        for (String layer : List.of("pi/4", "pi/5")) {
            Path root = tmp.resolve(layer.replace('/', '-'));
            StockUnits.overlay(StockUnits.closure(layer), root);
            UnitOrder.Unit m = UnitOrder.read(root).unit("mnt-boot.mount").orElseThrow();
            assertEquals("/run/skiff/slot/booted", m.single("Mount.What").orElse(""), layer + ": " + m.sources());
            assertEquals("bind", m.single("Mount.Options").orElse(""), layer);
            assertTrue(m.get("Unit.Requires").contains("skiff-slot-mount.service"), layer);
        }
    }

    /**
     * A trial kernel that panics must reboot so the firmware's one-shot rule can return to the
     * default: the Pi A/B boards' kernel command lines (the last board layer's cmdline.txt in the
     * chain) carry panic=, as GRUB's entries do.
     */
    @Test
    void piAbBoardsRebootOnAPanic() throws Exception {
        for (String layer : List.of("pi/4", "pi/5")) {
            String cmdline = null;
            for (String l : StockUnits.closure(layer)) {
                Path f = StockUnits.LAYERS.resolve(l).resolve("resources/cmdline.txt");
                if (Files.isRegularFile(f)) cmdline = Files.readString(f);
            }
            assertTrue(cmdline != null && cmdline.matches("(?s).*\\bpanic=[1-9][0-9]*\\b.*"), layer + ": " + cmdline);
        }
    }

    private static Map<String, String> conf(Path f) throws Exception {
        assertTrue(Files.isRegularFile(f), f + " is shipped");
        Map<String, String> out = new TreeMap<>();
        for (String line : Files.readAllLines(f)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }
}
