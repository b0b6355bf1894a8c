package dev.skiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearestNamesTest {
    private static final List<String> PARAMS = List.of("skiff.config", "skiff.workspace", "skiff.layerRoots",
            "skiff.allowDroppedSymbols", "skiff.buildroot", "skiff.skip");

    @Test
    void distanceBasics() {
        assertEquals(0, NearestNames.distance("", ""));
        assertEquals(3, NearestNames.distance("", "abc"));
        assertEquals(3, NearestNames.distance("abc", ""));
        assertEquals(0, NearestNames.distance("qemu", "qemu"));
        assertEquals(1, NearestNames.distance("qemo", "qemu"));     // substitution
        assertEquals(1, NearestNames.distance("qemu", "qemux"));    // insertion
        assertEquals(1, NearestNames.distance("qemu", "qmu"));      // deletion
        assertEquals(2, NearestNames.distance("ab", "ba"));         // no transposition
        assertEquals(3, NearestNames.distance("kitten", "sitting"));
        assertEquals(NearestNames.distance("flaw", "lawn"), NearestNames.distance("lawn", "flaw"));
    }

    @Test
    void suggestsSkiffConfigForTypo() {
        List<String> near = NearestNames.of("skiff.confg", PARAMS, 3);
        assertEquals("skiff.config", near.get(0), near.toString());
        String hint = NearestNames.hint("skiff.confg", PARAMS);
        assertTrue(hint.startsWith(" Did you mean skiff.config"), hint);
    }

    @Test
    void caseInsensitiveAndOrderedByDistanceThenName() {
        assertEquals(List.of("virt/qemu"), NearestNames.of("VIRT/QEMO", List.of("virt/qemu", "pi/4"), 3));
        // "abcd" is 3 edits from "aa", over the limit of 2 for a short name; duplicates collapse
        assertEquals(List.of("ab", "ac"), NearestNames.of("aa", List.of("abcd", "ac", "ab", "ab"), 5));
        assertEquals(List.of("pi/4", "pi/44"), NearestNames.of("pi/4x", List.of("pi/44", "pi/4"), 5));
    }

    @Test
    void limitsCountAndDropsFarNames() {
        assertEquals(1, NearestNames.of("pi/3", List.of("pi/4", "pi/5", "pi/0"), 1).size());
        assertEquals(List.of(), NearestNames.of("virt/qemu", List.of("apps/docker", "skiff/moduleimg"), 3));
        assertEquals("", NearestNames.hint("virt/qemu", List.of("apps/docker")));
    }

    @Test
    void substringsCountAsNear() {
        assertEquals(List.of("skiff/moduleimg"), NearestNames.of("moduleimg", List.of("skiff/moduleimg", "pi/4"), 3));
    }
}
