package dev.skiff.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskLayoutsTest {
    @TempDir
    Path tmp;

    private Path layer(String name, String layoutLabel) throws Exception {
        Path d = tmp.resolve(name);
        Files.createDirectories(d);
        if (layoutLabel != null) {
            Files.writeString(d.resolve("layout.yaml"), "table: gpt\npartitions:\n  - label: " + layoutLabel
                    + "\n    role: persist\n    filesystem: ext4\n    size: rest\n");
        }
        return d;
    }

    @Test
    void lastLayerWithALayoutWins() throws Exception {
        List<Path> chain = List.of(layer("skiff/moduleimg", null), layer("pi/common", "common"),
                layer("pi/4x64", "board"), layer("skiff/core", null));
        DiskLayout l = DiskLayouts.forChain(chain);
        assertEquals("board", l.partitions().get(0).label());
        assertEquals(tmp.resolve("pi/4x64/layout.yaml"), l.file());
    }

    @Test
    void noLayoutNamesTheChain() throws Exception {
        List<Path> chain = List.of(layer("apps/docker", null), layer("skiff/core", null));
        SkiffException e = assertThrows(SkiffException.class, () -> DiskLayouts.forChain(chain));
        assertTrue(e.getMessage().startsWith("no layer of the chain apps/docker,skiff/core has a layout.yaml"), e.getMessage());
    }

    @Test
    void errorsOfTheChosenLayoutSurface() throws Exception {
        Path bad = layer("pi/common", null);
        Files.writeString(bad.resolve("layout.yaml"), "table: gtp\npartitions: []\n");
        SkiffException e = assertThrows(SkiffException.class, () -> DiskLayouts.forChain(List.of(bad)));
        assertTrue(e.getMessage().contains("layout.yaml:1: table: 'gtp' is not one of msdos, gpt. Did you mean gpt?"), e.getMessage());
    }

    @Test
    void stockChainsFindTheirLayouts() {
        Path stock = Path.of(System.getProperty("skiff.stockLayers", "../skiff-layers/src/main/layers"));
        // pi/4 has the A/B layout (tryboot); pi/4x64 alone keeps pi/common's.
        assertEquals(stock.resolve("pi/4/layout.yaml"), DiskLayouts.forChain(List.of(stock.resolve("skiff/moduleimg"),
                stock.resolve("pi/common"), stock.resolve("pi/4x64"), stock.resolve("pi/4"), stock.resolve("skiff/core"))).file());
        assertEquals(stock.resolve("pi/common/layout.yaml"), DiskLayouts.forChain(List.of(stock.resolve("skiff/moduleimg"),
                stock.resolve("pi/common"), stock.resolve("pi/4x64"), stock.resolve("skiff/core"))).file());
        assertEquals(stock.resolve("intel/desktop/layout.yaml"),
                DiskLayouts.forChain(List.of(stock.resolve("intel/x64"), stock.resolve("intel/desktop"))).file());
    }
}
