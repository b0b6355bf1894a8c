package dev.skiff.kconfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fragments merged with "last value wins". Symbols keep the position of their first
 * definition so the written file reads in layer order.
 */
public record MergedFragment(KconfigKind kind, Map<String, Assignment> symbols, List<Redefinition> redefinitions) {
    public MergedFragment {
        symbols = Collections.unmodifiableMap(new LinkedHashMap<>(symbols));
        redefinitions = List.copyOf(redefinitions);
    }

    public static MergedFragment empty(KconfigKind kind) {
        return new MergedFragment(kind, Map.of(), List.of());
    }

    public boolean isEmpty() {
        return symbols.isEmpty();
    }

    /** Adds assignments after the existing ones, recording every redefinition. */
    public MergedFragment plus(List<Assignment> more) {
        LinkedHashMap<String, Assignment> s = new LinkedHashMap<>(symbols);
        List<Redefinition> r = new ArrayList<>(redefinitions);
        for (Assignment a : more) {
            {
                Assignment prev = s.put(a.symbol(), a);
                if (prev != null) r.add(new Redefinition(prev, a));
            }
        }
        return new MergedFragment(kind, s, r);
    }

    /** Drops a symbol entirely (an empty placeholder has nothing to say). */
    public MergedFragment without(String symbol) {
        LinkedHashMap<String, Assignment> s = new LinkedHashMap<>(symbols);
        s.remove(symbol);
        return new MergedFragment(kind, s, redefinitions);
    }

    /**
     * Forgets the redefinition that {@code plus} recorded when an engine-filled value replaced
     * the line it came from: that is the same line, not a second definition.
     */
    public MergedFragment withoutRedefinitionOf(String symbol, Assignment original) {
        List<Redefinition> r = new ArrayList<>(redefinitions);
        for (int i = r.size() - 1; i >= 0; i--) {
            Redefinition d = r.get(i);
            if (d.next().symbol().equals(symbol) && d.previous() == original) {
                r.remove(i);
                break;
            }
        }
        return new MergedFragment(kind, symbols, r);
    }

    /** The fragment as a file Kconfig reads. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Assignment a : symbols.values()) sb.append(a.render()).append('\n');
        return sb.toString();
    }
}
