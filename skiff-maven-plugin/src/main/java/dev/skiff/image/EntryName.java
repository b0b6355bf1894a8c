package dev.skiff.image;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Rules for paths inside a bundle: relative, {@code /}-separated, no empty, {@code .} or
 * {@code ..} segments. Enforced on writing and again on reading, because a bundle may come from
 * a remote repository and must never make {@link ImageBundle#extract} write outside its target.
 */
final class EntryName {

    /**
     * Byte order of the UTF-8 path, the order of entries in a bundle and of the manifest's lists.
     * Not {@link String#compareTo}: that compares UTF-16 units, which sorts some non-ASCII names
     * differently from {@code LC_ALL=C sort} and from other tools that check the order.
     */
    static final Comparator<String> BYTE_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private EntryName() {}

    /** Why {@code path} is not a safe bundle path, or {@code null} if it is one. */
    static String problem(String path) {
        if (path.isEmpty()) {
            return "it is empty";
        }
        if (path.startsWith("/")) {
            return "it is absolute";
        }
        if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
            return "it contains a NUL or backslash character";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                return "it has an empty or '.' segment";
            }
            if (segment.equals("..")) {
                return "it has a '..' segment, which would point outside the bundle";
            }
        }
        return null;
    }

    /**
     * Why the link {@code target} stored at {@code linkPath} is unsafe, or {@code null}. A link
     * must stay inside the bundle, or extracting a file through it would write outside the
     * target directory.
     */
    static String linkProblem(String linkPath, String target) {
        if (target.isEmpty()) {
            return "its target is empty";
        }
        if (target.startsWith("/")) {
            return "its target " + target + " is absolute";
        }
        int depth = linkPath.split("/").length - 1;
        for (String segment : target.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            depth += segment.equals("..") ? -1 : 1;
            if (depth < 0) {
                return "its target " + target + " points outside the images directory";
            }
        }
        return null;
    }
}
