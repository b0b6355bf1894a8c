package dev.skiff.image;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The manifest of an image bundle, stored as the bundle's last entry {@value #ENTRY_NAME}: what
 * was built (chain, board, versions) and the size, SHA-256 and mode of every file, so that a
 * bundle fetched from any repository can be checked before it is flashed.
 *
 * @param format always {@value #FORMAT}; a reader refuses any other value
 * @param createdBy the tool that wrote the bundle
 * @param chain the expanded layer chain
 * @param requestedChain the chain as the user wrote it
 * @param sourceDateEpoch the time stamp of every bundle entry, seconds since 1970
 * @param diskImage the flashable disk image inside the bundle, or {@code null} if there is none
 * @param files every regular file except the manifest, in {@link EntryName#BYTE_ORDER}
 * @param links every symbolic link, in the same order
 */
@JsonPropertyOrder({"format", "createdBy", "board", "chain", "requestedChain", "workspace",
        "versions", "sourceDateEpoch", "diskImage", "files", "links"})
public record ImageManifest(
        String format,
        String createdBy,
        String board,
        List<String> chain,
        List<String> requestedChain,
        String workspace,
        ImageVersions versions,
        long sourceDateEpoch,
        String diskImage,
        List<ImageFile> files,
        List<ImageLink> links) {

    public static final String FORMAT = "skiff-image/1";
    public static final String ENTRY_NAME = "skiff-image.json";

    /**
     * The largest manifest any reader accepts. A manifest takes about 200 bytes per file, so this
     * is room for some 80,000 files, where a Buildroot images directory holds dozens; anything
     * larger is not ours and must not be read into memory.
     */
    static final int MAX_MANIFEST_BYTES = 16 << 20;

    // Unknown fields are ignored so that a later skiff-image/1 writer may add information
    // without breaking older readers; an incompatible change gets a new format name instead.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    // Fixed "\n" line ends (Jackson's default indenter uses the platform's), so a bundle made
    // on Windows is byte-identical to one made on Linux.
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    public ImageManifest {
        Objects.requireNonNull(format, "format");
        chain = chain == null ? List.of() : List.copyOf(chain);
        requestedChain = requestedChain == null ? List.of() : List.copyOf(requestedChain);
        List<ImageFile> sortedFiles = new ArrayList<>(files == null ? List.of() : files);
        sortedFiles.sort((a, b) -> EntryName.BYTE_ORDER.compare(a.path(), b.path()));
        files = List.copyOf(sortedFiles);
        List<ImageLink> sortedLinks = new ArrayList<>(links == null ? List.of() : links);
        sortedLinks.sort((a, b) -> EntryName.BYTE_ORDER.compare(a.path(), b.path()));
        links = List.copyOf(sortedLinks);
    }

    /** The listed file at {@code path}, if any. */
    public Optional<ImageFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    /** The sum of all file sizes: what an install or push will transfer at most. */
    public long totalSize() {
        return files.stream().mapToLong(ImageFile::size).sum();
    }

    /** The manifest as stored in a bundle: UTF-8 JSON, two-space indent, {@code \n} line ends. */
    public byte[] toJson() {
        try {
            byte[] json = WRITER.writeValueAsBytes(this);
            byte[] withNewline = new byte[json.length + 1];
            System.arraycopy(json, 0, withNewline, 0, json.length);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an image manifest", e);
        }
    }

    /**
     * Parses and checks a manifest.
     *
     * @param origin names the manifest in errors, e.g. {@code app-1.0.tar!/skiff-image.json}
     * @throws SkiffException if it is not valid JSON, has another format or unsafe paths
     */
    public static ImageManifest parse(byte[] json, String origin) {
        ImageManifest m;
        try {
            m = MAPPER.readValue(json, ImageManifest.class);
        } catch (IOException | RuntimeException e) {
            throw new SkiffException("The image manifest " + origin + " is not valid: "
                    + e.getMessage() + ". The bundle is damaged or was not written by Skiff;"
                    + " rebuild it with `mvn package` or fetch it again.", e);
        }
        if (!FORMAT.equals(m.format())) {
            throw new SkiffException("The image manifest " + origin + " has format '"
                    + m.format() + "', but this Skiff version reads only '" + FORMAT
                    + "'. Use the Skiff version that wrote the bundle, or rebuild the image.");
        }
        m.check(origin);
        return m;
    }

    /**
     * Reads the manifest of a bundle without reading image data: only the tar headers are read,
     * and the data of every other entry is skipped by seeking, so this takes milliseconds even
     * for a multi-gigabyte bundle. Nothing is verified against the data; use
     * {@link ImageBundle#verify} for that.
     */
    public static ImageManifest read(Path bundle) {
        try (SeekableByteChannel channel = Files.newByteChannel(bundle)) {
            return read(channel, bundle.toString());
        } catch (NoSuchFileException e) {
            throw new SkiffException("Image bundle " + bundle + " does not exist.", e);
        } catch (IOException e) {
            throw new SkiffException("Cannot read image bundle " + bundle + ": " + e.getMessage(),
                    e);
        }
    }

    /** {@link #read(Path)} over an open channel; {@code origin} names it in errors. */
    static ImageManifest read(SeekableByteChannel channel, String origin) {
        try {
            // Not closed: closing a TarFile closes the caller's channel.
            TarFile tar = new TarFile(channel, ImageBundle.BLOCK_SIZE, 512, "UTF-8", false);
            TarArchiveEntry manifestEntry = null;
            for (TarArchiveEntry e : tar.getEntries()) {
                if (e.getName().equals(ENTRY_NAME)) {
                    // Skiff writes exactly one; a second (say, appended with `tar -r`) could make
                    // two readers disagree about what the bundle holds.
                    if (manifestEntry != null) {
                        throw new SkiffException("Image bundle " + origin + " has more than one "
                                + ENTRY_NAME + " entry, so it was altered after Skiff wrote"
                                + " it. Do not use it; fetch or build it again.");
                    }
                    manifestEntry = e;
                }
            }
            if (manifestEntry == null) {
                throw new SkiffException("Image bundle " + origin + " has no " + ENTRY_NAME
                        + " entry, so it is not a Skiff image bundle (or it is truncated)."
                        + " Build it with `mvn package`, or fetch it again.");
            }
            if (manifestEntry.isSparse() || !ImageBundle.isRegular(manifestEntry)) {
                throw new SkiffException("Image bundle " + origin + " has a " + ENTRY_NAME
                        + " entry that is not a manifest (" + (manifestEntry.isSparse()
                        ? "a sparse entry, which could expand to any size when read"
                        : "an entry of tar type '" + (char) manifestEntry.getLinkFlag() + "'")
                        + "). Skiff never writes one; do not use this bundle.");
            }
            try (InputStream in = tar.getInputStream(manifestEntry)) {
                return parse(readCapped(in, manifestEntry.getSize(), origin), origin + "!/"
                        + ENTRY_NAME);
            }
        } catch (IOException e) {
            throw new SkiffException("Image bundle " + origin + " is not a readable tar archive: "
                    + e.getMessage() + ". It is damaged or truncated; fetch or build it again.",
                    e);
        }
    }

    /**
     * Reads a manifest entry's data, never more than {@link #MAX_MANIFEST_BYTES}: whatever its
     * header claims, no more is read into memory. Every reader of a manifest goes through here.
     *
     * @param declared the size the entry's header gives
     */
    static byte[] readCapped(InputStream in, long declared, String origin) throws IOException {
        byte[] json = declared > MAX_MANIFEST_BYTES ? null : in.readNBytes(MAX_MANIFEST_BYTES + 1);
        if (json == null || json.length > MAX_MANIFEST_BYTES) {
            throw new SkiffException("Image bundle " + origin + " has a " + ENTRY_NAME + " entry"
                    + " of " + (json == null ? declared + " bytes" : "more than "
                    + MAX_MANIFEST_BYTES + " bytes") + ", more than the " + MAX_MANIFEST_BYTES
                    + " bytes a manifest may take. Skiff never writes one that large; do not"
                    + " use this bundle.");
        }
        return json;
    }

    private void check(String origin) {
        Set<String> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (ImageFile f : files) {
            String p = EntryName.problem(f.path());
            if (p != null) {
                problems.add("file '" + f.path() + "': " + p);
            }
            if (!f.sha256().matches("[0-9a-f]{64}")) {
                problems.add("file '" + f.path() + "': sha256 '" + f.sha256()
                        + "' is not 64 lower-case hex digits");
            }
            if (f.size() < 0 || !f.mode().matches("0[0-7]{3}")) {
                problems.add("file '" + f.path() + "': bad size " + f.size() + " or mode "
                        + f.mode());
            }
            if (!seen.add(f.path())) {
                problems.add("file '" + f.path() + "' is listed twice");
            }
        }
        Map<String, String> targets = new HashMap<>();
        links.forEach(l -> targets.putIfAbsent(l.path(), l.target()));
        for (ImageLink l : links) {
            String p = EntryName.problem(l.path());
            if (p == null) {
                p = EntryName.linkProblem(l.path(), l.target(), targets);
            }
            if (p != null) {
                problems.add("link '" + l.path() + "': " + p);
            }
            if (!seen.add(l.path())) {
                problems.add("link '" + l.path() + "' is listed twice");
            }
        }
        // A listed path below a link or a file: extracting would write through the link.
        Map<String, EntryName.Kind> kinds = new TreeMap<>(EntryName.BYTE_ORDER);
        files.forEach(f -> kinds.put(f.path(), EntryName.Kind.FILE));
        links.forEach(l -> kinds.put(l.path(), EntryName.Kind.LINK));
        for (Map.Entry<String, EntryName.Kind> e : kinds.entrySet()) {
            String p = EntryName.parentProblem(e.getKey(), kinds::get);
            if (p != null) {
                problems.add((e.getValue() == EntryName.Kind.FILE ? "file '" : "link '")
                        + e.getKey() + "': " + p);
            }
        }
        List<String> paths = new ArrayList<>();
        files.forEach(f -> paths.add(f.path()));
        links.forEach(l -> paths.add(l.path()));
        String[] collision = EntryName.caseCollision(paths);
        if (collision != null) problems.add(EntryName.caseCollisionProblem(collision));
        if (diskImage != null && file(diskImage).isEmpty()) {
            problems.add("diskImage '" + diskImage + "' is not one of the listed files");
        }
        if (!problems.isEmpty()) {
            throw new SkiffException("The image manifest " + origin + " is not valid:\n  "
                    + String.join("\n  ", problems)
                    + "\nThe bundle is damaged or was not written by Skiff; rebuild it or fetch"
                    + " it again.");
        }
    }
}
