package dev.skiff.layer;

import static dev.skiff.layer.LayerTree.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LayerNameTest {
    private static final String WHERE = "pom.xml <skiffConfig>";

    @Test
    void parsesValidNames() {
        LayerName n = LayerName.parse("pi/4x64", WHERE);
        assertEquals("pi", n.category());
        assertEquals("4x64", n.name());
        assertEquals("pi/4x64", n.toString());
        assertEquals(new LayerName("skiff", "core_2"), LayerName.parse("  skiff/core_2 \n", WHERE));
        assertEquals("PI_4X64", n.envSuffix());
    }

    @Test
    void uppercaseSuggestsLowerCase() {
        SkiffException e = assertThrows(SkiffException.class, () -> LayerName.parse("Pi/4", WHERE));
        assertMentions(e, WHERE, "'Pi/4'", "[a-z0-9_]+", "Did you mean pi/4?");
    }

    @Test
    void dashSuggestsUnderscore() {
        SkiffException e = assertThrows(SkiffException.class, () -> LayerName.parse("virt/qemu-x", WHERE));
        assertMentions(e, WHERE, "'virt/qemu-x'", "Did you mean virt/qemu_x?");
    }

    @Test
    void missingSlashExplainsTheForm() {
        SkiffException e = assertThrows(SkiffException.class, () -> LayerName.parse("virtqemu", WHERE));
        assertMentions(e, WHERE, "'virtqemu'", "<category>/<name>");
        assertFalse(e.getMessage().contains("Did you mean"), e.getMessage());
    }

    @Test
    void twoSlashesAreInvalid() {
        SkiffException e = assertThrows(SkiffException.class, () -> LayerName.parse("pi/4/x", WHERE));
        assertMentions(e, WHERE, "'pi/4/x'", "<category>/<name>");
        assertFalse(e.getMessage().contains("Did you mean"), e.getMessage());
        assertThrows(SkiffException.class, () -> LayerName.parse("pi//4", WHERE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/qemu", "virt/", "/", ""})
    void emptyPartsAreInvalid(String text) {
        SkiffException e = assertThrows(SkiffException.class, () -> LayerName.parse(text, WHERE));
        assertMentions(e, WHERE, "invalid layer name");
        assertFalse(e.getMessage().contains("Did you mean"), e.getMessage());
    }

    @Test
    void validPartCheck() {
        assertTrue(LayerName.isValidPart("qemu_2"));
        assertFalse(LayerName.isValidPart("Qemu"));
        assertFalse(LayerName.isValidPart(""));
        assertFalse(LayerName.isValidPart("a.b"));
    }

    @Test
    void constructorRejectsInvalidParts() {
        assertThrows(IllegalArgumentException.class, () -> new LayerName("Pi", "4"));
    }

    @Test
    void ordersByText() {
        assertTrue(LayerName.parse("apps/docker", WHERE).compareTo(LayerName.parse("pi/4", WHERE)) < 0);
    }
}
