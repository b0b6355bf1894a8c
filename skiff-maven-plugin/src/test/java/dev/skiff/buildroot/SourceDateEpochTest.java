package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skiff.SkiffException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceDateEpochTest {
    @TempDir
    Path tmp;

    @Test
    void comesFromTheOutputTimestampInEitherForm() {
        assertEquals(1763683200L, SourceDateEpoch.resolve("2025-11-21T00:00:00Z", tmp));
        assertEquals(1763683200L, SourceDateEpoch.resolve("2025-11-21T01:00:00+01:00", tmp));
        assertEquals(42L, SourceDateEpoch.resolve("42", tmp));
        SkiffException e = assertThrows(SkiffException.class, () -> SourceDateEpoch.resolve("yesterday", tmp));
        assertEquals(true, e.getMessage().contains("'yesterday'"));
    }

    @Test
    void withoutATimestampOrGitThereIsNone() {
        assertNull(SourceDateEpoch.resolve(null, tmp));
    }
}
