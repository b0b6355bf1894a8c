package dev.skiff.image;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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

    /** The most links one resolution may pass through: Linux's own limit. */
    static final int MAX_LINK_HOPS = 40;

    /** The longest link text Linux stores ({@code PATH_MAX} less the terminating NUL). */
    static final int MAX_TARGET_BYTES = 4095;

    private EntryName() {}

    /**
     * The first two paths that differ only in case, as {@code [a, b]}, or null. A boot or slot
     * partition is FAT, which folds case: {@code config.txt} and {@code CONFIG.TXT} would be one
     * file there, and which of them the device reads would depend on the copy order.
     */
    public static String[] caseCollision(java.util.Collection<String> paths) {
        Map<String, String> folded = new java.util.HashMap<>();
        for (String p : paths) {
            String other = folded.putIfAbsent(p.toLowerCase(java.util.Locale.ROOT), p);
            if (other != null && !other.equals(p)) return new String[] {other, p};
        }
        return null;
    }

    /** The message for {@link #caseCollision}'s pair. */
    static String caseCollisionProblem(String[] pair) {
        return "'" + pair[0] + "' and '" + pair[1] + "' differ only in case: a FAT boot partition cannot hold both (it folds"
                + " case), so which one a device reads would be chance";
    }

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
     * Why the link {@code target} stored at {@code linkPath} is unsafe, or {@code null}.
     *
     * <p>Counting {@code ..} segments is not enough: {@code a/b/L -> ../../z} looks harmless, and
     * so does {@code u -> a/b/L/../../../etc/shadow} when its segments are counted, but the kernel
     * replaces {@code L} by its target before it applies the {@code ..} that follow, so {@code u}
     * leads to {@code /etc/shadow}. So the target is resolved the way the kernel resolves it,
     * following every other link of the bundle ({@code links}, path to target) on the way, and
     * must never climb above the bundle's root. A name the bundle does not hold is taken for a
     * directory: on disk it is either one (a directory entry) or resolution fails there, so this
     * never accepts what the kernel would resolve outside.
     *
     * @param links every symbolic link of the bundle, path to target, this one included
     */
    static String linkProblem(String linkPath, String target, Map<String, String> links) {
        String own = targetProblem(target);
        if (own != null) {
            return own;
        }
        ArrayDeque<String> at = new ArrayDeque<>(List.of(linkPath.split("/")));
        at.removeLast();
        Walk walk = new Walk();
        String why = follow(at, target, links, walk);
        return why == null ? null : "its target " + target + " " + why;
    }

    /** Why a link text is unusable whatever it points at, or {@code null}. */
    private static String targetProblem(String target) {
        if (target.isEmpty()) {
            return "its target is empty";
        }
        if (target.startsWith("/")) {
            return "its target " + target + " is absolute";
        }
        if (target.indexOf('\0') >= 0) {
            return "its target contains a NUL character";
        }
        if (target.getBytes(StandardCharsets.UTF_8).length > MAX_TARGET_BYTES) {
            return "its target is longer than " + MAX_TARGET_BYTES + " bytes, more than a link"
                    + " can hold";
        }
        return null;
    }

    /** State of one resolution: links followed so far, and the latest, for messages. */
    private static final class Walk {
        int hops;
        String lastLink;
    }

    /**
     * Walks {@code target} from the directory {@code at} (bundle path segments, changed in place
     * to where the walk ends), replacing each link met by its own target. Returns the end of a
     * sentence saying why the walk fails, or {@code null}.
     */
    private static String follow(ArrayDeque<String> at, String target, Map<String, String> links,
            Walk walk) {
        for (String segment : target.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (at.isEmpty()) {
                    return "leads outside the images directory" + (walk.lastLink == null ? ""
                            : " once the link " + walk.lastLink + " on its way is followed");
                }
                at.removeLast();
                continue;
            }
            at.addLast(segment);
            String path = String.join("/", at);
            String next = links.get(path);
            if (next == null) {
                continue;
            }
            if (++walk.hops > MAX_LINK_HOPS) {
                return "goes through more than " + MAX_LINK_HOPS + " links: they form a loop";
            }
            String bad = targetProblem(next);
            if (bad != null) {
                return "goes through the link " + path + ", and " + bad.replace("its target",
                        "that link's target");
            }
            at.removeLast();
            String why = follow(at, next, links, walk);
            if (why != null) {
                return why;
            }
            walk.lastLink = path + " -> " + next;
        }
        return null;
    }

    /** What a bundle path names. */
    enum Kind { DIRECTORY, FILE, LINK }

    /**
     * Why {@code path} lies below another entry it cannot lie below, or {@code null}: below a
     * link, a file written there would land wherever the link points; below a file, it cannot
     * exist at all.
     *
     * @param kindOf the kind of each entry seen so far, or {@code null} if unknown
     */
    static String parentProblem(String path, Function<String, Kind> kindOf) {
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
            String parent = path.substring(0, i);
            Kind kind = kindOf.apply(parent);
            if (kind == Kind.LINK) {
                return "its parent " + parent + " is a symbolic link, so it would be written"
                        + " wherever that link points";
            }
            if (kind == Kind.FILE) {
                return "its parent " + parent + " is a file";
            }
        }
        return null;
    }
}
