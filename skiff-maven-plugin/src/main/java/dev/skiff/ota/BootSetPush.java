package dev.skiff.ota;

import dev.skiff.SkiffException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Upgrades the boot set of a running device: upload, verify, switch over, keep a backup; and
 * roll back to that backup. See {@code package-info.java} for the on-device layout and why an
 * interruption never leaves a mix of two sets.
 *
 * <p>A push takes three remote commands and the uploads, over the one {@link DeviceConnection}:
 * <ol>
 * <li><b>recover and probe</b>: complete a switch-over a crashed device left half done (its
 *     journal exists), then {@code sha256sum} the active files and any staged ones, and read the
 *     free space;
 * <li><b>up to date?</b> every file already matches and no stale file would remain: nothing is
 *     sent, nothing switched, and the backup stays what it was;
 * <li><b>stage</b>: unchanged files are copied on the device ({@code cp}) from the active set into
 *     {@code .skiff-staging/}; then changed ones are uploaded over SFTP. Files a cut-off push
 *     already staged completely are kept;
 * <li><b>verify and switch</b>: {@code sha256sum -c} of every staged file on the device against
 *     the image's sums, the completion marker, then the journaled switch-over, which the
 *     connection dropping cannot interrupt.
 * </ol>
 */
public final class BootSetPush {
    public static final String STAGING = ".skiff-staging";
    public static final String BACKUP = ".skiff-backup";
    public static final String JOURNAL = ".skiff-switch";
    public static final String MANIFEST = ".skiff-set";
    static final String PREVIOUS = ".skiff-prev";

    private static final Pattern SUM_LINE = Pattern.compile("([0-9a-f]{64}) [ *](.+)");

    private final DeviceConnection device;
    private final String bootDir;
    private final PushProgress progress;

    public BootSetPush(DeviceConnection device, String remoteBootDir, PushProgress progress) {
        this.device = device;
        this.bootDir = checkBootDir(remoteBootDir);
        this.progress = progress == null ? PushProgress.NONE : progress;
    }

