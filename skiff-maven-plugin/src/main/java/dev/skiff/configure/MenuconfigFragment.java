package dev.skiff.configure;

import dev.skiff.SkiffException;
import dev.skiff.kconfig.DotConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Keeps what a user changed in {@code make menuconfig}: the difference between the minimal
 * defconfigs saved before and after becomes a fragment in {@code overrides/workspaces/<ws>/buildroot/},
 * so the change survives the next merge instead of being overwritten by it, as upstream does.
 */
public final class MenuconfigFragment {
    public static final String FILE_NAME = "50-menuconfig";

    private MenuconfigFragment() {}

    /**
     * The lines that turn {@code before} into {@code after}. A symbol that left the minimal
     * defconfig went back to its default, which for the options a defconfig lists means unset.
     */
    public static List<String> delta(DotConfig before, DotConfig after) {
        List<String> out = new ArrayList<>();
        TreeSet<String> symbols = new TreeSet<>(before.values().keySet());
        symbols.addAll(after.values().keySet());
        for (String s : symbols) {
            boolean inBefore = before.mentions(s);
            boolean inAfter = after.mentions(s);
            String a = after.value(s);
            if (inAfter && (!inBefore || !java.util.Objects.equals(before.value(s), a))) {
                out.add(a == null ? "# " + s + " is not set" : s + "=" + a);
            } else if (inBefore && !inAfter) {
                out.add("# " + s + " is not set");
            }
        }
        return out;
    }

    /** Merges {@code delta} into the override fragment, replacing earlier lines for the same symbols. */
    public static Path save(Path projectDir, String workspace, List<String> delta) {
        Path file = projectDir.resolve("overrides/workspaces").resolve(workspace).resolve("buildroot").resolve(FILE_NAME);
        try {
            Map<String, String> lines = new LinkedHashMap<>();
            if (Files.isRegularFile(file)) {
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String sym = symbolOf(l);
                    if (sym != null) lines.put(sym, l);
                }
            }
            for (String l : delta) lines.put(symbolOf(l), l);
            List<String> text = new ArrayList<>();
            text.add("# Saved by skiff:br -Dskiff.target=menuconfig. Edit or delete freely.");
            text.addAll(lines.values());
            Files.createDirectories(file.getParent());
            Files.write(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new SkiffException("cannot save the menuconfig changes to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String symbolOf(String line) {
        String l = line.trim();
        if (l.startsWith("# ") && l.endsWith(" is not set")) return l.substring(2, l.length() - " is not set".length());
        int eq = l.indexOf('=');
        return !l.startsWith("#") && eq > 0 ? l.substring(0, eq) : null;
    }
}
