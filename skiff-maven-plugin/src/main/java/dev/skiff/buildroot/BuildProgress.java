package dev.skiff.buildroot;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Turns Buildroot's {@code >>>} lines into "[ 37/212] busybox 1.37.0 building". A package counts
 * from its first step; the total comes from {@code show-info} (non-virtual packages), so the
 * counter can end a little short when a package has nothing to do.
 */
public final class BuildProgress {
    private final int total;
    private final Set<String> seen = new LinkedHashSet<>();
    private ProgressLine last;

    public BuildProgress(int total) {
        this.total = total;
    }

    /** The progress text for {@code line}, or null when it is not a progress line. */
    public String update(String line) {
        ProgressLine p = ProgressLine.parse(line);
        if (p == null) return null;
        last = p;
        if (!p.isPackageStep()) return String.format("[%s] %s", counterBlank(), p.step());
        seen.add(p.pkg());
        return String.format("[%s] %s %s", counter(), p.packageLabel(), p.stepLowerCase());
    }

    private String counter() {
        int width = Integer.toString(Math.max(total, seen.size())).length();
        return String.format("%" + width + "d/%d", seen.size(), Math.max(total, seen.size()));
    }

    private String counterBlank() {
        String c = counter();
        return " ".repeat(c.length());
    }

    /** The last progress line seen: the package and step a failure happened in. */
    public ProgressLine last() {
        return last;
    }

    public int done() {
        return seen.size();
    }

    public int total() {
        return total;
    }
}
