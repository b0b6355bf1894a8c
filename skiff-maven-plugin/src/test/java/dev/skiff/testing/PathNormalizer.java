package dev.skiff.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces the places where two runs keep their trees and workspaces by tokens, so that two
 * configurations of the same chain can be compared: SkiffOS keeps its final directory in
 * {@code workspaces/.config_<ws>/}, Skiff in {@code workspaces/<ws>/skiff}. Runs of {@code //}
 * become {@code /} (SkiffOS writes {@code .config_<ws>//kernel/config}).
 */
public final class PathNormalizer {
    private final List<String[]> pairs = new ArrayList<>();

    /** Longer, more specific paths must be added first. */
    public PathNormalizer map(Path from, String token) {
        String f = from.toAbsolutePath().normalize().toString();
        pairs.add(new String[] {f + "/", token + "/"});
        pairs.add(new String[] {f, token});
        return this;
    }

    public String apply(String text) {
        String t = text;
        for (String[] p : pairs) t = t.replace(p[0], p[1]);
        while (t.contains("//")) t = t.replace("//", "/");
        return t;
    }

    /** The lines that differ, as a short report ({@code -} expected, {@code +} actual); empty if equal. */
    public static String diff(String expected, String actual) {
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        List<String> out = new ArrayList<>();
        java.util.Set<String> as = new java.util.HashSet<>(a);
        java.util.Set<String> es = new java.util.HashSet<>(e);
        for (String l : e) if (!as.contains(l)) out.add("- " + l);
        for (String l : a) if (!es.contains(l)) out.add("+ " + l);
        if (out.isEmpty() && !e.equals(a)) out.add("(same lines, different order or count)");
        return String.join("\n", out.subList(0, Math.min(out.size(), 60)));
    }
}
