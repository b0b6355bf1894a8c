package dev.skiff.buildroot;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code >>>} line of a Buildroot build: {@code >>> busybox 1.37.0 Building} for a package
 * step, or {@code >>>   Finalizing target directory} for a global step (no package).
 *
 * @param pkg the package, or null for a global step
 */
public record ProgressLine(String pkg, String version, String step) {
    private static final Pattern PACKAGE = Pattern.compile(">>> (\\S+) (\\S*) (.+)");
    private static final Pattern ANSI = Pattern.compile("\u001B(\\[[0-9;?]*[A-Za-z]|\\([A-Z0-9])");
    private static final Pattern GLOBAL = Pattern.compile(">>>\\s+(.+)");

    /** The parsed line, or null when {@code line} is not a progress line. */
    public static ProgressLine parse(String raw) {
        // Buildroot wraps the line in `tput smso`/`rmso` codes whenever TERM is set.
        String line = ANSI.matcher(raw).replaceAll("");
        if (!line.startsWith(">>>")) return null;
        Matcher m = PACKAGE.matcher(line.stripTrailing());
        if (m.matches()) return new ProgressLine(m.group(1), m.group(2), m.group(3).trim());
        m = GLOBAL.matcher(line.stripTrailing());
        return m.matches() ? new ProgressLine(null, null, m.group(1).trim()) : null;
    }

    /** "busybox 1.37.0", or just "toolchain-external-custom" for a package with no version. */
    public String packageLabel() {
        return version == null || version.isEmpty() ? pkg : pkg + " " + version;
    }

    public boolean isPackageStep() {
        return pkg != null;
    }

    /** "Building" becomes "building": it reads as a status after the counter. */
    public String stepLowerCase() {
        return step.isEmpty() ? step : step.substring(0, 1).toLowerCase(Locale.ROOT) + step.substring(1);
    }
}
