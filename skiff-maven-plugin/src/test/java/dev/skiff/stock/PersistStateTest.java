package dev.skiff.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root file system is in RAM, so whatever must outlive a reboot is put on the persist
 * partition, below {@code /mnt/persist/skiff/} (the directory names of upstream SkiffOS): the
 * container engines' data, the journal. The boot scripts' parts (host keys, machine ID,
 * NetworkManager profiles) are run in {@link BasePreScriptsTest}; the order in
 * {@link StockUnitOrderTest}.
 */
class PersistStateTest {
    private static final String STATE = "/mnt/persist/skiff/";

    @TempDir
    Path tmp;

    @Test
    void dockerKeepsItsDataOnPersist() throws Exception {
        Path f = StockUnits.LAYERS.resolve("apps/docker/root_overlay/etc/docker/daemon.json");
        assertTrue(Files.isRegularFile(f), f + " sets Docker's data-root");
        JsonNode json = new ObjectMapper().readTree(f.toFile());
        assertEquals(STATE + "docker", json.path("data-root").asText(), f.toString());
    }

    @Test
    void containerdKeepsItsRootOnPersist() throws Exception {
        Path f = StockUnits.LAYERS.resolve("apps/containerd/root_overlay/etc/containerd/config.toml");
        assertTrue(Files.isRegularFile(f), f + " sets containerd's root");
        Map<String, String> top = topLevelToml(Files.readAllLines(f));
        assertEquals("\"" + STATE + "containerd\"", top.get("root"), f.toString());
        // containerd 2.x (Buildroot 2026.02 ships 2.0) reads version 3 configs as they are.
        assertEquals("3", top.get("version"), f.toString());
    }

    @Test
    void theJournalIsBindMountedFromPersist() throws Exception {
        Path root = tmp.resolve("root");
        StockUnits.overlay(List.of("base/pre"), root);
        UnitOrder.Unit m = UnitOrder.read(root).unit("var-log-journal.mount").orElseThrow(
                () -> new AssertionError("base/pre ships no var-log-journal.mount"));
        assertEquals(STATE + "journal", m.single("Mount.What").orElse(""));
        assertEquals("/var/log/journal", m.single("Mount.Where").orElse(""));
        assertTrue(m.single("Mount.Options").orElse("").contains("bind"), m.sources().toString());
        // Without persist the mount is skipped (the journal stays in RAM), never failed.
        assertEquals("/mnt/persist", m.single("Unit.ConditionPathIsMountPoint").orElse(""), m.sources().toString());
    }

    /** The key = value lines before the first table of a TOML file. */
    private static Map<String, String> topLevelToml(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.startsWith("[")) break;
            int eq = line.indexOf('=');
            if (eq > 0) out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return out;
    }
}