    static String checkBootDir(String dir) {
        if (dir == null || dir.isBlank()) throw new SkiffException("skiff.remoteBootDir is empty; it is the boot partition's"
                + " directory on the device, for example /mnt/boot.");
        String d = dir.trim();
        while (d.length() > 1 && d.endsWith("/")) d = d.substring(0, d.length() - 1);
        if (!d.startsWith("/")) throw new SkiffException("skiff.remoteBootDir '" + dir + "' must be an absolute path on the device,"
                + " for example /mnt/boot.");
        if (d.equals("/")) throw new SkiffException("skiff.remoteBootDir must not be / : give the boot partition's directory,"
                + " for example /mnt/boot.");
        for (String seg : d.substring(1).split("/")) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new SkiffException("skiff.remoteBootDir '" + dir + "' must be a plain absolute path (no //, . or ..).");
            }
        }
        return d;
    }

    public String bootDir() {
        return bootDir;
    }

    /** Pushes {@code files} as the new boot set. */
    public PushResult push(List<PushFile> files) {
        if (files.isEmpty()) throw new SkiffException("nothing to push: the boot set is empty.");
        Map<String, PushFile> byPath = new LinkedHashMap<>();
        for (PushFile f : files) {
            if (byPath.put(f.path(), f) != null) throw new SkiffException("the boot set lists " + f.path() + " twice.");
        }
        // Names differing only in case would collide on FAT.
        Set<String> folded = new HashSet<>();
        for (String p : byPath.keySet()) {
            if (!folded.add(p.toLowerCase(java.util.Locale.ROOT))) {
                throw new SkiffException("the boot set has two files whose names differ only in case (" + p
                        + "); a FAT boot partition cannot hold both.");
            }
        }

        progress.step("Comparing " + byPath.size() + " files with " + device.address() + ":" + bootDir + " (sha256sum on the device)");
        Probe probe = probe(new ArrayList<>(byPath.keySet()));
        boolean recovered = probe.recovered;
        if (recovered) progress.step("Completed a switch-over that was interrupted earlier in " + bootDir);

        // The set being replaced: what the last push recorded, plus whatever the new set would overwrite.
        Map<String, String> previous = new TreeMap<>();
        for (String p : probe.manifest.keySet()) if (probe.active.containsKey(p)) previous.put(p, probe.active.get(p));
        for (String p : byPath.keySet()) if (probe.active.containsKey(p)) previous.put(p, probe.active.get(p));

        boolean allMatch = byPath.values().stream().allMatch(f -> f.sha256().equals(probe.active.get(f.path())));
        boolean staleRemain = previous.keySet().stream().anyMatch(p -> !byPath.containsKey(p));
        String newManifest = manifest(byPath);
        if (allMatch && !staleRemain) {
            if (!newManifest.equals(manifest(probe.manifest))) {
                device.writeText(bootDir + "/" + MANIFEST + ".tmp", newManifest);
                device.run("recording the boot set manifest", Shell.script(
                        "cd \"$1\" && mv -f " + MANIFEST + ".tmp " + MANIFEST + " && sync", List.of(bootDir)));
            }
            return new PushResult(PushResult.Action.UP_TO_DATE, bootDir, byPath.size(), 0, 0, 0, 0, recovered);
        }

        List<PushFile> copy = new ArrayList<>();
        List<PushFile> upload = new ArrayList<>();
        int resumed = 0;
        long needBytes = 0;
        for (PushFile f : byPath.values()) {
            if (f.sha256().equals(probe.staged.get(f.path()))) {
                resumed++;
            } else if (f.sha256().equals(probe.active.get(f.path()))) {
                copy.add(f);
                needBytes += f.size();
            } else {
                upload.add(f);
                needBytes += f.size();
            }
        }
        checkSpace(probe, needBytes);

        progress.step("Staging in " + bootDir + "/" + STAGING + ": " + upload.size() + " to upload ("
                + PushResult.human(upload.stream().mapToLong(PushFile::size).sum()) + "), " + copy.size()
                + " unchanged to copy on the device" + (resumed > 0 ? ", " + resumed + " already staged" : ""));
        List<String> stageArgs = new ArrayList<>();
        stageArgs.add(bootDir);
        for (PushFile f : copy) stageArgs.add("c/" + f.path());
        for (PushFile f : upload) stageArgs.add("u/" + f.path());
        device.run("preparing the staging set", Shell.script(STAGE_SCRIPT, stageArgs));

        long uploadedBytes = 0;
        for (PushFile f : upload) {
            progress.step("Uploading " + f.path() + " (" + PushResult.human(f.size()) + ")");
            device.upload(f.local(), bootDir + "/" + STAGING + "/" + f.path(), done -> progress.uploaded(f.path(), done, f.size()));
            uploadedBytes += f.size();
        }

        // Manifests first (tiny), then one device-side run: sha256sum -c of every staged file against
        // the expected sums, the completion marker, and the switch-over.
        String staging = bootDir + "/" + STAGING + "/";
        device.writeText(staging + PREVIOUS, manifest(previous));
        device.writeText(staging + MANIFEST + ".tmp", newManifest);
        progress.step("Verifying the " + byPath.size() + " staged files on the device (sha256sum) and switching over "
                + bootDir + "; the previous set is kept in " + bootDir + "/" + BACKUP);
        List<String> exec = byPath.values().stream().filter(PushFile::executable).map(PushFile::path).toList();
        DeviceConnection.ExecResult r = device.exec(Shell.script(FINALIZE_SCRIPT, prepend(bootDir, exec)) + " && "
                + Shell.script(SWITCH_SCRIPT, List.of(bootDir, "switch")));
        if (r.exitStatus() == 5) {
            throw new SkiffException("the staged files on " + device.address() + " do not match the image: "
                    + r.stderr().strip().replace("\n", "; ") + ". The active set is untouched; push again to re-send them.");
        }
        if (r.exitStatus() != 0) {
            throw new SkiffException("the switch-over failed on " + device.address() + " (exit status " + r.exitStatus() + ")"
                    + (r.stderr().isBlank() ? "." : ": " + r.stderr().strip()));
        }
        return new PushResult(PushResult.Action.SWITCHED, bootDir, byPath.size(), upload.size(), uploadedBytes, copy.size(),
                resumed, recovered);
    }

    /** Makes the backup the active set again; the set that was active becomes the backup. */
    public PushResult rollback() {
        progress.step("Rolling back " + device.address() + ":" + bootDir + " to the backup in " + BACKUP
                + " (checked with sha256sum first)");
        String out = runSwitch("rollback");
        int files = 0;
        Matcher m = Pattern.compile("@rolledback (\\d+)").matcher(out);
        if (m.find()) files = Integer.parseInt(m.group(1));
        return new PushResult(PushResult.Action.ROLLED_BACK, bootDir, files, 0, 0, 0, 0, out.contains("@recovered"));
    }

    private String runSwitch(String mode) {
        return device.run("the switch-over script (" + mode + ")", Shell.script(SWITCH_SCRIPT, List.of(bootDir, mode)));
    }

    private void checkSpace(Probe probe, long needBytes) {
        if (probe.availableKiB < 0) return; // df unavailable: the upload itself will fail clearly
        long needKiB = needBytes / 1024 + 64;
        if (needKiB <= probe.availableKiB) return;
        if (probe.backupKiB > 0 && needKiB <= probe.availableKiB + probe.backupKiB) {
            progress.step("Removing the old backup " + bootDir + "/" + BACKUP + " (" + probe.backupKiB / 1024 + " MiB) to make room"
                    + " for the staging set; the active set stays as it is");
            device.run("removing the old backup", Shell.script("cd \"$1\" && rm -rf " + BACKUP + " && sync", List.of(bootDir)));
            return;
        }
        throw new SkiffException("not enough space in " + device.address() + ":" + bootDir + " for the staging set: it needs "
                + needKiB / 1024 + " MiB, " + probe.availableKiB / 1024 + " MiB are free"
                + (probe.backupKiB > 0 ? " (plus " + probe.backupKiB / 1024 + " MiB held by the backup)" : "")
                + ". A push keeps the active set until the new one is complete, so the partition must hold both.");
    }

    private record Probe(boolean recovered, Map<String, String> manifest, Map<String, String> active, Map<String, String> staged,
                         long availableKiB, long backupKiB) {}

    private Probe probe(List<String> paths) {
        String out = device.run("reading the boot set on the device", Shell.script(SWITCH_SCRIPT, List.of(bootDir, "recover"))
                + " && " + Shell.script(PROBE_SCRIPT, prepend(bootDir, paths)));
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        StringBuilder cur = null;
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("@")) {
                cur = new StringBuilder();
                sections.put(line.strip(), cur);
            } else if (cur != null) {
                cur.append(line).append('\n');
            }
        }
        if (!sections.containsKey("@end")) {
            throw new SkiffException("unexpected answer from " + device.address() + " while reading " + bootDir + ": " + out.strip());
        }
        long avail = -1;
        String[] df = text(sections, "@df").strip().split("\\s+");
        if (df.length >= 6) {
            try {
                avail = Long.parseLong(df[3]);
            } catch (NumberFormatException ignored) {
                // leave unknown
            }
        }
        long backup = 0;
        try {
            String b = text(sections, "@backup").strip();
            if (!b.isEmpty()) backup = Long.parseLong(b.split("\\s+")[0]);
        } catch (NumberFormatException ignored) {
            // leave 0
        }
        return new Probe(sections.containsKey("@recovered"), hashes(text(sections, "@manifest")), hashes(text(sections, "@active")),
                hashes(text(sections, "@staged")), avail, backup);
    }

    private static String text(Map<String, StringBuilder> sections, String name) {
        StringBuilder sb = sections.get(name);
        return sb == null ? "" : sb.toString();
    }

    /** Parses {@code sha256sum} output (and manifests, which use its format); other lines are ignored. */
    static Map<String, String> hashes(String out) {
        Map<String, String> m = new TreeMap<>();
        for (String line : out.split("\n")) {
            Matcher mm = SUM_LINE.matcher(line.strip());
            if (mm.matches() && PushFile.invalidPath(mm.group(2)) == null) m.put(mm.group(2), mm.group(1));
        }
        return m;
    }

    /** A manifest: {@code sha256sum} format, sorted by path, so {@code sha256sum -c} checks it on the device. */
    private static String manifest(Map<String, ?> set) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(set).forEach((path, v) -> sb.append(v instanceof PushFile f ? f.sha256() : v).append("  ").append(path).append('\n'));
        return sb.toString();
    }

    private static List<String> prepend(String first, java.util.Collection<String> rest) {
        List<String> l = new ArrayList<>(rest.size() + 1);
        l.add(first);
        l.addAll(rest);
        return l;
    }

    /** {@code $1} boot dir, then the new set's paths. Read-only. */
    static final String PROBE_SCRIPT = String.join("\n",
            "B=$1; shift",
            "cd \"$B\" 2>/dev/null || { echo \"the boot directory $B does not exist on the device (is the boot partition mounted? -Dskiff.remoteBootDir sets the directory)\" >&2; exit 3; }",
            "[ -w . ] || { echo \"$B is not writable (mounted read-only? mount -o remount,rw $B)\" >&2; exit 3; }",
            "command -v sha256sum >/dev/null 2>&1 || { echo \"the device has no sha256sum command\" >&2; exit 3; }",
            "set -f",
            "echo @manifest",
            "[ -f .skiff-set ] && cat .skiff-set",
            "echo @active",
            "for f in $( { for a in \"$@\"; do echo \"$a\"; done; [ -f .skiff-set ] && cut -c67- .skiff-set; } | sort -u ); do",
            "  [ -f \"$f\" ] && sha256sum \"$f\"",
            "done",
            "echo @staged",
            "if [ -d .skiff-staging ]; then",
            "  ( cd .skiff-staging && for f in \"$@\"; do [ -f \"$f\" ] && sha256sum \"$f\"; done )",
            "fi",
            "echo @df",
            "df -Pk . 2>/dev/null | tail -n 1",
            "echo @backup",
            "[ -d .skiff-backup ] && du -sk .skiff-backup 2>/dev/null",
            "echo @end",
            "exit 0",
            "");

    /**
     * {@code $1} boot dir, then {@code c/<path>} (copy the active file into staging) and
     * {@code u/<path>} (make the directory for an upload). Clears the completion marker first, so
     * a staging set is only ever complete once verified.
     */
    static final String STAGE_SCRIPT = String.join("\n",
            "B=$1; shift",
            "cd \"$B\" || exit 3",
            "mkdir -p .skiff-staging && rm -f .skiff-staging/.skiff-set .skiff-staging/.skiff-set.tmp .skiff-staging/.skiff-prev .skiff-staging/.skiff-rollback               || { echo \"cannot create $B/.skiff-staging\" >&2; exit 4; }",
            "for a in \"$@\"; do",
            "  f=${a#?/}",
            "  mkdir -p \".skiff-staging/$(dirname \"$f\")\" || { echo \"cannot create the directory for $f in the staging set\" >&2; exit 4; }",
            "  case \"$a\" in",
            "    c/*) cp \"$f\" \".skiff-staging/$f\" || { echo \"cannot copy $f into the staging set\" >&2; exit 4; } ;;",
            "  esac",
            "done",
            "exit 0",
            "");

    /**
     * {@code $1} boot dir, then the files to make executable (best effort: FAT has no modes).
     * Checks every staged file against the uploaded {@code .skiff-set.tmp} (exit 5 and the
     * mismatches on stderr if any differ), then marks the staging set complete.
     */
    static final String FINALIZE_SCRIPT = String.join("\n",
            "B=$1; shift",
            "cd \"$B/.skiff-staging\" || exit 3",
            "out=$(sha256sum -c .skiff-set.tmp 2>&1) || { printf '%s\\n' \"$out\" | grep -v ': OK$' >&2; exit 5; }",
            "[ $# -gt 0 ] && chmod 755 \"$@\" 2>/dev/null",
            "sync && mv -f .skiff-set.tmp .skiff-set && sync || { echo \"cannot mark $B/.skiff-staging complete\" >&2; exit 4; }",
            "exit 0",
            "");

    /**
     * The switch-over, rollback and recovery, run on the device as one {@code sh -c}: the whole
     * script is in memory and ignores SIGHUP/SIGPIPE, so a dropped connection cannot stop it half
     * way. {@code $1} boot dir, {@code $2} mode: {@code recover}, {@code switch} or {@code rollback}.
     *
     * <p>{@code finish} is idempotent: it can be re-run from any point after the journal was
     * committed and completes the same switch (roll forward).
     */
    static final String SWITCH_SCRIPT = String.join("\n",
            "B=$1; MODE=$2",
            "S=.skiff-staging; P=.skiff-backup; J=.skiff-switch; M=.skiff-set",
            "trap '' HUP PIPE",
            "set -f",
            "cd \"$B\" 2>/dev/null || { echo \"the boot directory $B does not exist on the device (is the boot partition mounted? -Dskiff.remoteBootDir sets the directory)\" >&2; exit 3; }",
            "fail() { echo \"$*\" >&2; exit 4; }",
            "innew() { cut -c67- \"$J\" | grep -qxF \"$1\"; }",
            "finish() {",
            "  if [ -f \"$P/$M\" ]; then",
            "    for f in $(cut -c67- \"$P/$M\"); do",
            "      if [ -e \"$f\" ] && [ ! -e \"$P/$f\" ] && { ! innew \"$f\" || [ -e \"$S/$f\" ]; }; then",
            "        mkdir -p \"$P/$(dirname \"$f\")\" && mv -f \"$f\" \"$P/$f\" || fail \"cannot move $B/$f into the backup $B/$P\"",
            "      fi",
            "    done",
            "  fi",
            "  for f in $(cut -c67- \"$J\"); do",
            "    if [ -e \"$S/$f\" ]; then",
            "      mkdir -p \"$(dirname \"$f\")\" && mv -f \"$S/$f\" \"$f\" || fail \"cannot move $B/$S/$f to $B/$f\"",
            "    fi",
            "  done",
            "  if [ -f \"$P/$M\" ]; then",
            "    for f in $(cut -c67- \"$P/$M\"); do",
            "      innew \"$f\" || rmdir -p \"$(dirname \"$f\")\" 2>/dev/null",
            "    done",
            "  fi",
            "  rm -rf \"$S\"",
            "  sync",
            "  mv -f \"$J\" \"$M\" || fail \"cannot complete the switch-over journal $B/$J\"",
            "  sync",
            "}",
            "begin() {",
            "  [ -f \"$S/$M\" ] && [ -f \"$S/.skiff-prev\" ] || fail \"the staging set in $B/$S is incomplete\"",
            "  rm -rf \"$P\" && mkdir \"$P\" && cp \"$S/.skiff-prev\" \"$P/$M\" || fail \"cannot prepare the backup directory $B/$P\"",
            "  if [ \"$1\" = rollback ]; then : > \"$P/.skiff-from-rollback\" || fail \"cannot write $B/$P/.skiff-from-rollback\"; fi",
            "  cp \"$S/$M\" \"$J.tmp\" && sync && mv -f \"$J.tmp\" \"$J\" && sync || fail \"cannot write the switch-over journal $B/$J\"",
            "}",
            "case \"$MODE\" in",
            "  recover)",
            "    if [ -f \"$J\" ]; then finish; echo @recovered; fi",
            "    ;;",
            "  switch)",
            "    [ -f \"$J\" ] && fail \"an interrupted switch-over is pending in $B ($J)\"",
            "    begin",
            "    finish",
            "    echo @switched",
            "    ;;",
            "  rollback)",
            "    if [ -f \"$J\" ]; then",
            "      finish; echo @recovered",
            "      # The cut-short operation was itself a rollback: it is complete now.",
            "      if [ -f \"$P/.skiff-from-rollback\" ]; then echo \"@rolledback $(grep -c . \"$M\")\"; exit 0; fi",
            "    fi",
            "    if [ -f \"$S/.skiff-rollback\" ] && [ -f \"$S/$M\" ]; then",
            "      # A rollback cut short after moving the backup into place (before its journal): resume it.",
            "      out=$(cd \"$S\" && sha256sum -c \"$M\" 2>&1) || { printf '%s\\n' \"$out\" | grep -v ': OK$' >&2; fail \"the backup set in $B/$S is damaged (see above); not rolling back\"; }",
            "    elif [ -f \"$P/$M\" ]; then",
            "      out=$(cd \"$P\" && sha256sum -c \"$M\" 2>&1) || { printf '%s\\n' \"$out\" | grep -v ': OK$' >&2; fail \"the backup set in $B/$P is damaged (see above); not rolling back\"; }",
            "      [ -f \"$M\" ] || fail \"the active set in $B has no manifest ($M), so it cannot be kept as the backup\"",
            "      : > \"$P/.skiff-rollback\" && rm -rf \"$S\" && mv \"$P\" \"$S\" || fail \"cannot move the backup set into place for switching\"",
            "    else",
            "      fail \"there is no backup set in $B/$P: nothing to roll back to (a push that changes the device keeps the set it replaces there)\"",
            "    fi",
            "    : > \"$S/.skiff-prev\" || fail \"cannot write $B/$S/.skiff-prev\"",
            "    while IFS= read -r line; do",
            "      f=$(printf '%s\\n' \"$line\" | cut -c67-)",
            "      [ -n \"$f\" ] && [ -f \"$f\" ] && printf '%s\\n' \"$line\" >> \"$S/.skiff-prev\"",
            "    done < \"$M\"",
            "    begin rollback",
            "    finish",
            "    echo \"@rolledback $(grep -c . \"$M\")\"",
            "    ;;",
            "  *) fail \"unknown mode $MODE\" ;;",
            "esac",
            "exit 0",
            "");
}
