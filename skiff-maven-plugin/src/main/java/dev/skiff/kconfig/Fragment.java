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
 * Parses Kconfig fragment files strictly. Kconfig itself ignores a line it cannot read, which is
 * exactly how options get lost; here such a line is an error naming the file, the line and the
 * closest valid form.
 */
public final class Fragment {
    private static final Pattern ASSIGN = Pattern.compile("([A-Za-z0-9_]+)=(.*)");
    private static final Pattern UNSET = Pattern.compile("# ([A-Za-z0-9_]+) is not set");
    private static final Pattern LOOSE_UNSET = Pattern.compile("#\\s*([A-Za-z0-9_]+)\\s+is\\s+not\\s+set\\s*");
    private static final Pattern LOOSE_ASSIGN = Pattern.compile("([A-Za-z0-9_]+)\\s*[=:]\\s*(.*)");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+|0[xX][0-9a-fA-F]+");

    private Fragment() {}

    public static List<Assignment> parse(Path file, KconfigKind kind, String origin) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkiffException("cannot read Kconfig fragment " + file + ": " + e.getMessage(), e);
        }
        return parse(lines, file, kind, origin);
    }

    public static List<Assignment> parse(List<String> lines, Path file, KconfigKind kind, String origin) {
        List<Assignment> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            String line = raw.strip();
            int no = i + 1;
            if (line.isEmpty()) continue;
            Matcher m = UNSET.matcher(line);
            if (m.matches()) {
                checkSymbol(m.group(1), kind, file, no);
                out.add(new Assignment(m.group(1), null, file, no, origin));
                continue;
            }
            if (line.startsWith("#")) {
                Matcher loose = LOOSE_UNSET.matcher(line);
                // Only a would-be symbol counts; "# Networking is not set" is prose.
                if (loose.matches() && loose.group(1).startsWith(kind.prefix())) {
                    throw malformed(file, no, raw, "# " + loose.group(1) + " is not set");
                }
                continue; // a comment
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
            out.add(new Assignment(symbol, "n".equals(value) ? null : value, file, no, origin));
        }
        return out;
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

    private static String checkValue(String symbol, String value, Path file, int line, String raw) {
        if (value.isEmpty()) {
            throw malformed(file, line, raw, symbol + "=\"\"");
        }
        if (value.equals("y") || value.equals("m") || value.equals("n") || NUMBER.matcher(value).matches()) {
            return value;
        }
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
            if (before.equals("y") || before.equals("m") || NUMBER.matcher(before).matches()) {
                throw malformed(file, line, raw, symbol + "=" + before + "   (comments go on their own line)");
            }
        }
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        String hint = switch (lower) {
            case "yes", "true", "on" -> symbol + "=y";
            case "no", "false", "off" -> "# " + symbol + " is not set";
            default -> symbol + "=\"" + value.replace("\"", "\\\"") + "\"";
        };
        throw malformed(file, line, raw, hint);
    }

    private static SkiffException malformed(Path file, int line, String raw, String hint) {
        return new SkiffException(file + ":" + line + ": malformed Kconfig line: " + raw.strip()
                + "\n  Expected SYMBOL=value (y, m, a number or a \"quoted string\") or '# SYMBOL is not set'."
                + (hint == null ? "" : "\n  Did you mean: " + hint));
    }
}
