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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

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

    /**
     * Every file and directory below {@code dir}, relative, {@code /}-separated, sorted. Links
     * inside the image are followed (a layout may name {@code sdcard.img -> rpi4.img}), but a
     * link whose real path leaves {@code dir} is refused before anything below it is read, so a
     * link to {@code /} never makes an install walk the host.
     */
    static List<String> listAll(Path dir) {
        List<String> out = new ArrayList<>();
        try {
            Path root = dir.toRealPath();
            Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    if (!d.equals(dir)) add(d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    add(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (e instanceof FileSystemLoopException) {
                        throw new SkiffException("the images directory " + dir + " has a symbolic link loop at " + f + ".");
                    }
                    throw e;
                }

                private void add(Path p) throws IOException {
                    // A link to nothing is listed as before; installing it fails in stage().
                    if (Files.isSymbolicLink(p) && Files.exists(p)) requireInside(root, p, dir);
                    out.add(dir.relativize(p).toString().replace('\\', '/'));
                }
            });
        } catch (IOException e) {
            throw new SkiffException("cannot list the images in " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /**
     * The real path of {@code p}, refused unless it lies inside the image ({@code root}, real):
     * nothing is ever read through a link that leads out of the image directory.
     */
    static Path requireInside(Path root, Path p, Path dir) throws IOException {
        Path real;
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException dangling) {
            throw new SkiffException("the image file " + p + " is a symbolic link to " + Files.readSymbolicLink(p)
                    + ", which leads to nothing.");
        }
        if (!real.startsWith(root)) {
            throw new SkiffException("the image file " + p + " leads outside the images directory " + dir + " (to "
                    + real + "); an install reads only the image's own files. Replace the link with a copy, or a"
                    + " relative link inside the images directory.");
        }
        return real;
    }

    /** The image's listing of the file {@code src} leads to, by its real path; refused if there is none. */
    private static ImageFile listed(ImageSource image, Path src, Item item) throws IOException {
        Path root = image.dir().toRealPath();
        Path real = requireInside(root, src, image.dir());
        ImageFile want = image.file(root.relativize(real).toString().replace('\\', '/'));
        if (want == null) {
            throw new SkiffException(item.rule().where() + ": " + item.imagePath() + " leads to " + real
                    + ", which is not one of the image's files; an image may only install its own files.");
        }
        return want;
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
            byte[] buf = new byte[1 << 20];
            for (Map.Entry<String, Item> e : files.entrySet()) {
                Path out = staging.resolve(e.getKey().substring(1));
                Files.createDirectories(out.getParent());
                Files.deleteIfExists(out);
                MessageDigest md = Sha256.digest();
                long size = 0;
                Path src = e.getValue().source();
                // By real path, and only if that is one of the image's files: never through a link
                // to something else, never more bytes than the image lists for it.
                ImageFile want = listed(image, src, e.getValue());
                Path real = src.toRealPath();
                try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS);
                     OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW)) {
                    int r;
                    while (size <= want.size() && (r = in.read(buf)) > 0) {
                        md.update(buf, 0, r);
                        o.write(buf, 0, r);
                        size += r;
                    }
                }
                String sha = HexFormat.of().formatHex(md.digest());
                if (!want.sha256().equals(sha) || want.size() != size) {
                    throw new SkiffException(src + " changed or is damaged: it has sha256 " + sha + " (" + size
                            + (size > want.size() ? " bytes or more" : " bytes") + ") but the image lists sha256 "
                            + want.sha256() + " (" + want.size() + " bytes). Nothing was installed; rebuild the image"
                            + " or fetch the bundle again.");
                }
                Files.setLastModifiedTime(out, Files.getLastModifiedTime(real));
                if (Files.isExecutable(real)) out.toFile().setExecutable(true, false);
                hashes.put(e.getKey(), sha);
            }
            return hashes;
        } catch (IOException e) {
            throw new SkiffException("cannot stage the files of partition " + partition.label() + " in " + staging + ": "
                    + e.getMessage() + ". Check free space.", e);
        }
    }

}
