package dev.skiff.project;

import dev.skiff.SkiffException;

/**
 * Hostname validation by RFC 1123. The value ends up in a quoted Kconfig string and in
 * {@code /etc/hostname}: a newline or a quote would inject configuration lines, so anything but
 * a valid hostname is refused with the nearest valid spelling.
 */
public final class Hostname {
    private Hostname() {}

    /** Returns {@code name} if it is a valid RFC 1123 hostname, else throws naming {@code setting}. */
    public static String check(String name, String setting) {
        String problem = problem(name);
        if (problem == null) return name;
        String fix = nearest(name);
        throw new SkiffException(setting + " '" + printable(name) + "' is not a valid hostname (RFC 1123): " + problem
                + ". Use letters, digits and '-' in labels of 1 to 63 characters separated by '.', at most 253 in all"
                + (fix.isEmpty() || fix.equals(name) ? "." : "; did you mean " + fix + "?"));
    }

    static String problem(String name) {
        if (name.isEmpty()) return "it is empty";
        if (name.length() > 253) return "it is " + name.length() + " characters long";
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            if (!ok) return "it contains " + describe(c) + " at position " + (i + 1);
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty()) return "it has an empty label (two dots, or a dot at either end)";
            if (label.length() > 63) return "the label '" + label + "' is longer than 63 characters";
            if (label.startsWith("-") || label.endsWith("-")) return "the label '" + label + "' starts or ends with '-'";
        }
        return null;
    }

    static String nearest(String name) {
        StringBuilder sb = new StringBuilder();
        for (String label : name.trim().split("\\.")) {
            String l = label.replaceAll("[^A-Za-z0-9-]+", "-").replaceAll("^-+|-+$", "");
            if (l.length() > 63) l = l.substring(0, 63).replaceAll("-+$", "");
            if (l.isEmpty()) continue;
            if (sb.length() > 0) sb.append('.');
            sb.append(l);
        }
        return sb.length() > 253 ? sb.substring(0, 253).replaceAll("[-.]+$", "") : sb.toString();
    }

    private static String describe(char c) {
        return switch (c) {
            case '\n' -> "a newline";
            case '\r' -> "a carriage return";
            case '\t' -> "a tab";
            case ' ' -> "a space";
            default -> "'" + c + "'";
        };
    }

    private static String printable(String s) {
        return s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }
}
