package dev.skiff.image;

import dev.skiff.sign.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A signed bundle of a real images directory and each way Contract S says it must be refused:
 * unsigned, signed by another key, a byte flipped in the signed list, in the manifest, in a file.
 */
public final class TamperedBundles {
    private TamperedBundles() {}

    /**
     * @param fileText text inside one image file, whose first byte is flipped
     * @return "good" first, then each refused variant, by what was done to it
     */
    public static Map<String, Path> of(Path images, Path dir, Path key, Path otherKey, String fileText) throws Exception {
        ImageMetadata meta = new ImageMetadata(List.of("pi/common", "pi/4x64"), List.of("pi/4"), "default", null,
                new ImageVersions("1.0", "0.1", "2026.02.3", "v1"), null, "test");
        Map<String, Path> out = new LinkedHashMap<>();
        Path good = ImageBundle.write(images, meta, 0, dir.resolve("good.tar"), SigningKey.resolve(key, null, null)).file();
        out.put("good", good);
        out.put("unsigned", ImageBundle.write(images, meta, 0, dir.resolve("unsigned.tar")).file());
        out.put("signed by another key", ImageBundle.write(images, meta, 0, dir.resolve("other.tar"),
                SigningKey.resolve(otherKey, null, null)).file());
        String list = new String(BundleSignature.Entries.read(good).list(), StandardCharsets.UTF_8);
        out.put("flipped byte in skiff-image.sha256", flipped(good, dir.resolve("list.tar"), list.substring(0, 64)));
        out.put("flipped byte in skiff-image.json", flipped(good, dir.resolve("manifest.tar"), "\"workspace\" : \""));
        out.put("flipped byte in a file", flipped(good, dir.resolve("file.tar"), fileText));
        return out;
    }

    private static Path flipped(Path from, Path to, String inside) throws Exception {
        byte[] tar = Files.readAllBytes(from);
        String s = new String(tar, StandardCharsets.ISO_8859_1);
        // The last occurrence: the list's first hash also appears in the manifest, before it.
        int at = inside.startsWith("\"") ? s.indexOf(inside) + inside.length() : s.lastIndexOf(inside);
        if (at < 0) throw new IllegalStateException(inside + " not in " + from);
        tar[at] ^= 0x01;
        return Files.write(to, tar);
    }
}
