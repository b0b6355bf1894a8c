package dev.skiff;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * What {@code git rev-parse --short HEAD} and {@code git describe --tags HEAD} print, through JGit,
 * so no git binary is needed. SkiffOS bakes both into the image (hostname
 * {@code skiffos-<short>}, {@code /etc/issue}), so the abbreviation must be git's own: its length
 * grows with the repository ({@code core.abbrev=auto}: half the bits of the packed-object count,
 * rounded up, at least 7 hex digits), then as far as needed to be unique.
 *
 * @param shortHead the abbreviated HEAD commit
 * @param describe {@code git describe --tags HEAD}, or null when no tag is reachable
 */
public record GitDescribe(String shortHead, String describe) {
    private static final int FALLBACK_ABBREV = 7;

    /** The state of the repository holding {@code dir}, or null outside one (or before its first commit). */
    public static GitDescribe of(Path dir) {
        FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(dir.toFile());
        File gitDir = b.getGitDir();
        if (gitDir == null) return null;
        try (Repository repo = b.build(); Git git = new Git(repo); ObjectReader reader = repo.newObjectReader()) {
            ObjectId head = repo.resolve("HEAD^{commit}");
            if (head == null) return null;
            int len = abbrevLength(repo);
            String shortHead = reader.abbreviate(head, len).name();
            String describe = git.describe().setTarget(head).setTags(true).setAbbrev(len).call();
            return new GitDescribe(shortHead, describe);
        } catch (Exception e) {
            throw new SkiffException("cannot read the git state of " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code git describe --tags HEAD} if a tag is reachable, else the short HEAD (SkiffOS's SKIFF_VERSION). */
    public String versionOrShortHead() {
        return describe != null ? describe : shortHead;
    }

    /** The abbreviation length git uses in {@code repo}: {@code core.abbrev}, or git's automatic length. */
    static int abbrevLength(Repository repo) throws IOException {
        String configured = repo.getConfig().getString("core", null, "abbrev");
        if (configured != null) {
            String c = configured.trim().toLowerCase(java.util.Locale.ROOT);
            if (c.equals("no") || c.equals("false") || c.equals("off")) return 40;
            if (c.matches("\\d+")) return Math.max(4, Math.min(40, Integer.parseInt(c)));
        }
        return autoLength(packedObjects(repo.getObjectDatabase() instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory od
                ? od.getDirectory().toPath() : repo.getDirectory().toPath().resolve("objects")));
    }

    /**
     * git's {@code core.abbrev=auto}: with about 2^n objects a collision is expected at 2^(n/2),
     * and a hex digit holds 4 bits, so n/2 bits rounded up to digits, never below 7.
     */
    static int autoLength(long objects) {
        int msb = 63 - Long.numberOfLeadingZeros(Math.max(objects, 1));
        int len = ((msb + 1) + 1) / 2;
        return Math.max(len, FALLBACK_ABBREV);
    }

    /** Objects in the pack indexes of {@code objectsDir} and its alternates (git counts packed objects only). */
    static long packedObjects(Path objectsDir) throws IOException {
        long count = 0;
        List<Path> dirs = new ArrayList<>(List.of(objectsDir));
        Path alternates = objectsDir.resolve("info/alternates");
        if (Files.isRegularFile(alternates)) {
            for (String line : Files.readAllLines(alternates, StandardCharsets.UTF_8)) {
                String l = line.trim();
                if (l.isEmpty() || l.startsWith("#")) continue;
                Path alt = Path.of(l);
                dirs.add(alt.isAbsolute() ? alt : objectsDir.resolve(alt).normalize());
            }
        }
        for (Path d : dirs) {
            Path pack = d.resolve("pack");
            if (!Files.isDirectory(pack)) continue;
            try (DirectoryStream<Path> idx = Files.newDirectoryStream(pack, "*.idx")) {
                for (Path p : idx) count += indexCount(p);
            }
        }
        return count;
    }

    /** The object count of a pack index: the last fan-out entry (version 2 after an 8-byte header, version 1 at the start). */
    static long indexCount(Path idx) throws IOException {
        try (InputStream in = Files.newInputStream(idx)) {
            byte[] head = in.readNBytes(8 + 256 * 4);
            boolean v2 = head.length >= 8 && (head[0] & 0xff) == 0xff && head[1] == 't' && head[2] == 'O' && head[3] == 'c';
            int last = (v2 ? 8 : 0) + 255 * 4;
            if (head.length < last + 4) return 0;
            return ((long) (head[last] & 0xff) << 24) | ((head[last + 1] & 0xff) << 16)
                    | ((head[last + 2] & 0xff) << 8) | (head[last + 3] & 0xff);
        }
    }
}
