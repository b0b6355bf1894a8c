package dev.skiff.install;

import dev.skiff.SkiffException;
import dev.skiff.image.ImageFile;
import dev.skiff.image.ImageSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The files a running device's boot set consists of, by the same content rules that
 * {@code skiff:install} uses, so a pushed upgrade puts every file exactly where a fresh install
 * would. For an A/B layout without a {@code push:} block, the set is slot a's partition
 * ({@code boot}) from its top, the files either slot holds.
 */
public final class BootSet {
    /** One file: its path below the push directory and its source in the image. */
    public record Entry(String path, Path source, ImageFile image) {}

    private BootSet() {}

    public static List<Entry> resolve(DiskLayout layout, ImageSource image) {
        PushTarget t = layout.push();
        if (t == null && layout.slots().isPresent()) {
            // An A/B layout: a set is what slot a's partition holds, from its top.
            Partition a = layout.partition(Partition.Role.BOOT).orElseThrow();
            t = new PushTarget(Partition.Role.BOOT, "/", layout.slots().get().dirA(), a.line());
        }
        if (t == null) {
            throw new SkiffException(layout.file() + ": the layout has no push: block, so skiff:push does not know which"
                    + " files form the boot set. Add one, e.g.\npush:\n  partition: boot\n  from: /\n  dir: /mnt/boot");
        }
        Partition p = layout.partition(t.role()).orElseThrow();
        PartitionContents contents = PartitionContents.resolve(p, image);
        Path realDir;
        try {
            realDir = image.dir().toRealPath();
        } catch (java.io.IOException e) {
            throw new SkiffException("cannot read " + image.dir() + ": " + e.getMessage(), e);
        }
        String prefix = t.from().endsWith("/") ? t.from() : t.from() + "/";
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, PartitionContents.Item> e : contents.files().entrySet()) {
            if (!e.getKey().startsWith(prefix)) continue;
            Path src = e.getValue().source();
            String rel;
            try {
                rel = realDir.relativize(src.toRealPath()).toString().replace('\\', '/');
            } catch (java.io.IOException ex) {
                throw new SkiffException("cannot read " + src + ": " + ex.getMessage(), ex);
            }
            ImageFile f = image.file(rel);
            if (f == null) throw new SkiffException(src + " is not one of the image's files.");
            out.add(new Entry(e.getKey().substring(prefix.length()), src, f));
        }
        if (out.isEmpty()) {
            throw new SkiffException(layout.file() + ":" + t.line() + ": the push: block selects no files (partition "
                    + p.label() + ", below " + t.from() + "); check its from: and the partition's contents.");
        }
        return out;
    }
}
