package dev.skiff.configure;

import dev.skiff.kconfig.DroppedSymbol;
import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a configure step.
 *
 * @param skipped true when the fingerprint matched and nothing was redone
 * @param dropped symbols Kconfig did not keep as asked; all allowed, or the step would have failed
 * @param gccStampsRemoved true when changed cflags forced gcc to be reconfigured
 * @param previousChain the expanded chain the workspace was configured for before, when it was
 *     another one; null when it is the same or the workspace is new
 */
public record ConfigureResult(
        EffectiveConfig effective,
        Path finalDir,
        Path dotConfig,
        String fingerprint,
        boolean skipped,
        List<DroppedSymbol> dropped,
        boolean gccStampsRemoved,
        String previousChain) {
    public ConfigureResult {
        dropped = List.copyOf(dropped);
    }
}
