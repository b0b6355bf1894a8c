package dev.skiff.configure;

import dev.skiff.Sha256;
import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A hash of everything a configure result depends on, by content. Upstream compares only the
 * chain's name, so an edited fragment is silently not applied; here one changed byte anywhere
 * in a merged layer (also behind a symbolic link), the overrides, the generated files, the
 * environment or Buildroot's Kconfig files forces a redo.
 */
public final class Fingerprint {
    private Fingerprint() {}

    public static String of(EffectiveConfig eff, ConfigureRequest req, BuildrootTree tree) {
        MessageDigest md = Sha256.digest();
        field(md, "format", "skiff-fingerprint-2");
        field(md, "requested", req.chain());
        field(md, "chain", eff.chain().text());
        field(md, "workspace", req.workspace());
        field(md, "allow", String.join(",", req.allowDropped()));
        field(md, "strict", Boolean.toString(req.strict()));
        field(md, "version", eff.version().render());
        // The generated files carry the placeholders' values (paths, versions, hostname, ccache
        // directory, cflags); the environment is what make defconfig and the hooks see.
        for (Map.Entry<String, String> f : eff.files().entrySet()) field(md, "generated " + f.getKey(), f.getValue());
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(eff.environment()).entrySet()) {
            field(md, "env " + e.getKey(), e.getValue());
        }
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

    /**
     * Every file below {@code dir}: relative path, mode bit for executables, content. A symbolic
     * link contributes its target's name and, where it resolves on this machine, the content
     * behind it, so editing a linked fragment reconfigures. Links inside {@code root_overlay/}
     * name paths on the target and are only recorded, never followed into the host's directories.
     */
    static void tree(MessageDigest md, Path dir) {
        if (!Files.exists(dir)) return;
        walk(md, dir, dir, new HashSet<>());
    }

    private static void walk(MessageDigest md, Path top, Path dir, Set<Path> seen) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new SkiffException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        if (!seen.add(real)) {
            field(md, "loop", top.relativize(dir).toString());
            return;
        }
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.sorted().forEach(entries::add);
        } catch (IOException e) {
            throw new SkiffException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        for (Path p : entries) {
            String rel = top.relativize(p).toString();
            boolean link = Files.isSymbolicLink(p);
            if (link) {
                try {
                    field(md, "link", rel + " -> " + Files.readSymbolicLink(p));
                } catch (IOException e) {
                    throw new SkiffException("cannot read the link " + p + ": " + e.getMessage(), e);
                }
                if (rel.startsWith("root_overlay/") || rel.equals("root_overlay")) continue;
            }
            if (Files.isDirectory(p)) {
                field(md, "dir", rel);
                walk(md, top, p, seen);
            } else if (Files.isRegularFile(p)) {
                field(md, "file", rel + (Files.isExecutable(p) ? " x" : ""));
                hashFile(md, p);
            } else if (!link && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                field(md, "special", rel);
            }
        }
        seen.remove(real);
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
