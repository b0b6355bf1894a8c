package dev.skiff.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerCommandsTest {
    @TempDir
    Path tmp;

    private ResolvedChain chain() throws Exception {
        Path l = tmp.resolve("virt/qemu");
        Files.createDirectories(l.resolve("metadata"));
        Files.createDirectories(l.resolve("extensions"));
        Files.writeString(l.resolve("extensions/Makefile"), "run:\n\t@true\n");
        Files.writeString(l.resolve("metadata/commands"), "run Boot the image in QEMU\n");
        Files.createDirectories(tmp.resolve("apps/x"));
        LayerCatalog c = LayerCatalog.scan(List.of(new LayerRoot("t", tmp, LayerRoot.Kind.PROJECT)), Map.of());
        return ChainExpansion.expand("virt/qemu,apps/x", "test", c);
    }

    @Test
    void findsACommandByItsAddress() throws Exception {
        LayerCommands.Found f = LayerCommands.find(chain(), "virt/qemu/run");
        assertEquals("run", f.command().name());
        assertEquals("virt/qemu", f.layer().name().toString());
    }

    @Test
    void anUnknownCommandListsTheValidOnesAndTheNearest() throws Exception {
        SkiffException e = assertThrows(SkiffException.class, () -> LayerCommands.find(chain(), "virt/qemu/rnu"));
        assertTrue(e.getMessage().startsWith("unknown command virt/qemu/rnu in chain virt/qemu,apps/x. Did you mean virt/qemu/run?"),
                e.getMessage());
        assertTrue(e.getMessage().contains("\n  virt/qemu/run  (Boot the image in QEMU)"), e.getMessage());
        e = assertThrows(SkiffException.class, () -> LayerCommands.find(chain(), null));
        assertTrue(e.getMessage().startsWith("no command given"), e.getMessage());
    }
}
