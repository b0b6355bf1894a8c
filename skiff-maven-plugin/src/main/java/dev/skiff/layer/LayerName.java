package dev.skiff.layer;

import dev.skiff.SkiffException;
import java.util.Locale;
import java.util.regex.Pattern;

/** A layer's identity, {@code <category>/<name>}; both parts match {@code [a-z0-9_]+}. */
public record LayerName(String category, String name) implements Comparable<LayerName> {
    public static final Pattern PART = Pattern.compile("[a-z0-9_]+");

    public LayerName {
        if (!PART.matcher(category).matches() || !PART.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid layer name " + category + "/" + name);
        }
    }

    /**
     * Parses {@code text}; {@code where} says where the text came from (a file and line, or a
     * parameter) so the error can point at it.
     */
    public static LayerName parse(String text, String where) {
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash < 0 || slash != t.lastIndexOf('/')) {
            throw new SkiffException(where + ": invalid layer name '" + t
                    + "': a layer is written <category>/<name>, for example virt/qemu."
                    + suggestion(t));
        }
        String cat = t.substring(0, slash);
        String nm = t.substring(slash + 1);
        if (!PART.matcher(cat).matches() || !PART.matcher(nm).matches()) {
            throw new SkiffException(where + ": invalid layer name '" + t
                    + "': both parts must match [a-z0-9_]+." + suggestion(t));
        }
        return new LayerName(cat, nm);
    }

    public static boolean isValidPart(String part) {
        return PART.matcher(part).matches();
    }

    /** The closest valid spelling, offered with every name error. */
    static String suggestion(String text) {
        String fixed = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_/]", "_");
        if (!fixed.contains("/")) return "";
        String[] parts = fixed.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) return "";
        return fixed.equals(text) ? "" : " Did you mean " + fixed + "?";
    }

    /** Upstream's variable suffix, e.g. {@code PI_4} for {@code pi/4}. */
    public String envSuffix() {
        return (category + "_" + name).toUpperCase(Locale.ROOT);
    }

    @Override
    public int compareTo(LayerName o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return category + "/" + name;
    }
}
