package dev.skiff.kconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linux's {@code scripts/kconfig/merge_config.sh -m}, which SkiffOS runs once per fragment file to
 * build its merged fragment files, reproduced line for line.
 *
 * <p>For every {@code CONFIG_*} symbol the new fragment sets (a {@code CONFIG_X=...} line or a
 * {@code # CONFIG_X is not set} line), the script deletes from the file built so far every line
 * holding {@code CONFIG_X} followed by a space or {@code =} (provided {@code CONFIG_X} occurs
 * there as a whole word), then appends the fragment. Buildroot's own {@code BR2_*} lines never
 * match the {@code CONFIG_} prefix, so SkiffOS's Buildroot file is a plain concatenation that
 * Kconfig resolves (the last assignment wins); kernel, U-Boot and Busybox files are
 * de-duplicated. Skiff writes the same files so that the configuration is the one SkiffOS gives.
 */
public final class MergeConfig {
    /** The script's {@code CONFIG_PREFIX} (its {@code $CONFIG_} variable, unset in SkiffOS). */
    static final String PREFIX = "CONFIG_";
    private static final Pattern SET = Pattern.compile("^(" + PREFIX + "[a-zA-Z0-9_]*)=.*", Pattern.DOTALL);
    private static final Pattern UNSET = Pattern.compile("^# (" + PREFIX + "[a-zA-Z0-9_]*) is not set");

    private MergeConfig() {}

    /** Merges {@code fragment} into {@code base} in place, as {@code merge_config.sh -m base fragment}. */
    public static ConfigText merge(ConfigText base, ConfigText fragment) {
        for (String cfg : symbols(fragment)) {
            if (!base.anyLine(line -> containsWord(line, cfg))) continue;
            String space = cfg + " ";
            String eq = cfg + "=";
            base.deleteLines(line -> line.contains(space) || line.contains(eq));
        }
        return base.append(fragment);
    }

    /** The symbols a fragment sets, in order, as the script's two {@code sed -n} expressions list them. */
    static List<String> symbols(ConfigText fragment) {
        List<String> out = new ArrayList<>();
        for (ConfigText.Line l : fragment.lines()) {
            Matcher m = SET.matcher(l.text());
            if (m.matches()) {
                out.add(m.group(1));
                continue;
            }
            m = UNSET.matcher(l.text());
            if (m.matches()) out.add(m.group(1));
        }
        return out;
    }

    /** {@code grep -w}: {@code word} occurs with no letter, digit or underscore on either side. */
    static boolean containsWord(String line, String word) {
        int from = 0;
        while (true) {
            int i = line.indexOf(word, from);
            if (i < 0) return false;
            int end = i + word.length();
            boolean before = i == 0 || !isWordChar(line.charAt(i - 1));
            boolean after = end == line.length() || !isWordChar(line.charAt(end));
            if (before && after) return true;
            from = i + 1;
        }
    }

    private static boolean isWordChar(char c) {
        // SkiffOS runs its scripts with LC_ALL=C: only ASCII letters, digits and '_' form words.
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
