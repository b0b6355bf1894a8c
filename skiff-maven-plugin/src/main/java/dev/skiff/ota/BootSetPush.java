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

    /** switch.sh's exit status for "no backup, or an empty one": nothing was changed. */
    private static final int NOTHING_TO_ROLL_BACK = 6;

    private static final Pattern SUM_LINE = Pattern.compile("([0-9a-f]{64}) [ *](.+)");

    private final DeviceConnection device;
    private final String bootDir;
    private final PushProgress progress;
    private final String seedDir;

    public BootSetPush(DeviceConnection device, String remoteBootDir, PushProgress progress) {
        this(device, remoteBootDir, progress, null);
    }

    private BootSetPush(DeviceConnection device, String remoteBootDir, PushProgress progress, String seedDir) {
        this.device = device;
        this.bootDir = checkBootDir(remoteBootDir);
        this.progress = progress == null ? PushProgress.NONE : progress;
        this.seedDir = seedDir;
    }

    /**
     * The same push, also copying on the device the files whose sum matches in {@code dir}: for an
     * A/B push into the inactive slot, {@code dir} is the running slot, so only the files that
     * changed since the running set cross the wire, even when the inactive slot holds an older set
     * or none. {@code dir} is only read.
     */
    public BootSetPush seededFrom(String dir) {
        String d = checkBootDir(dir);
        return new BootSetPush(device, bootDir, progress, d.equals(bootDir) ? null : d);
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

    /** Pushes {@code files} as the new boot set, holding the device's push lock on the boot directory throughout. */
    public PushResult push(List<PushFile> files) {
        if (files.isEmpty()) throw new SkiffException("nothing to push: the boot set is empty.");
        try (PushLock lock = PushLock.take(device, bootDir, progress)) {
            return push(files, lock, true);
        }
    }

    /**
     * As {@link #push(List)}, under a lock the caller holds on this boot directory; released with
     * the switch-over when {@code release}, else kept for the caller (an A/B push holds it until
     * the slot is armed).
     */
    PushResult push(List<PushFile> files, PushLock lock, boolean release) {
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
                device.run("recording the boot set manifest", DeviceScript.RECORD_MANIFEST.command(List.of(bootDir)));
            }
            return new PushResult(PushResult.Action.UP_TO_DATE, bootDir, byPath.size(), 0, 0, 0, 0, recovered);
        }

        Map<String, String> seed = seedSums(byPath.keySet());
        List<PushFile> copy = new ArrayList<>();
        List<PushFile> seedCopy = new ArrayList<>();
        List<PushFile> upload = new ArrayList<>();
        int resumed = 0;
        long needBytes = 0;
        for (PushFile f : byPath.values()) {
            if (f.sha256().equals(probe.staged.get(f.path()))) {
                resumed++;
            } else if (f.sha256().equals(probe.active.get(f.path()))) {
                copy.add(f);
                needBytes += f.size();
            } else if (f.sha256().equals(seed.get(f.path()))) {
                seedCopy.add(f);
                needBytes += f.size();
            } else {
                upload.add(f);
                needBytes += f.size();
            }
        }
        checkSpace(probe, needBytes);

        progress.step("Staging in " + bootDir + "/" + STAGING + ": " + upload.size() + " to upload ("
                + PushResult.human(upload.stream().mapToLong(PushFile::size).sum()) + "), " + (copy.size() + seedCopy.size())
                + " unchanged to copy on the device" + (seedCopy.isEmpty() ? "" : " (" + seedCopy.size() + " from " + seedDir + ")")
                + (resumed > 0 ? ", " + resumed + " already staged" : ""));
        List<String> stageArgs = new ArrayList<>();
        stageArgs.add(bootDir);
        for (PushFile f : copy) stageArgs.add("c/" + f.path());
        if (!seedCopy.isEmpty()) stageArgs.add("from=" + seedDir);
        for (PushFile f : seedCopy) stageArgs.add("s/" + f.path());
        for (PushFile f : upload) stageArgs.add("u/" + f.path());
        device.run("preparing the staging set", DeviceScript.STAGE.command(stageArgs));

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
        DeviceConnection.ExecResult r = device.exec(lock.checkCommand() + " && " + DeviceScript.FINALIZE.command(prepend(bootDir, exec))
                + " && " + DeviceScript.SWITCH.command(List.of(bootDir, "switch")) + (release ? " && " + lock.releaseCommand() : ""));
        if (r.exitStatus() == PushLock.HELD) {
            throw new SkiffException(device.address() + ": " + r.stderr().strip() + ". The active set is untouched.");
        }
        if (r.exitStatus() == 5) {
            throw new SkiffException("the staged files on " + device.address() + " do not match the image: "
                    + r.stderr().strip().replace("\n", "; ") + ". The active set is untouched; push again to re-send them.");
        }
        if (r.exitStatus() != 0) {
            throw new SkiffException("the switch-over failed on " + device.address() + " (exit status " + r.exitStatus() + ")"
                    + (r.stderr().isBlank() ? "." : ": " + r.stderr().strip()));
        }
        return new PushResult(PushResult.Action.SWITCHED, bootDir, byPath.size(), upload.size(), uploadedBytes,
                copy.size() + seedCopy.size(), resumed, recovered);
    }

    /** A single boot set's version (its {@code skiff-image.json}, or {@code none}) and its file count. */
    public record SetVersion(String dir, String version, int files) {}

    /** The version of the set in the boot directory, for {@code skiff:status} on a single-set device. */
    public SetVersion version() {
        String out = device.run("reading the boot set in " + bootDir, DeviceScript.SET_VERSION.command(List.of(bootDir)));
        String version = "none";
        int files = 0;
        for (String line : out.split("\n")) {
            if (line.startsWith("version=") && !line.substring(8).isBlank()) version = line.substring(8).strip();
            if (line.startsWith("files=")) {
                try {
                    files = Integer.parseInt(line.substring(6).strip());
                } catch (NumberFormatException ignored) {
                    // leave 0
                }
            }
        }
        return new SetVersion(bootDir, version, files);
    }

    /** Makes the backup the active set again; the set that was active becomes the backup. */
    public PushResult rollback() {
        progress.step("Rolling back " + device.address() + ":" + bootDir + " to the backup in " + BACKUP
                + " (checked with sha256sum first)");
        DeviceConnection.ExecResult r;
        try (PushLock lock = PushLock.take(device, bootDir, progress)) {
            // Released in the same command as the rollback, keeping the rollback's exit status.
            r = device.exec(DeviceScript.SWITCH.command(List.of(bootDir, "rollback")) + "; rc=$?; " + lock.releaseCommand()
                    + "; exit $rc");
        }
        if (r.exitStatus() == NOTHING_TO_ROLL_BACK) {
            throw new SkiffException("nothing to roll back to on " + device.address() + ": " + r.stderr().strip());
        }
        if (r.exitStatus() != 0) {
            throw new SkiffException("the rollback failed on " + device.address() + " (exit status " + r.exitStatus() + ")"
                    + (r.stderr().isBlank() ? "." : ": " + r.stderr().strip()));
        }
        String out = r.stdout();
        int files = 0;
        Matcher m = Pattern.compile("@rolledback (\\d+)").matcher(out);
        if (m.find()) files = Integer.parseInt(m.group(1));
        return new PushResult(PushResult.Action.ROLLED_BACK, bootDir, files, 0, 0, 0, 0, out.contains("@recovered"));
    }

    /** The sums of {@code paths} in the seed directory; empty without one. */
    private Map<String, String> seedSums(java.util.Collection<String> paths) {
        if (seedDir == null) return Map.of();
        String out = device.run("reading the running set in " + seedDir, DeviceScript.SUMS.command(prepend(seedDir, paths)));
        if (!out.contains("@end")) {
            throw new SkiffException("unexpected answer from " + device.address() + " while reading " + seedDir + ": " + out.strip());
        }
        return hashes(out);
    }

    private void checkSpace(Probe probe, long needBytes) {
        if (probe.availableKiB < 0) return; // df unavailable: the upload itself will fail clearly
        long needKiB = needBytes / 1024 + 64;
        if (needKiB <= probe.availableKiB) return;
        if (probe.backupKiB > 0 && needKiB <= probe.availableKiB + probe.backupKiB) {
            progress.step("Removing the old backup " + bootDir + "/" + BACKUP + " (" + probe.backupKiB / 1024 + " MiB) to make room"
                    + " for the staging set; the active set stays as it is");
            device.run("removing the old backup", DeviceScript.DROP_BACKUP.command(List.of(bootDir)));
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
        String out = device.run("reading the boot set on the device", DeviceScript.SWITCH.command(List.of(bootDir, "recover"))
                + " && " + DeviceScript.PROBE.command(prepend(bootDir, paths)));
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
}
