package dev.skiff.configure;

import dev.skiff.kconfig.DroppedSymbol;
import java.util.ArrayList;
import java.util.List;

/** Dropped symbols as a table: symbol, layer, file:line, reason; for the log and the report. */
public final class DroppedTable {
    private DroppedTable() {}

    public static List<String> lines(List<DroppedSymbol> dropped) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"symbol", "layer", "file:line", "reason"});
        for (DroppedSymbol d : dropped) {
            rows.add(new String[] {d.requested().symbol(), d.requested().origin(), d.requested().where(), d.reason()});
        }
        int[] width = new int[3];
        for (String[] r : rows) for (int i = 0; i < 3; i++) width[i] = Math.max(width[i], r[i].length());
        List<String> out = new ArrayList<>();
        for (String[] r : rows) {
            out.add(String.format("%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %s", (Object[]) r).stripTrailing());
        }
        return out;
    }
}
