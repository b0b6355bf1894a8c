package dev.skiff.kconfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A generated config file as a list of lines, each remembering where it came from. SkiffOS builds
 * its merged fragment files with {@code printf >>}, {@code cat >>}, {@code sed -i} and
 * {@code merge_config.sh}; this class offers exactly those operations, byte for byte, so the
 * files Skiff writes are the files SkiffOS writes, while every line can still be traced back to
 * the layer file and line that contributed it.
 *
 * <p>Mutable while a file is being built; {@link #text()} gives the result.
 */
public final class ConfigText {
    /**
     * Where a line came from: a layer file and line, or the engine ({@code file} null, {@code
     * source} saying what added it).
     */
    public record Origin(String source, Path file, int line) {
        public static Origin engine(String what) {
            return new Origin(what, null, 0);
        }

        public String where() {
            return file == null ? source : file + ":" + line;
        }
    }

    /** One line without its newline. */
    public record Line(String text, Origin origin) {}

    private final List<Line> lines = new ArrayList<>();
    /** True when the last line has no newline yet (the file does not end with one). */
    private boolean open;

    public ConfigText() {}

    /** {@code cat file >> this}: appends {@code content}, numbering its lines from 1. */
    public ConfigText append(String content, String source, Path file) {
        return append(content, n -> new Origin(source, file, n));
    }

    /** {@code printf ... >> this} of text the engine produces. */
    public ConfigText appendGenerated(String content, String what) {
        Origin o = Origin.engine(what);
        return append(content, n -> o);
    }

    /** Appends another text with its own origins, as {@code cat other >> this} would. */
    public ConfigText append(ConfigText other) {
        List<Line> src = other.lines;
        for (int i = 0; i < src.size(); i++) {
            boolean last = i == src.size() - 1;
            addSegment(src.get(i).text(), src.get(i).origin(), !(last && other.open));
        }
        return this;
    }

    private ConfigText append(String content, java.util.function.IntFunction<Origin> origin) {
        if (content.isEmpty()) return this;
        int start = 0;
        int n = 1;
        while (start < content.length()) {
            int nl = content.indexOf('\n', start);
            if (nl < 0) {
                addSegment(content.substring(start), origin.apply(n), false);
                break;
            }
            addSegment(content.substring(start, nl), origin.apply(n), true);
            start = nl + 1;
            n++;
        }
        return this;
    }

    /** Adds text to the open last line, or as a new line; {@code terminated} says whether a newline follows. */
    private void addSegment(String text, Origin origin, boolean terminated) {
        if (open) {
            Line last = lines.remove(lines.size() - 1);
            lines.add(new Line(last.text() + text, last.origin()));
        } else {
            lines.add(new Line(text, origin));
        }
        open = !terminated;
    }

    /** {@code sed -i '/.../d'}: removes every line the predicate selects. */
    public ConfigText deleteLines(Predicate<String> which) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (which.test(lines.get(i).text())) {
                if (i == lines.size() - 1) open = false;
                lines.remove(i);
            }
        }
        return this;
    }

    /** {@code sed -i 's#token#value#g'}, with the value taken literally. */
    public ConfigText replaceAll(String token, String value) {
        return map(t -> t.replace(token, value));
    }

    /** Rewrites every line's text, keeping its origin. */
    public ConfigText map(UnaryOperator<String> f) {
        lines.replaceAll(l -> new Line(f.apply(l.text()), l.origin()));
        return this;
    }

    /** Rewrites each line from its text and origin; a null result removes the line. */
    public ConfigText rewrite(java.util.function.BiFunction<String, Origin, String> f) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Line l = lines.get(i);
            String t = f.apply(l.text(), l.origin());
            if (t == null) {
                if (i == lines.size() - 1) open = false;
                lines.remove(i);
            } else if (!t.equals(l.text())) {
                lines.set(i, new Line(t, l.origin()));
            }
        }
        return this;
    }

    public boolean anyLine(Predicate<String> p) {
        for (Line l : lines) if (p.test(l.text())) return true;
        return false;
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    public ConfigText copy() {
        ConfigText c = new ConfigText();
        c.lines.addAll(lines);
        c.open = open;
        return c;
    }

    /** The file content. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(lines.get(i).text());
            if (i < lines.size() - 1 || !open) sb.append('\n');
        }
        return sb.toString();
    }
}
