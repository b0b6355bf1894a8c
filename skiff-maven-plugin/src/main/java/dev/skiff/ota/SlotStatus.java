package dev.skiff.ota;

import dev.skiff.SkiffException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An A/B device's slots, as its {@code skiff-slot status} prints them ({@code key=value} lines).
 *
 * @param scheme the bootloader mechanism: {@code pi-tryboot} or {@code grub}
 * @param booted the slot the running system booted from ({@code a} or {@code b})
 * @param active the committed default: the slot a normal boot starts
 * @param inactive the other one: where a push writes
 * @param dirA where the device mounts slot a (as the device sees it)
 * @param dirB where the device mounts slot b
 * @param trial the slot armed for a one-time trial boot not yet taken, or {@code none}
 * @param last the last result: {@code none}, {@code committed}, {@code fell-back} or
 *     {@code failed-check:<name>}
 * @param versionA the version of slot a's set (its {@code skiff-image.json}), or {@code none}
 * @param versionB the same for slot b
 */
public record SlotStatus(String scheme, String booted, String active, String inactive, String dirA, String dirB,
                         String trial, String last, String versionA, String versionB) {
    private static final Set<String> SLOTS = Set.of("a", "b");

    /** Parses {@code skiff-slot status} output; other lines (such as the wrapper's {@code @} lines) are ignored. */
    public static SlotStatus parse(String out, DeviceAddress device) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (eq > 0 && !l.startsWith("@")) kv.put(l.substring(0, eq), l.substring(eq + 1));
        }
        List<String> missing = new ArrayList<>();
        for (String k : List.of("scheme", "booted", "active", "inactive", "dir_a", "dir_b", "trial", "last", "version_a",
                "version_b")) {
            if (!kv.containsKey(k)) missing.add(k);
        }
        if (!missing.isEmpty()) {
            throw new SkiffException("'skiff-slot status' on " + device + " did not say " + String.join(", ", missing)
                    + "; its output was: " + (out.isBlank() ? "(nothing)" : out.strip().replace("\n", "; "))
                    + ". Is the device's skiff-slot from an older base layer?");
        }
        for (String k : List.of("booted", "active", "inactive")) {
            if (!SLOTS.contains(kv.get(k))) {
                throw new SkiffException("'skiff-slot status' on " + device + " says " + k + "=" + kv.get(k) + "; expected a or b.");
            }
        }
        if (kv.get("active").equals(kv.get("inactive"))) {
            throw new SkiffException("'skiff-slot status' on " + device + " says slot " + kv.get("active")
                    + " is both active and inactive.");
        }
        String trial = kv.get("trial");
        if (!trial.equals("none") && !SLOTS.contains(trial)) {
            throw new SkiffException("'skiff-slot status' on " + device + " says trial=" + trial + "; expected none, a or b.");
        }
        return new SlotStatus(kv.get("scheme"), kv.get("booted"), kv.get("active"), kv.get("inactive"), kv.get("dir_a"),
                kv.get("dir_b"), trial, kv.get("last"), orNone(kv.get("version_a")), orNone(kv.get("version_b")));
    }

    private static String orNone(String v) {
        return v == null || v.isBlank() ? "none" : v;
    }

    /** The directory of {@code slot} ({@code a} or {@code b}) as the device sees it. */
    public String dir(String slot) {
        return switch (slot) {
            case "a" -> dirA;
            case "b" -> dirB;
            default -> throw new IllegalArgumentException("no slot " + slot);
        };
    }

    public String version(String slot) {
        return switch (slot) {
            case "a" -> versionA;
            case "b" -> versionB;
            default -> throw new IllegalArgumentException("no slot " + slot);
        };
    }

    public static String other(String slot) {
        return "a".equals(slot) ? "b" : "a";
    }

    /** One line per slot, then the trial and the last result: what {@code skiff:status} prints. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (String s : List.of("a", "b")) {
            List<String> marks = new ArrayList<>();
            if (s.equals(active)) marks.add("active");
            if (s.equals(booted)) marks.add("booted");
            if (s.equals(trial)) marks.add("trial armed");
            out.add("slot " + s + " (" + dir(s) + "): version " + version(s) + (marks.isEmpty() ? "" : ", " + String.join(", ", marks)));
        }
        out.add("pending trial: " + (trial.equals("none") ? "none" : "slot " + trial + " boots once at the next reboot"));
        out.add("last result: " + last + " (boot scheme " + scheme + ")");
        return out;
    }
}
