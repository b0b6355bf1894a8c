package dev.skiff.configure;

import dev.skiff.Sha256;
import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A hash of everything a configure result depends on, by content. Upstream compares only the
 * chain's name, so an edited fragment is silently not applied; here one changed byte anywhere
 * in a merged layer, the overrides, the version or Buildroot's Kconfig files forces a redo.
 */
public final class Fingerprint {
    private Fingerprint() {}

    public static String of(EffectiveConfig eff, ConfigureRequest req, BuildrootTree tree) {
        MessageDigest md = Sha256.digest();
        field(md, "format", "skiff-fingerprint-1");
        field(md, "requested", req.chain());
        field(md, "chain", eff.chain().text());
        field(md, "workspace", req.workspace());
        field(md, "hostname", req.hostname());
        field(md, "allow", String.join(",", req.allowDropped()));
        field(md, "version", eff.version().render());
        for (MergeSource s : eff.sources()) {
            field(md, "source", s.label() + "=" + s.dir());
            tree(md, s.dir());
        }
        if (tree != null) {
            field(md, "buildroot", tree.dir() + "@" + tree.version());
            // Only Kconfig files shape `make defconfig`; hashing all of Buildroot would cost seconds.
            hashFile(md, tree.dir().resolve("Makefile"));
            try (Stream<Path> s = Files.walk(tree.dir())) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith("Config.in"))
                        .filter(Files::isRegularFile).sorted().toList()) {
                    field(md, "kconfig", tree.dir().relativize(p).toString());
                    hashFile(md, p);
                }
            } catch (IOException e) {
                throw new SkiffException("cannot read Buildroot tree " + tree.dir() + ": " + e.getMessage(), e);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Every file below {@code dir}: relative path, mode bit for executables, content. */
    static void tree(MessageDigest md, Path dir) {
        if (!Files.exists(dir)) return;
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> Files.isRegularFile(p) || Files.isSymbolicLink(p))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new SkiffException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        for (Path p : files) {
            field(md, "file", dir.relativize(p) + (Files.isExecutable(p) ? " x" : ""));
            try {
                if (Files.isSymbolicLink(p)) field(md, "link", Files.readSymbolicLink(p).toString());
                else hashFile(md, p);
            } catch (IOException e) {
                throw new SkiffException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
    }

    private static void hashFile(MessageDigest md, Path p) {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(p)) {
            long total = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
                total += r;
            }
            field(md, "size", Long.toString(total));
        } catch (IOException e) {
            throw new SkiffException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static void field(MessageDigest md, String key, String value) {
        md.update(key.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(value.getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
    }

}
