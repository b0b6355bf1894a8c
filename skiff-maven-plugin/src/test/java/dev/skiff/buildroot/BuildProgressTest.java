package dev.skiff.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class BuildProgressTest {
    @Test
    void parsesPackageAndGlobalStepsEvenWithTerminalCodes() {
        ProgressLine p = ProgressLine.parse(">>> busybox 1.37.0 Building");
        assertEquals(new ProgressLine("busybox", "1.37.0", "Building"), p);
        // With TERM set Buildroot wraps the line in `tput smso` ... `tput rmso`.
        assertEquals(new ProgressLine("host-m4", "1.4.21", "Installing to host directory"),
                ProgressLine.parse("\u001B[7m>>> host-m4 1.4.21 Installing to host directory\u001B(B\u001B[m"));
        // Virtual packages have no version: two spaces.
        assertEquals(new ProgressLine("host-skeleton", "", "Extracting"), ProgressLine.parse(">>> host-skeleton  Extracting"));
        ProgressLine global = ProgressLine.parse(">>>   Finalizing target directory");
        assertNull(global.pkg());
        assertEquals("Finalizing target directory", global.step());
        assertNull(ProgressLine.parse("make[1]: Entering directory"));
        assertNull(ProgressLine.parse("  >>> not at the start"));
    }

    @Test
    void countsPackagesOutOfTheTotal() {
        BuildProgress bp = new BuildProgress(212);
        assertEquals("[  1/212] busybox 1.37.0 extracting", bp.update(">>> busybox 1.37.0 Extracting"));
        assertEquals("[  1/212] busybox 1.37.0 building", bp.update(">>> busybox 1.37.0 Building"));
        assertNull(bp.update("gcc -c foo.c"));
        assertEquals("[  2/212] host-skeleton extracting", bp.update(">>> host-skeleton  Extracting"));
        assertEquals("[       ] Finalizing target directory", bp.update(">>>   Finalizing target directory"));
        assertEquals(2, bp.done());
        assertEquals(null, bp.last().pkg());
    }

    @Test
    void theCounterGrowsWhenTheTotalWasAnUnderestimate() {
        BuildProgress bp = new BuildProgress(1);
        bp.update(">>> a 1 Building");
        assertEquals("[2/2] b 1 building", bp.update(">>> b 1 Building"));
    }
}
