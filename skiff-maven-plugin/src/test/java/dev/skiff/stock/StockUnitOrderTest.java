package dev.skiff.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The boot order of the stock layers' units, read from the unit files: the persist partition is
 * mounted before anything keeps state on it (host keys, machine ID, journal, NetworkManager
 * profiles, Docker, containerd, skiff-core), and the boot partition before the modules image is
 * looked for on it. Each check reads the units of a layer and the layers it comes with, plus
 * systemd's own targets and journal units from this machine where a check goes through them.
 */
class StockUnitOrderTest {
    @TempDir
    Path tmp;

    /** systemd's own units some orders go through (their dependencies are the same in systemd 252 and 258). */
    private static final List<String> SYSTEMD_UNITS = List.of("sysinit.target", "basic.target", "local-fs.target",
            "local-fs-pre.target", "multi-user.target", "systemd-journald.service", "systemd-journal-flush.service",
            "systemd-modules-load.service");

    private static final String PERSIST = "skiff-persist.service";

    /** layer, the unit that must start first, the unit that must start after it. */
    static Stream<Arguments> orders() {
        return Stream.of(
                Arguments.of("base/pre", PERSIST, "skiff-host-keys.service"),
                Arguments.of("base/pre", "skiff-host-keys.service", "sshd.service"),
                Arguments.of("base/pre", "skiff-keys.service", "sshd.service"),
                Arguments.of("base/pre", PERSIST, "var-log-journal.mount"),
                Arguments.of("base/pre", "var-log-journal.mount", "systemd-journal-flush.service"),
                Arguments.of("base/pre", PERSIST, "skiff-machine-id.service"),
                Arguments.of("base/pre", "skiff-machine-id.service", "systemd-journal-flush.service"),
                Arguments.of("base/pre", "skiff-machine-id.service", "sysinit.target"),
                Arguments.of("base/pre", "skiff-machine-id.service", "NetworkManager.service"),
                Arguments.of("base/pre", "skiff-machine-id.service", "sshd.service"),
                Arguments.of("base/pre", PERSIST, "skiff-connections.service"),
                Arguments.of("base/pre", "skiff-connections.service", "NetworkManager.service"),
                Arguments.of("apps/containerd", PERSIST, "containerd.service"),
                Arguments.of("apps/docker", PERSIST, "docker.service"),
                Arguments.of("apps/docker", "skiff-machine-id.service", "docker.service"),
                Arguments.of("skiff/core", "docker.service", "skiff-core.service"),
                Arguments.of("skiff/moduleimg", PERSIST, "skiff-modules.service"),
                Arguments.of("skiff/moduleimg", "skiff-modules.service", "systemd-modules-load.service"),
                Arguments.of("pi/common", "mnt-boot.mount", "skiff-modules.service"),
                Arguments.of("pi/common", PERSIST, "skiff-modules.service"));
    }

    @ParameterizedTest(name = "{0}: {1} before {2}")
    @MethodSource("orders")
    void startsInOrder(String layer, String first, String then) throws Exception {
        UnitOrder units = read(StockUnits.closure(layer));
        for (String u : List.of(first, then)) {
            if (SYSTEMD_UNITS.contains(u)) assumeSystemdUnit(units, u);
            assertTrue(units.unit(u).isPresent(), "no unit " + u + " in " + StockUnits.closure(layer) + " (nor a drop-in for it)");
        }
        Optional<List<String>> chain = units.chain(first, then);
        if (chain.isEmpty()) {
            fail(first + " is not ordered before " + then + " in " + StockUnits.closure(layer) + ":\n  "
                    + units.describe(first) + "\n  " + units.describe(then));
        }
    }

