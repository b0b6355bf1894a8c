package dev.skiff.kconfig;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code .config} as Kconfig wrote it: symbol to value, with null for "is not set". */
public record DotConfig(Path file, Map<String, String> values) {
    private static final Pattern ASSIGN = Pattern.compile("([A-Za-z0-9_]+)=(.*)");
    private static final Pattern UNSET = Pattern.compile("# ([A-Za-z0-9_]+) is not set");

    public static DotConfig read(Path file) {
        try {
            return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SkiffException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static DotConfig parse(Path file, List<String> lines) {
        Map<String, String> v = new HashMap<>();
        for (String line : lines) {
            Matcher m = ASSIGN.matcher(line);
            if (m.matches()) {
                v.put(m.group(1), m.group(2));
                continue;
            }
            m = UNSET.matcher(line);
            if (m.matches()) v.put(m.group(1), null);
        }
        return new DotConfig(file, v);
    }

    /** Whether the symbol is present at all (set or "is not set"). */
    public boolean mentions(String symbol) {
        return values.containsKey(symbol);
    }

    public String value(String symbol) {
        return values.get(symbol);
    }
}
