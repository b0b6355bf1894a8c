package dev.skiff.configure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.kconfig.DotConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MenuconfigFragmentTest {
    @TempDir
    Path tmp;

    @Test
    void theDeltaHoldsChangedAddedAndRevertedSymbols() {
        DotConfig before = DotConfig.parse(null, List.of("BR2_x86_64=y", "BR2_PACKAGE_HTOP=y", "BR2_TARGET_GENERIC_HOSTNAME=\"a\""));
        DotConfig after = DotConfig.parse(null, List.of("BR2_x86_64=y", "BR2_TARGET_GENERIC_HOSTNAME=\"b\"", "BR2_PACKAGE_NANO=y"));
        assertEquals(List.of("# BR2_PACKAGE_HTOP is not set", "BR2_PACKAGE_NANO=y", "BR2_TARGET_GENERIC_HOSTNAME=\"b\""),
                MenuconfigFragment.delta(before, after));
    }

    @Test
    void savingMergesWithEarlierSavedChanges() throws Exception {
        Path f = MenuconfigFragment.save(tmp, "ws", List.of("BR2_PACKAGE_HTOP=y", "BR2_PACKAGE_NANO=y"));
        assertEquals(tmp.resolve("overrides/workspaces/ws/buildroot/50-menuconfig"), f);
        MenuconfigFragment.save(tmp, "ws", List.of("# BR2_PACKAGE_HTOP is not set"));
        List<String> lines = Files.readAllLines(f);
        assertEquals(List.of("# BR2_PACKAGE_HTOP is not set", "BR2_PACKAGE_NANO=y"), lines.subList(1, lines.size()));
    }
}
