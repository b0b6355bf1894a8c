package dev.skiff;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Suggests the valid names closest to a mistyped one, so every "unknown X" error can say
 * "did you mean ...". Edit distance is plain Levenshtein on lower-cased text.
 */
public final class NearestNames {
    private NearestNames() {}

    /** Up to {@code max} candidates within a distance that still looks like a typo. */
    public static List<String> of(String wanted, Collection<String> candidates, int max) {
        String w = wanted.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, w.length() / 2);
        return candidates.stream()
                .distinct()
                .map(c -> new Scored(c, distance(w, c.toLowerCase(Locale.ROOT))))
                .filter(s -> s.score <= limit || s.name.toLowerCase(Locale.ROOT).contains(w)
                        || w.contains(s.name.toLowerCase(Locale.ROOT)))
                .sorted(Comparator.comparingInt((Scored s) -> s.score).thenComparing(s -> s.name))
                .limit(max)
                .map(s -> s.name)
                .toList();
    }

    /** "did you mean a, b?" or an empty string when nothing is close. */
    public static String hint(String wanted, Collection<String> candidates) {
        List<String> near = of(wanted, candidates, 3);
        return near.isEmpty() ? "" : " Did you mean " + String.join(", ", near) + "?";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }

    private record Scored(String name, int score) {}
}
