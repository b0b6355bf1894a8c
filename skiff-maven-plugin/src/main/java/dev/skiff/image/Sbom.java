package dev.skiff.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A CycloneDX 1.5 software bill of materials for an image, built from Buildroot's
 * {@code make show-info} JSON.
 *
 * <p>Every non-virtual package of type {@code target} or {@code host} becomes a component
 * (virtual packages such as {@code toolchain} only stand for their providers, which are listed
 * themselves; {@code rootfs} entries are image formats, not software). Host packages are kept
 * because they shape the image (compiler, code generators) and licence audits ask about them;
 * the property {@code skiff:package-type} tells them apart.
 *
 * <p>Reproducible: components sorted by bom-ref, the time stamp is {@code SOURCE_DATE_EPOCH},
 * and the serial number is a name-based UUID of the content, so the same show-info always
 * gives the same bytes and a different one a different serial number.
 *
 * @param rootDependsOn the components no other component depends on, sorted: the image's
 *     direct dependencies
 */
public record Sbom(SbomSubject subject, long sourceDateEpoch, List<SbomComponent> components,
        List<String> rootDependsOn) {

    public static final String SPEC_VERSION = "1.5";
    public static final String PACKAGE_TYPE_PROPERTY = "skiff:package-type";

    // Namespace of the version 5 UUIDs used as serial numbers; fixed forever so that equal
    // content gives equal serial numbers across Skiff versions.
    private static final UUID SERIAL_NAMESPACE =
            UUID.fromString("6f0c1d2e-5b7a-4c39-9a51-3e2f8d7c4b10");

    // Buildroot's download URI syntax: <method>[|<option>...]+<url>.
    private static final Pattern METHOD_PREFIX = Pattern.compile("[a-z0-9]+(\\|[a-z0-9]+)*\\+.*");
    private static final Set<String> VCS_METHODS = Set.of("git", "svn", "cvs", "bzr", "hg");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    public Sbom {
        List<SbomComponent> sorted = new ArrayList<>(components);
        sorted.sort((a, b) -> EntryName.BYTE_ORDER.compare(a.bomRef(), b.bomRef()));
        components = List.copyOf(sorted);
        rootDependsOn = List.copyOf(new TreeSet<>(rootDependsOn));
    }

    /**
     * Reads {@code make show-info} output and builds the SBOM.
     *
     * @throws SkiffException if the file is missing, not JSON, or not shaped like show-info
     */
    public static Sbom fromShowInfo(Path showInfoJson, SbomSubject subject,
            long sourceDateEpoch) {
        JsonNode root;
        try {
            root = MAPPER.readTree(showInfoJson.toFile());
        } catch (IOException e) {
            if (!Files.exists(showInfoJson)) {
                throw new SkiffException("The Buildroot show-info file " + showInfoJson
                        + " does not exist. It is made by `make show-info` in the workspace;"
                        + " run the build (or that command) first.", e);
            }
            throw new SkiffException("The Buildroot show-info file " + showInfoJson
                    + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse("")
                    + ". Regenerate it with `make -s --no-print-directory show-info` (make's own"
                    + " messages must not be mixed into it).", e);
        }
        if (root == null || !root.isObject()) {
            throw malformed(showInfoJson, "the top level is not a JSON object of packages");
        }
        Map<String, JsonNode> packages = new TreeMap<>(EntryName.BYTE_ORDER);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isObject() || !e.getValue().path("type").isTextual()) {
                throw malformed(showInfoJson, "package '" + e.getKey()
                        + "' is not an object with a \"type\"");
            }
            packages.put(e.getKey(), e.getValue());
        }

        List<SbomComponent> components = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : packages.entrySet()) {
            if (included(e.getValue())) {
                components.add(component(showInfoJson, e.getKey(), e.getValue(), packages));
            }
        }
        Set<String> dependedOn = new TreeSet<>();
        components.forEach(c -> dependedOn.addAll(c.dependsOn()));
        List<String> roots = components.stream().map(SbomComponent::bomRef)
                .filter(ref -> !dependedOn.contains(ref)).toList();
        return new Sbom(subject, sourceDateEpoch, components, roots);
    }

    /** The component with this bom-ref (show-info key), if included. */
    public Optional<SbomComponent> component(String bomRef) {
        return components.stream().filter(c -> c.bomRef().equals(bomRef)).findFirst();
    }

    /**
     * {@code urn:uuid:} of a version 5 UUID over the SHA-256 of the SBOM without its serial
     * number: content-derived, so a rebuild gives the same one, as reproducibility requires.
     */
    public String serialNumber() {
        byte[] content = serialize(tree(null));
        return "urn:uuid:" + uuidV5(SERIAL_NAMESPACE, ImageBundle.hex(sha("SHA-256", content)));
    }

    /** The CycloneDX JSON document: UTF-8, two-space indent, {@code \n} line ends. */
    public byte[] toJson() {
        return serialize(tree(serialNumber()));
    }

    /** Writes {@link #toJson} to {@code out}, replacing it atomically. */
    public Path write(Path out) {
        Path target = out.toAbsolutePath().normalize();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".",
                    ".partial");
            Files.write(tmp, toJson());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return target;
        } catch (IOException e) {
            throw new SkiffException("Cannot write the SBOM " + target + ": " + e
                    + ". Check free space and permissions.", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The original failure is what the user needs to see.
                }
            }
        }
    }

    private ObjectNode tree(String serialNumber) {
        ObjectNode bom = MAPPER.createObjectNode();
        bom.put("$schema", "http://cyclonedx.org/schema/bom-" + SPEC_VERSION + ".schema.json");
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", SPEC_VERSION);
        if (serialNumber != null) {
            bom.put("serialNumber", serialNumber);
        }
        bom.put("version", 1);

        ObjectNode metadata = bom.putObject("metadata");
        metadata.put("timestamp", Instant.ofEpochSecond(sourceDateEpoch).toString());
        ObjectNode tool = metadata.putObject("tools").putArray("components").addObject();
        tool.put("type", "application");
        tool.put("group", "dev.skiff");
        tool.put("name", "skiff-maven-plugin");
        tool.put("version", subject.toolVersion());
        ObjectNode image = metadata.putObject("component");
        image.put("type", "firmware");
        image.put("bom-ref", imageRef());
        image.put("name", subject.name());
        image.put("version", subject.version());
        if (!subject.properties().isEmpty()) {
            ArrayNode props = image.putArray("properties");
            new TreeMap<>(subject.properties()).forEach((k, v) ->
                    props.addObject().put("name", k).put("value", v));
        }

        ArrayNode list = bom.putArray("components");
        for (SbomComponent c : components) {
            ObjectNode n = list.addObject();
            n.put("type", "library");
            n.put("bom-ref", c.bomRef());
            n.put("name", c.name());
            if (!c.version().isEmpty()) {
                n.put("version", c.version());
            }
            if (!c.licenses().isEmpty()) {
                ArrayNode lics = n.putArray("licenses");
                for (SbomLicense l : c.licenses()) {
                    ObjectNode lic = lics.addObject().putObject("license");
                    if (l.id() != null) {
                        lic.put("id", l.id());
                    } else {
                        lic.put("name", l.name());
                    }
                }
            }
            if (c.cpe() != null) {
                n.put("cpe", c.cpe());
            }
            n.put("purl", c.purl());
            if (!c.references().isEmpty()) {
                ArrayNode refs = n.putArray("externalReferences");
                for (SbomReference r : c.references()) {
                    ObjectNode ref = refs.addObject();
                    ref.put("type", r.type());
                    ref.put("url", r.url());
                    if (r.comment() != null) {
                        ref.put("comment", r.comment());
                    }
                }
            }
            n.putArray("properties").addObject()
                    .put("name", PACKAGE_TYPE_PROPERTY).put("value", c.packageType());
        }

        ArrayNode deps = bom.putArray("dependencies");
        ObjectNode rootDeps = deps.addObject().put("ref", imageRef());
        rootDependsOn.forEach(rootDeps.putArray("dependsOn")::add);
        for (SbomComponent c : components) {
            ObjectNode d = deps.addObject().put("ref", c.bomRef());
            c.dependsOn().forEach(d.putArray("dependsOn")::add);
        }
        return bom;
    }

    // Prefixed so an image named like a package (say "busybox") cannot clash with it.
    private String imageRef() {
        return "skiff-image:" + subject.name();
    }

    private static boolean included(JsonNode pkg) {
        String type = pkg.path("type").asText();
        return (type.equals("target") || type.equals("host")) && !pkg.path("virtual").asBoolean();
    }

    private static SbomComponent component(Path file, String key, JsonNode pkg,
            Map<String, JsonNode> packages) {
        String type = pkg.path("type").asText();
        String name = text(file, key, pkg, "name", key);
        String version = text(file, key, pkg, "version", "");
        List<SbomLicense> licenses = new ArrayList<>();
        JsonNode lic = pkg.get("licenses");
        if (lic != null && !lic.isNull()) {
            if (!lic.isTextual()) {
                throw malformed(file, "package '" + key + "' has a \"licenses\" that is not a"
                        + " string");
            }
            for (String part : splitTopLevel(lic.asText())) {
                SbomLicense l = SbomLicense.of(part);
                if (!licenses.contains(l)) {
                    licenses.add(l);
                }
            }
        }
        String cpe = pkg.hasNonNull("cpe-id") ? text(file, key, pkg, "cpe-id", null) : null;
        String purl = "pkg:generic/" + purlEncode(name)
                + (version.isEmpty() ? "" : "@" + purlEncode(version));
        return new SbomComponent(key, name, version, type, licenses, purl, cpe,
                references(file, key, pkg), dependencies(pkg, packages));
    }

    /**
     * Splits Buildroot's licence list at the commas that separate licences, not those inside
     * parentheses: {@code LGPL-2.1+ (libblkid, libfdisk), BSD-3-Clause} is two licences.
     */
    static List<String> splitTopLevel(String licenses) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : licenses.toCharArray()) {
            if (c == ',' && depth == 0) {
                parts.add(current.toString());
                current.setLength(0);
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            }
            current.append(c);
        }
        parts.add(current.toString());
        return parts.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The download locations of a package. Buildroot writes each as
     * {@code <method>[|urlencode]+<url>}; for archive methods the URL is the directory holding
     * {@code source}, for version control methods it is the repository (Buildroot makes the
     * archive {@code source} from a checkout).
     */
    private static List<SbomReference> references(Path file, String key, JsonNode pkg) {
        JsonNode downloads = pkg.get("downloads");
        if (downloads == null || downloads.isNull()) {
            return List.of();
        }
        if (!downloads.isArray()) {
            throw malformed(file, "package '" + key + "' has \"downloads\" that is not a list");
        }
        Set<SbomReference> refs = new LinkedHashSet<>();
        for (JsonNode d : downloads) {
            String source = d.path("source").asText("");
            JsonNode uris = d.path("uris");
            if (!uris.isArray()) {
                throw malformed(file, "package '" + key + "' has a download without a \"uris\""
                        + " list");
            }
            for (JsonNode u : uris) {
                String uri = u.asText("");
                String method = "";
                String url = uri;
                if (METHOD_PREFIX.matcher(uri).matches()) {
                    method = uri.substring(0, uri.indexOf('+'));
                    url = uri.substring(uri.indexOf('+') + 1);
                }
                String[] options = method.split("\\|");
                if (url.isEmpty()) {
                    continue;
                }
                if (VCS_METHODS.contains(options[0])) {
                    refs.add(new SbomReference("vcs", url, source.isEmpty() ? null
                            : options[0] + " repository, archived by Buildroot as " + source));
                } else if (!source.isEmpty()) {
                    // Buildroot's wget backend escapes only '?' for urlencode'd mirror URIs.
                    boolean urlencode = List.of(options).contains("urlencode");
                    String name = urlencode ? source.replace("?", "%3F") : source;
                    refs.add(new SbomReference("distribution",
                            url.endsWith("/") ? url + name : url + "/" + name, null));
                }
            }
        }
        return List.copyOf(refs);
    }

    /** Direct dependencies, each virtual one replaced by the included packages providing it. */
    private static List<String> dependencies(JsonNode pkg, Map<String, JsonNode> packages) {
        Set<String> deps = new TreeSet<>(EntryName.BYTE_ORDER);
        for (JsonNode d : pkg.path("dependencies")) {
            String dep = d.asText();
            JsonNode target = packages.get(dep);
            if (target == null) {
                continue;
            }
            if (target.path("virtual").asBoolean()) {
                packages.forEach((k, v) -> {
                    for (JsonNode p : v.path("provides")) {
                        if (p.asText().equals(dep) && included(v)) {
                            deps.add(k);
                        }
                    }
                });
            } else if (included(target)) {
                deps.add(dep);
            }
        }
        return List.copyOf(deps);
    }

    private static String text(Path file, String key, JsonNode pkg, String field,
            String fallback) {
        JsonNode n = pkg.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw malformed(file, "package '" + key + "' has a \"" + field
                    + "\" that is not a string");
        }
        return n.asText();
    }

    /** Percent-encodes everything but purl's unreserved characters. */
    static String purlEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static SkiffException malformed(Path file, String what) {
        return new SkiffException("The Buildroot show-info file " + file + " is malformed: "
                + what + ". Regenerate it with `make -s --no-print-directory show-info` in the"
                + " workspace.");
    }

    private static byte[] serialize(ObjectNode tree) {
        try {
            byte[] json = WRITER.writeValueAsBytes(tree);
            byte[] withNewline = new byte[json.length + 1];
            System.arraycopy(json, 0, withNewline, 0, json.length);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an SBOM", e);
        }
    }

    /** RFC 9562 version 5 (SHA-1, name-based) UUID. */
    static UUID uuidV5(UUID namespace, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer input = ByteBuffer.allocate(16 + nameBytes.length);
        input.putLong(namespace.getMostSignificantBits())
                .putLong(namespace.getLeastSignificantBits()).put(nameBytes);
        byte[] h = sha("SHA-1", input.array());
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        ByteBuffer bb = ByteBuffer.wrap(h, 0, 16);
        return new UUID(bb.getLong(), bb.getLong());
    }

    private static byte[] sha(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + algorithm, e);
        }
    }
}
