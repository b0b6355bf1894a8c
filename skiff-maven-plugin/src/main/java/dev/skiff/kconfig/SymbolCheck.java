package dev.skiff.kconfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares what the layers asked for with what {@code make defconfig} produced. Kconfig drops an
 * unsatisfiable symbol without a word; this is where Skiff says so.
 */
public final class SymbolCheck {
    private SymbolCheck() {}

    /**
     * @param allowList symbols excused from the check; an entry ending in {@code *} is a prefix
     */
    public static List<DroppedSymbol> check(MergedFragment requested, DotConfig actual, List<String> allowList) {
        return check(requested, actual, allowList, KconfigChoices.none());
    }

    /**
     * @param choices the tree's choice groups: a member asked {@code =y} that lost to another
     *     member the layers also asked {@code =y} (Kconfig keeps the last) is not reported
     */
    public static List<DroppedSymbol> check(MergedFragment requested, DotConfig actual, List<String> allowList,
                                            KconfigChoices choices) {
        List<DroppedSymbol> out = new ArrayList<>();
        for (Assignment a : requested.symbols().values()) {
            String sym = a.symbol();
            String got = actual.value(sym);
            DroppedSymbol.Kind kind = null;
            if (a.isUnset()) {
                // '# X is not set' means something only to a bool or tristate option.
                if ("y".equals(got) || "m".equals(got)) kind = DroppedSymbol.Kind.FORCED;
                else if (got != null) kind = DroppedSymbol.Kind.UNSET_IGNORED;
            } else if ("y".equals(a.value()) && got == null && replacedInItsChoice(sym, requested, actual, choices)) {
                continue;
            } else if (Fragment.isUnquotedString(a.value())) {
                // Kconfig takes an unquoted value only for an int or hex option; for a string option
                // it skips the line. Either way the value must now be there, bare or quoted.
                if (!a.value().equals(got) && !("\"" + a.value() + "\"").equals(got)) kind = DroppedSymbol.Kind.IGNORED;
            } else if (got == null) {
                kind = DroppedSymbol.Kind.DROPPED;
            } else if (!got.equals(a.value())) {
                kind = DroppedSymbol.Kind.CHANGED;
            }
            if (kind == null) continue;
            DroppedSymbol d = new DroppedSymbol(a, got, kind, allowed(sym, allowList));
            if (kind == DroppedSymbol.Kind.DROPPED && !choices.defined().isEmpty() && !choices.defined().contains(sym)) {
                d = new DroppedSymbol(a, got, kind, d.excuse(), dev.skiff.NearestNames.of(sym, choices.defined(), 3));
            }
            out.add(d);
        }
        return out;
    }

    /** Another member of the symbol's choice was also asked {@code =y}, and it is the one Kconfig kept. */
    static boolean replacedInItsChoice(String symbol, MergedFragment requested, DotConfig actual, KconfigChoices choices) {
        for (String other : choices.siblings(symbol)) {
            Assignment o = requested.symbols().get(other);
            if (o != null && "y".equals(o.value()) && "y".equals(actual.value(other))) return true;
        }
        return false;
    }

    static boolean allowed(String symbol, List<String> allowList) {
        for (String entry : allowList) {
            String e = entry.trim();
            if (e.isEmpty()) continue;
            if (e.endsWith("*") ? symbol.startsWith(e.substring(0, e.length() - 1)) : symbol.equals(e)) return true;
        }
        return false;
    }
}
