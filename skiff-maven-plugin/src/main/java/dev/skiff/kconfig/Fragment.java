package dev.skiff.kconfig;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Kconfig fragment files. Kconfig itself skips a line it cannot read, which is exactly how
 * options get lost; so for the project's and the stock layers ({@link Mode#STRICT}) such a line is
 * an error naming the file, the line and the closest valid form. Layers of a SkiffOS tree are
 * read as SkiffOS reads them ({@link Mode#KCONFIG}): a line Kconfig skips is a warning, never a
 * refusal of SkiffOS's own tree.
 *
 * <p>Unquoted values ({@code BR2_DEFCONFIG=$(TOPDIR)/...}, {@code BR2_FOO=}) are accepted in both
 * modes, as Kconfig accepts them: only Kconfig knows whether the symbol is an int or hex (the
 * value counts) or a string (the line is ignored). The dropped-symbol check after
 * {@code make defconfig} then says which it was.
 */
public final class Fragment {
    /** How lines that Kconfig would skip are treated. */
    public enum Mode {
        /** An error: the project's own layers and the stock library. */
        STRICT,
        /** A warning, as SkiffOS (through Kconfig) silently skips them: layers of a SkiffOS tree. */
        KCONFIG
    }

    /** The assignments of one file, and the lines Kconfig would skip ({@link Mode#KCONFIG} only). */
    public record Parsed(List<Assignment> assignments, List<String> warnings) {
        public Parsed {
            assignments = List.copyOf(assignments);
            warnings = List.copyOf(warnings);
        }
    }

    private static final Pattern ASSIGN = Pattern.compile("([A-Za-z0-9_]+)=(.*)");
    private static final Pattern UNSET = Pattern.compile("# ([A-Za-z0-9_]+) is not set");
    private static final Pattern LOOSE_UNSET = Pattern.compile("#\\s*([A-Za-z0-9_]+)\\s+is\\s+not\\s+set\\s*");
    private static final Pattern LOOSE_ASSIGN = Pattern.compile("([A-Za-z0-9_]+)\\s*[=:]\\s*(.*)");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+|0[xX][0-9a-fA-F]+");

    private Fragment() {}

    /** Strict parsing, for the project's and the stock layers. */
    public static List<Assignment> parse(Path file, KconfigKind kind, String origin) {
        return parse(file, kind, origin, Mode.STRICT).assignments();
    }

    public static Parsed parse(Path file, KconfigKind kind, String origin, Mode mode) {
        return parse(readLines(file), file, kind, origin, mode);
    }

    public static List<Assignment> parse(List<String> lines, Path file, KconfigKind kind, String origin) {
        return parse(lines, file, kind, origin, Mode.STRICT).assignments();
    }

    /** The lines of a fragment file as Kconfig splits them (on '\n'; a '\r' before it is dropped). */
    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkiffException("cannot read Kconfig fragment " + file + ": " + e.getMessage(), e);
        }
    }

    public static Parsed parse(List<String> lines, Path file, KconfigKind kind, String origin, Mode mode) {
        List<Assignment> out = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            try {
                Assignment a = line(raw, file, i + 1, kind, origin);
                if (a != null) out.add(a);
            } catch (SkiffException e) {
                if (mode == Mode.STRICT) throw e;
                warnings.add(e.getMessage().replace("\n  Expected", " Kconfig skips this line. Expected")
                        .replace("\n  Did you mean:", " Did you mean:"));
            }
        }
        return new Parsed(out, warnings);
    }

    /**
     * One line of a merged file, with the file and line it came from: an assignment, null for a
     * blank or comment line, or a {@link SkiffException} for a line Kconfig would skip.
     */
    public static Assignment parseLine(String text, Path file, int line, KconfigKind kind, String origin) {
        return line(text, file, line, kind, origin);
    }

    /** One line: an assignment, null for a blank or comment line, or an error. */
    private static Assignment line(String raw, Path file, int no, KconfigKind kind, String origin) {
        String line = raw.stripTrailing();
        if (line.isBlank()) return null;
        if (!line.equals(line.stripLeading())) {
            // Kconfig reads a symbol only at the start of a line; an indented one is skipped.
            String trimmed = line.strip();
            if (trimmed.startsWith("#") && !LOOSE_UNSET.matcher(trimmed).matches()) return null;
            throw malformed(file, no, raw, trimmed + "   (Kconfig skips indented lines)");
        }
        Matcher m = UNSET.matcher(line);
        if (m.matches()) {
            checkSymbol(m.group(1), kind, file, no);
            return new Assignment(m.group(1), null, file, no, origin);
        }
        if (line.startsWith("#")) {
            Matcher loose = LOOSE_UNSET.matcher(line);
            // Only a would-be symbol counts; "# Networking is not set" is prose.
            if (loose.matches() && loose.group(1).startsWith(kind.prefix())) {
                throw malformed(file, no, raw, "# " + loose.group(1) + " is not set");
            }
            return null; // a comment
        }
        m = ASSIGN.matcher(line);
        if (!m.matches()) {
            Matcher loose = LOOSE_ASSIGN.matcher(line);
            String hint = loose.matches() ? loose.group(1) + "=" + loose.group(2).strip() : null;
            throw malformed(file, no, raw, hint);
        }
        String symbol = m.group(1);
        checkSymbol(symbol, kind, file, no);
        String value = checkValue(symbol, m.group(2), file, no, raw);
        return new Assignment(symbol, "n".equals(value) ? null : value, file, no, origin);
    }

    private static void checkSymbol(String symbol, KconfigKind kind, Path file, int line) {
        if (symbol.startsWith(kind.prefix())) return;
        String msg = file + ":" + line + ": symbol " + symbol + " does not start with " + kind.prefix()
                + ", as every " + kind.directory() + "/ fragment symbol must.";
        for (KconfigKind other : KconfigKind.values()) {
            if (other != kind && symbol.startsWith(other.prefix())) {
                msg += " It looks like a " + other.directory() + " option: move it to the layer's "
                        + other.directory() + "/ directory.";
                break;
            }
        }
        if (!msg.contains("move it")) msg += " Did you mean " + kind.prefix() + symbol + "?";
        throw new SkiffException(msg);
    }

    /** {@code true} for a value Kconfig reads without quotes: a tristate or a number. */
    public static boolean isBareValue(String value) {
        return value.equals("y") || value.equals("m") || value.equals("n") || NUMBER.matcher(value).matches();
    }

    /** {@code true} for an unquoted value that is neither a tristate nor a number (Kconfig keeps it only for int or hex options). */
    public static boolean isUnquotedString(String value) {
        return value != null && !value.startsWith("\"") && !isBareValue(value);
    }

    private static String checkValue(String symbol, String value, Path file, int line, String raw) {
        if (isBareValue(value)) return value;
        if (value.startsWith("\"")) {
            // A string: every inner quote must be escaped, and it must close at the end.
            boolean escaped = false;
            for (int i = 1; i < value.length(); i++) {
                char c = value.charAt(i);
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    if (i == value.length() - 1) return value;
                    String trailing = value.substring(i + 1).strip();
                    throw malformed(file, line, raw, trailing.startsWith("#")
                            ? symbol + "=" + value.substring(0, i + 1) + "   (comments go on their own line)"
                            : symbol + "=\"" + value.substring(1).replace("\"", "\\\"").replaceAll("\\\\\"$", "\""));
                }
            }
            throw malformed(file, line, raw, symbol + "=" + value + "\"");
        }
        int comment = value.indexOf('#');
        if (comment > 0) {
            String before = value.substring(0, comment).strip();
            if (isBareValue(before)) {
                throw malformed(file, line, raw, symbol + "=" + before + "   (comments go on their own line)");
            }
        }
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "yes", "true", "on" -> throw malformed(file, line, raw, symbol + "=y");
            case "no", "false", "off" -> throw malformed(file, line, raw, "# " + symbol + " is not set");
            default -> {
                // An unquoted string, or a hex number without 0x: accepted, judged after defconfig.
                return value;
            }
        }
    }

    private static SkiffException malformed(Path file, int line, String raw, String hint) {
        return new SkiffException(file + ":" + line + ": malformed Kconfig line: " + raw.strip()
                + "\n  Expected SYMBOL=value (y, m, a number or a \"quoted string\") or '# SYMBOL is not set'."
                + (hint == null ? "" : "\n  Did you mean: " + hint));
    }

    /** A Kconfig string value without its surrounding double quotes; other values as they are. */
    public static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