    /**
     * Everything that keeps state on /mnt/persist starts after the persist partition is mounted:
     * each unit whose file, drop-ins or ExecStart script names /mnt/persist, in every layer.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.skiff.stock.StockUnits#layersWithUnits")
    void everyUnitUsingPersistStartsAfterItIsMounted(String layer) throws Exception {
        Path root = tmp.resolve("root");
        UnitOrder units = read(StockUnits.closure(layer), root);
        List<String> users = new ArrayList<>();
        for (Path rel : StockUnits.systemUnitFiles(layer)) {
            String name = StockUnits.unitOf(rel);
            if (name.equals(PERSIST) || users.contains(name)) continue;
            if (usesPersist(units.unit(name).orElseThrow(), root)) users.add(name);
        }
        List<String> unordered = new ArrayList<>();
        for (String u : users) {
            if (units.chain(PERSIST, u).isEmpty()) unordered.add(units.describe(u));
        }
        assertEquals(List.of(), unordered, layer + ": units using /mnt/persist that may start before it is mounted");
        if (layer.equals("base/pre")) {
            assertTrue(users.containsAll(List.of("skiff-host-keys.service", "skiff-machine-id.service", "var-log-journal.mount",
                    "skiff-connections.service", "skiff-keys.service", "skiff-hostname.service")), users.toString());
        }
    }

    /**
     * The container engines stop before persist is unmounted at shutdown (stop order is the
     * reverse of start order). skiff-persist mounts it from a script, so systemd only learns of
     * mnt-persist.mount from the mount table; a RequiresMountsFor= below /mnt/persist then orders
     * the unit after it. The check adds that mount unit as systemd would.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("persistMountUsers")
    void stopsBeforePersistIsUnmounted(String layer, String unit) throws Exception {
        Path root = tmp.resolve("root");
        StockUnits.overlay(StockUnits.closure(layer), root);
        Path dir = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        Files.writeString(dir.resolve("mnt-persist.mount"), "[Mount]\nWhat=/dev/disk/by-label/persist\nWhere=/mnt/persist\n");
        UnitOrder units = UnitOrder.read(root);
        assertTrue(units.unit(unit).isPresent(), unit + " in " + StockUnits.closure(layer));
        assertTrue(units.chain("mnt-persist.mount", unit).isPresent(), units.describe(unit));
    }

    static Stream<Arguments> persistMountUsers() {
        return Stream.of(Arguments.of("apps/docker", "docker.service"), Arguments.of("apps/containerd", "containerd.service"),
                Arguments.of("skiff/core", "skiff-core.service"), Arguments.of("base/pre", "var-log-journal.mount"));
    }

    /** Persist is optional (a VM booted from kernel and initramfs has none): nothing may fail for want of it. */
    @Test
    void nothingRequiresThePersistPartition() throws Exception {
        for (String layer : StockUnits.layersWithUnits()) {
            UnitOrder units = read(StockUnits.closure(layer));
            for (String n : units.names()) {
                UnitOrder.Unit u = units.unit(n).orElseThrow();
                for (String key : List.of("Unit.Requires", "Unit.BindsTo", "Unit.Requisite")) {
                    assertTrue(!u.get(key).contains(PERSIST), n + " " + key + " " + PERSIST + " (" + u.sources() + "); use Wants=");
                }
            }
        }
    }

    /** The model is not toothless: a unit without an order is reported, an implicit order is found. */
    @Test
    void theOrderModelFindsOrdersAndTheirAbsence() throws Exception {
        Path root = tmp.resolve("model");
        Path dir = root.resolve("usr/lib/systemd/system");
        Files.createDirectories(dir.resolve("b.service.d"));
        Files.writeString(dir.resolve("a.service"), "[Unit]\nBefore=c.service\n[Service]\nExecStart=/bin/true\n");
        Files.writeString(dir.resolve("b.service.d/order.conf"), "[Unit]\nAfter=c.service\n");
        Files.writeString(dir.resolve("c.service"), "[Unit]\nAfter=nothing.service\nAfter=\nRequiresMountsFor=/srv/data/x\n");
        Files.writeString(dir.resolve("srv-data.mount"), "[Unit]\nAfter=d.service\n[Mount]\nWhere=/srv/data\nWhat=/dev/sda1\n");
        UnitOrder units = UnitOrder.read(root);
        assertEquals(Optional.of(List.of("a.service", "c.service", "b.service")), units.chain("a.service", "b.service"));
        assertEquals(Optional.of(List.of("d.service", "srv-data.mount", "c.service")), units.chain("d.service", "c.service"));
        assertTrue(units.chain("b.service", "a.service").isEmpty());
        assertTrue(units.chain("nothing.service", "c.service").isEmpty(), "an empty After= resets the list");
    }

    private UnitOrder read(List<String> layers) throws IOException {
        return read(layers, tmp.resolve("root-" + String.join("+", layers).replace('/', '_')));
    }

    private UnitOrder read(List<String> layers, Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            StockUnits.overlay(layers, root);
            Path unitDir = root.resolve("usr/lib/systemd/system");
            Files.createDirectories(unitDir);
            for (String n : SYSTEMD_UNITS) {
                for (Path d : List.of(Path.of("/usr/lib/systemd/system"), Path.of("/lib/systemd/system"))) {
                    Path p = d.resolve(n);
                    if (Files.isRegularFile(p) && !Files.exists(unitDir.resolve(n))) Files.copy(p, unitDir.resolve(n));
                }
            }
        }
        return UnitOrder.read(root);
    }

    private static void assumeSystemdUnit(UnitOrder units, String name) {
        Assumptions.assumeTrue(units.unit(name).isPresent(), () -> {
            System.err.println("SKIPPED: order through systemd's " + name + ": not in /usr/lib/systemd/system here (install Debian's systemd)");
            return name + " is not installed";
        });
    }

    /** Whether a unit's files or the script its ExecStart runs (from the overlays) name /mnt/persist. */
    private static boolean usesPersist(UnitOrder.Unit u, Path root) throws IOException {
        for (Path src : u.sources()) {
            if (Files.readString(src, StandardCharsets.UTF_8).contains("/mnt/persist")) return true;
        }
        for (String w : u.get("Service.ExecStart")) {
            String cmd = w.replaceFirst("^[-@:+!]+", "");
            if (!cmd.startsWith("/")) continue;
            Path script = root.resolve(cmd.substring(1));
            if (Files.isRegularFile(script) && Files.readString(script, StandardCharsets.ISO_8859_1).contains("/mnt/persist")) return true;
        }
        return false;
    }
}
