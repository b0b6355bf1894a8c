package dev.skiff.configure;

import dev.skiff.SkiffException;
import dev.skiff.kconfig.Assignment;
import dev.skiff.kconfig.DroppedSymbol;
import dev.skiff.kconfig.Redefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code report.txt} of the final config directory: redefinitions and dropped symbols. */
public final class ConfigReport {
    private ConfigReport() {}

    public static List<String> lines(EffectiveConfig eff, List<DroppedSymbol> dropped) {
        List<String> out = new ArrayList<>();
        out.add("Skiff configure report for workspace " + eff.workspace());
        out.add("Chain: " + eff.chain().text());
        out.add("");
        List<Redefinition> redefs = eff.redefinitions();
        out.add("Redefinitions: " + redefs.size());
        for (Redefinition r : redefs) out.add("  " + r.describe());
        out.add("");
        out.add("Dropped symbols: " + dropped.size());
        for (DroppedSymbol.Excuse e : DroppedSymbol.Excuse.values()) {
            List<DroppedSymbol> group = dropped.stream().filter(d -> d.excuse() == e).toList();
            if (group.isEmpty()) continue;
            out.add(switch (e) {
                case NONE -> "  failing the build:";
                case ALLOWED -> "  on the allow-list (skiff.allowDropped):";
                case SKIFFOS -> "  from layers of the SkiffOS tree, which SkiffOS's own configure accepts (-Dskiff.strict=true fails on them):";
            });
            for (String l : DroppedTable.lines(group)) out.add("    " + l);
        }
        if (!eff.omittedPlaceholders().isEmpty()) {
            out.add("");
            out.add("Placeholders left out (nothing to fill them with):");
            for (Assignment a : eff.omittedPlaceholders()) out.add("  " + a.symbol() + "  (" + a.where() + ")");
        }
        if (!eff.warnings().isEmpty()) {
            out.add("");
            out.add("Warnings:");
            for (String w : eff.warnings()) out.add("  " + w);
        }
        return out;
    }

    public static void write(EffectiveConfig eff, List<DroppedSymbol> dropped, Path file) {
        try {
            Files.write(file, lines(eff, dropped), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkiffException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
