package dev.skiff.install;

import dev.skiff.NearestNames;
import dev.skiff.Sha256;
import dev.skiff.SkiffException;
import dev.skiff.image.ImageFile;
import dev.skiff.image.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The files a partition receives: its {@link ContentRule}s resolved against an image's files, then
 * copied into a staging directory that {@code mcopy} or {@code mke2fs -d} takes as it is. Copying
 * checks every file against the image's checksums (the bundle manifest, or those computed when the
 * workspace images were listed), so a file that changed or was damaged since is never installed.
 *
 * @param files destination path in the partition (absolute, {@code /}-separated) to source, in
 *     rule order; a later rule's file replaces an earlier one's
 * @param dirs directories to create even if empty (from directory rules)
 * @param warnings rules that matched nothing (and are not required), files given by two rules
 */
record PartitionContents(Partition partition, Map<String, Item> files, TreeSet<String> dirs, List<String> warnings) {

    /** One file to install: where it comes from and the rule that put it there. */
    record Item(Path source, String imagePath, ContentRule rule) {}

    /** Resolves {@code p}'s rules against the image; fails on a required rule that matches nothing. */
    static PartitionContents resolve(Partition p, ImageSource image) {
        Path dir = image.dir();
        List<String> all = listAll(dir);
        Map<String, Item> files = new LinkedHashMap<>();
        TreeSet<String> dirs = new TreeSet<>();
        List<String> warnings = new ArrayList<>();
        for (ContentRule rule : p.contents()) {
            List<String> matches = new ArrayList<>();
            if (rule.directoryContents()) {
                String d = rule.from().substring(0, rule.from().length() - 1);
                if (Files.isDirectory(dir.resolve(d))) matches.add(d);
            } else {
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + rule.from());
                for (String rel : all) {
                    if (!m.matches(Path.of(rel))) continue;
                    // A matched directory brings its files; do not list them twice.
                    if (matches.stream().anyMatch(prev -> rel.startsWith(prev + "/"))) continue;
                    matches.add(rel);
                }
            }
            if (matches.isEmpty()) {
                String msg = rule.where() + ": partition " + p.label() + ": from '" + rule.from() + "' matches nothing in "
                        + dir + "." + NearestNames.hint(rule.from().replaceAll("/$", ""), all);
                if (rule.required()) {
                    throw new SkiffException(msg + " The rule is required: check the name, or that the build produced"
                            + " the file (images present: " + summary(all) + ").");
                }
                warnings.add(msg + " Nothing copied.");
                continue;
            }
            if (!rule.intoDirectory() && (matches.size() > 1 || !Files.isRegularFile(dir.resolve(matches.get(0))))) {
                throw new SkiffException(rule.where() + ": partition " + p.label() + ": to '" + rule.to() + "' names one file,"
                        + " but from '" + rule.from() + "' matches " + (matches.size() > 1 ? matches.size() + " entries: "
                        + summary(matches) : "the directory " + matches.get(0)) + ". End to with '/' (" + rule.to()
                        + "/) to copy into a directory.");
            }
            for (String match : matches) {
                Path src = dir.resolve(match);
                String base = rule.directoryContents() ? "" : "/" + Path.of(match).getFileName();
                String target = rule.intoDirectory() ? join(rule.to(), base) : rule.to();
                if (Files.isDirectory(src)) {
                    dirs.add(target);
                    for (String rel : all) {
                        if (!rel.startsWith(match + "/")) continue;
                        String dest = join(target, "/" + rel.substring(match.length() + 1));
                        if (Files.isDirectory(dir.resolve(rel))) dirs.add(dest);
                        else put(files, dest, new Item(dir.resolve(rel), rel, rule), warnings, p);
                    }
                } else {
                    put(files, target, new Item(src, match, rule), warnings, p);
                }
            }
        }
        dirs.remove("/");
        return new PartitionContents(p, files, dirs, warnings);
    }

    private static void put(Map<String, Item> files, String dest, Item item, List<String> warnings, Partition p) {
        Item prev = files.put(dest, item);
        if (prev != null && !prev.source().equals(item.source())) {
            warnings.add(item.rule().where() + ": partition " + p.label() + ": " + dest + " comes from " + item.imagePath()
                    + ", replacing " + prev.imagePath() + " from the rule at line " + prev.rule().line() + ".");
        }
    }

    private static String join(String dir, String rest) {
        String d = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        String j = d + rest;
        return j.isEmpty() ? "/" : j;
    }

    private static String summary(List<String> names) {
        if (names.isEmpty()) return "none";
        List<String> top = names.stream().filter(n -> !n.contains("/")).toList();
        List<String> show = (top.isEmpty() ? names : top).stream().limit(12).toList();
        return String.join(", ", show) + (show.size() < (top.isEmpty() ? names : top).size() ? ", ..." : "");
    }

    /** Every file and directory below {@code dir}, relative, {@code /}-separated, sorted. */
    static List<String> listAll(Path dir) {
        try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            Throwable c = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
            if (c instanceof FileSystemLoopException) {
                throw new SkiffException("the images directory " + dir + " has a symbolic link loop at " + c.getMessage() + ".");
            }
            throw new SkiffException("cannot list the images in " + dir + ": " + c.getMessage(), c);
        }
    }

    /** Total bytes of the files. */
    long bytes() {
        long n = 0;
        for (Item i : files.values()) {
            try {
                n += Files.size(i.source());
            } catch (IOException e) {
                throw new SkiffException("cannot read " + i.source() + ": " + e.getMessage(), e);
            }
        }
        return n;
    }

    /**
     * Copies the files into {@code staging} (created), checking each against the image's
     * checksum. Returns the SHA-256 of each destination, for reading back.
     */
    Map<String, String> stage(Path staging, ImageSource image) {
        Map<String, String> hashes = new LinkedHashMap<>();
        try {
            Files.createDirectories(staging);
            for (String d : dirs) Files.createDirectories(staging.resolve(d.substring(1)));
            Path realDir = image.dir().toRealPath();
            byte[] buf = new byte[1 << 20];
            for (Map.Entry<String, Item> e : files.entrySet()) {
                Path out = staging.resolve(e.getKey().substring(1));
                Files.createDirectories(out.getParent());
                Files.deleteIfExists(out);
                MessageDigest md = Sha256.digest();
                long size = 0;
                Path src = e.getValue().source();
                try (InputStream in = Files.newInputStream(src);
                     OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW)) {
                    int r;
                    while ((r = in.read(buf)) > 0) {
                        md.update(buf, 0, r);
                        o.write(buf, 0, r);
                        size += r;
                    }
                }
                String sha = HexFormat.of().formatHex(md.digest());
                Path real = src.toRealPath();
                String rel = real.startsWith(realDir) ? realDir.relativize(real).toString().replace('\\', '/') : null;
                ImageFile want = rel == null ? null : image.file(rel);
                if (want == null) {
                    throw new SkiffException(e.getValue().rule().where() + ": " + e.getValue().imagePath() + " leads to "
                            + real + ", which is not one of the image's files; an image may only install its own files.");
                }
                if (!want.sha256().equals(sha) || want.size() != size) {
                    throw new SkiffException(src + " changed or is damaged: it has sha256 " + sha + " (" + size
                            + " bytes) but the image lists sha256 " + want.sha256() + " (" + want.size()
                            + " bytes). Nothing was installed; rebuild the image or fetch the bundle again.");
                }
                Files.setLastModifiedTime(out, Files.getLastModifiedTime(src));
                if (Files.isExecutable(src)) out.toFile().setExecutable(true, false);
                hashes.put(e.getKey(), sha);
            }
            return hashes;
        } catch (IOException e) {
            throw new SkiffException("cannot stage the files of partition " + partition.label() + " in " + staging + ": "
                    + e.getMessage() + ". Check free space.", e);
        }
    }

}
