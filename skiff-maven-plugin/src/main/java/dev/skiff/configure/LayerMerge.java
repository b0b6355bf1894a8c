package dev.skiff.configure;

import dev.skiff.NearestNames;
import dev.skiff.SkiffException;
import dev.skiff.kconfig.Assignment;
import dev.skiff.kconfig.ConfigText;
import dev.skiff.kconfig.Fragment;
import dev.skiff.kconfig.KconfigKind;
import dev.skiff.kconfig.MergeConfig;
import dev.skiff.kconfig.MergedFragment;
import dev.skiff.layer.ChainExpansion;
import dev.skiff.layer.Layer;
import dev.skiff.layer.LayerSources;
import dev.skiff.layer.ResolvedChain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a request into an {@link EffectiveConfig}: expands the chain, then merges base/pre, the
 * chain, {@code overrides/}, {@code overrides/workspaces/<ws>/} and base/post in that order.
 * Pure: reads files, writes nothing.
 *
 * <p>The merged files are built exactly as SkiffOS's {@code build_configs.sh} builds them (a
 * {@code # Configuration from} line, then the fragment through {@code merge_config.sh}, with
 * {@code SKIFF_CONFIG_ROOT} replaced by the layer's directory; users tables concatenated;
 * cflags joined into {@code BR2_TARGET_OPTIMIZATION}; the {@code REPLACEME_*} placeholders
 * filled; {@code BR2_CCACHE_DIR} appended), so that for the same chain, tree and Buildroot the
 * final {@code .config} is the one SkiffOS's {@code make configure} writes. On top, the merge
 * keeps the origin of every line, fills Skiff's own {@code @SKIFF_*@} tokens (the stock
 * {@code base/post}), and reports every redefinition.
 */
public final class LayerMerge {
    /** Skiff's placeholder tokens (the stock base/post), e.g. {@code "@SKIFF_ROOTFS_OVERLAYS@"}; a line whose token fills empty is left out. */
    public static final Set<String> PLACEHOLDERS = Set.of(
            "SKIFF_BUILDROOT_PATCH_DIRS", "SKIFF_KERNEL_FRAGMENTS", "SKIFF_KERNEL_PATCH_DIRS",
            "SKIFF_UBOOT_FRAGMENTS", "SKIFF_UBOOT_PATCH_DIRS", "SKIFF_BUSYBOX_FRAGMENTS",
            "SKIFF_ROOTFS_OVERLAYS", "SKIFF_POST_BUILD_SCRIPT", "SKIFF_POST_IMAGE_SCRIPT",
            "SKIFF_USERS_TABLES", "SKIFF_HOSTNAME", "SKIFF_ISSUE");

    private static final Pattern TOKEN = Pattern.compile("@(SKIFF_[A-Za-z0-9_]+)@");
    private static final List<String> EXTERNAL_FILES = List.of("external.desc", "external.mk", "Config.in");
    /** SkiffOS's token for "this layer's directory" inside fragments. */
    static final String CONFIG_ROOT = "SKIFF_CONFIG_ROOT";

    private LayerMerge() {}

    public static EffectiveConfig merge(ConfigureRequest req) {
        return new Merge(req).run();
    }

    /** Buildroot options whose value is a list of host paths the build reads. */
    static final List<String> HOST_PATH_SYMBOLS = List.of("BR2_ROOTFS_OVERLAY", "BR2_GLOBAL_PATCH_DIR",
            "BR2_ROOTFS_POST_BUILD_SCRIPT", "BR2_ROOTFS_POST_FAKEROOT_SCRIPT", "BR2_ROOTFS_POST_IMAGE_SCRIPT",
            "BR2_ROOTFS_DEVICE_TABLE", "BR2_ROOTFS_STATIC_DEVICE_TABLE", "BR2_ROOTFS_USERS_TABLES",
            "BR2_LINUX_KERNEL_CUSTOM_CONFIG_FILE", "BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES",
            "BR2_TARGET_UBOOT_CUSTOM_CONFIG_FILE", "BR2_TARGET_UBOOT_CONFIG_FRAGMENT_FILES",
            "BR2_PACKAGE_BUSYBOX_CONFIG", "BR2_PACKAGE_BUSYBOX_CONFIG_FRAGMENT_FILES");

    /** One merge: the state SkiffOS's script keeps in shell variables while it walks the sources. */
    private static final class Merge {
        private final ConfigureRequest req;
        private final List<String> warnings = new ArrayList<>();
        private final Map<KconfigKind, ConfigText> files = new EnumMap<>(KconfigKind.class);
        private final Map<KconfigKind, MergedFragment> requested = new EnumMap<>(KconfigKind.class);
        private final StringBuilder users = new StringBuilder();
        private final List<Contribution> overlays = new ArrayList<>();
        private final List<Contribution> brPatches = new ArrayList<>();
        private final List<Contribution> kernelPatches = new ArrayList<>();
        private final List<Contribution> ubootPatches = new ArrayList<>();
        private final List<Contribution> usersTables = new ArrayList<>();
        private final List<Contribution> cflagsFiles = new ArrayList<>();
        private final List<String> cflags = new ArrayList<>();
        private final List<Hook> preHooks = new ArrayList<>();
        private final List<Hook> postHooks = new ArrayList<>();
        private final List<External> externals = new ArrayList<>();
        private final List<Assignment> omitted = new ArrayList<>();

        Merge(ConfigureRequest req) {
            this.req = req;
            for (KconfigKind k : KconfigKind.values()) {
                files.put(k, new ConfigText());
                requested.put(k, MergedFragment.empty(k));
            }
        }

        EffectiveConfig run() {
            LayerSources layers = req.layers();
            ResolvedChain chain = ChainExpansion.expand(req.chain(), req.chainSource(), layers.catalog());
            List<MergeSource> sources = sources(chain, layers);
            for (MergeSource s : sources) mergeSource(s);

            Path fin = req.finalDir();
            ConfigText br = files.get(KconfigKind.BUILDROOT);
            boolean kernel = "y".equals(lastValue(br, "BR2_LINUX_KERNEL"));
            boolean uboot = "y".equals(lastValue(br, "BR2_TARGET_UBOOT"));
            if (!kernel) unused("kernel", KconfigKind.KERNEL, kernelPatches, "BR2_LINUX_KERNEL");
            if (!uboot) unused("uboot", KconfigKind.UBOOT, ubootPatches, "BR2_TARGET_UBOOT");

            String version = req.skiffVersion();
            // SkiffOS's placeholders, replaced over the whole file in SkiffOS's order (the
            // _COMMIT token before its prefix).
            Map<String, String> replaceMe = new LinkedHashMap<>();
            replaceMe.put("REPLACEME_BR_PATCHES", joinPaths(brPatches));
            replaceMe.put("REPLACEME_BUSYBOX_FRAGMENTS", fin.resolve("busybox/config").toString());
            replaceMe.put("REPLACEME_KERNEL_FRAGMENTS", fin.resolve("kernel/config").toString());
            replaceMe.put("REPLACEME_KERNEL_PATCHES", joinPaths(kernelPatches));
            replaceMe.put("REPLACEME_UBOOT_FRAGMENTS", fin.resolve("uboot/config").toString());
            replaceMe.put("REPLACEME_UBOOT_PATCHES", joinPaths(ubootPatches));
            replaceMe.put("REPLACEME_ROOTFS_OVERLAY", joinPaths(overlays));
            replaceMe.put("REPLACEME_FINAL_CONFIG_DIR", fin.toString());
            replaceMe.put("REPLACEME_SKIFF_VERSION_COMMIT", req.skiffVersionCommit());
            replaceMe.put("REPLACEME_SKIFF_VERSION", version);
            replaceMe.forEach(br::replaceAll);

            // Skiff's own tokens: only fragments the chain uses are named, so Buildroot's default
            // applies where there is nothing to say.
            Map<String, String> values = new LinkedHashMap<>();
            values.put("SKIFF_BUILDROOT_PATCH_DIRS", joinPaths(brPatches));
            values.put("SKIFF_KERNEL_FRAGMENTS", kernel && !requested.get(KconfigKind.KERNEL).isEmpty() ? fin.resolve("kernel/config").toString() : "");
            values.put("SKIFF_KERNEL_PATCH_DIRS", kernel ? joinPaths(kernelPatches) : "");
            values.put("SKIFF_UBOOT_FRAGMENTS", uboot && !requested.get(KconfigKind.UBOOT).isEmpty() ? fin.resolve("uboot/config").toString() : "");
            values.put("SKIFF_UBOOT_PATCH_DIRS", uboot ? joinPaths(ubootPatches) : "");
            values.put("SKIFF_BUSYBOX_FRAGMENTS", requested.get(KconfigKind.BUSYBOX).isEmpty() ? "" : fin.resolve("busybox/config").toString());
            values.put("SKIFF_ROOTFS_OVERLAYS", joinPaths(overlays));
            values.put("SKIFF_POST_BUILD_SCRIPT", preHooks.isEmpty() ? "" : fin.resolve("pre_build.sh").toString());
            values.put("SKIFF_POST_IMAGE_SCRIPT", postHooks.isEmpty() ? "" : fin.resolve("post_build.sh").toString());
            values.put("SKIFF_USERS_TABLES", usersTables.isEmpty() ? "" : fin.resolve("users").toString());
            values.put("SKIFF_HOSTNAME", req.hostname() == null ? "skiff" : req.hostname());
            values.put("SKIFF_ISSUE", "Welcome to SkiffOS " + version);
            boolean hostnameFilled = fillTokens(br, values);

            // SkiffOS appends it unconditionally; without BR2_CCACHE=y Kconfig drops it, so the
            // final .config is the same when it is only written for a chain that uses ccache.
            if ("y".equals(lastValue(br, "BR2_CCACHE"))) {
                br.appendGenerated("BR2_CCACHE_DIR=\"" + escape(req.ccacheDir().toString()) + "\"\n", "skiff.ccacheDir");
            }
            if (req.overrideFile() != null) {
                if (lastValue(br, "BR2_PACKAGE_OVERRIDE_FILE") != null) {
                    warnings.add("BR2_PACKAGE_OVERRIDE_FILE set by a layer is replaced by skiff.overrideFile ("
                            + req.overrideFile() + ").");
                }
                br.appendGenerated("BR2_PACKAGE_OVERRIDE_FILE=\"" + escape(req.overrideFile().toString()) + "\"\n",
                        "skiff.overrideFile");
            }
            if (req.hostname() != null && !hostnameFilled) {
                br.appendGenerated("BR2_TARGET_GENERIC_HOSTNAME=\"" + req.hostname() + "\"\n", "skiff.hostname");
            }
            String cflagsText = String.join(" ", cflags);
            if (!cflagsText.isEmpty()) {
                if (br.anyLine(l -> l.contains("BR2_TARGET_OPTIMIZATION"))) {
                    warnings.add("BR2_TARGET_OPTIMIZATION set in a buildroot/ fragment is overridden by the layers' cflags/"
                            + " files (\"" + cflagsText + "\"); move those flags into a cflags/ file.");
                }
                MergeConfig.merge(br, new ConfigText().appendGenerated(
                        "BR2_TARGET_OPTIMIZATION=\"" + cflagsText + "\"\n", "cflags"));
            }
            requested.put(KconfigKind.BUILDROOT, buildrootRequested(br, sources));
            warnHostPaths(requested.get(KconfigKind.BUILDROOT), sources);

            String buildTarget = null;
            for (Layer l : chain.layers()) {
                if (l.buildTarget() != null) {
                    buildTarget = l.buildTarget();
                    break;
                }
            }
            Map<String, String> fileTexts = new LinkedHashMap<>();
            for (KconfigKind k : KconfigKind.values()) fileTexts.put(k.directory() + "/config", files.get(k).text());
            fileTexts.put("users", users.toString());
            fileTexts.put("cflags", cflagsText + "\n");
            Map<String, String> env = new LinkedHashMap<>(req.passthrough());
            env.putAll(SkiffEnvironment.of(req, chain, buildTarget));
            return new EffectiveConfig(req.workspace(), fin, chain, sources, requested, fileTexts, omitted, overlays,
                    brPatches, kernelPatches, ubootPatches, usersTables, cflagsFiles, cflagsText, preHooks, postHooks,
                    externals, buildTarget, req.version(), env, warnings);
        }

        /**
         * A fragment may point an overlay, patch directory, script or config file at a path of the
         * build host (BR2_ROOTFS_OVERLAY="/etc"): the build then reads that machine's files, and
         * another machine builds something else. Warned, not refused: a site may keep shared
         * trees at a fixed path on purpose. Inside means under the project, a layer root, the
         * SkiffOS tree, the workspace or the Buildroot tree.
         */
        private void warnHostPaths(MergedFragment buildroot, List<MergeSource> sources) {
            List<Path> inside = new ArrayList<>();
            inside.add(req.projectDir());
            inside.add(req.workspaceDir());
            if (req.buildrootDir() != null) inside.add(req.buildrootDir());
            if (req.layers().hasSkiffos()) inside.add(req.layers().skiffos().dir());
            for (MergeSource src : sources) {
                inside.add(src.dir());
                if (src.root() != null) inside.add(src.root().dir());
            }
            List<Path> roots = inside.stream().map(p -> p.toAbsolutePath().normalize()).toList();
            for (String symbol : HOST_PATH_SYMBOLS) {
                Assignment a = buildroot.symbols().get(symbol);
                if (a == null || a.value() == null) continue;
                for (String entry : Fragment.unquote(a.value()).trim().split("\\s+")) {
                    // $(VAR) paths are Buildroot's or SkiffOS's own; relative ones are relative to the
                    // Buildroot tree. Only an absolute path can name the host's own files.
                    if (!entry.startsWith("/") || entry.contains("$(")) continue;
                    Path p = Path.of(entry).normalize();
                    if (roots.stream().noneMatch(p::startsWith)) {
                        warnings.add(symbol + "=" + a.value() + " from " + a.origin() + " at " + a.file() + ":" + a.line() + ": "
                                + entry + " lies outside the project, its layers, the SkiffOS tree and the workspace, so the"
                                + " build reads that path of the build machine and another machine builds something else."
                                + " Keep the files in a layer (root_overlay/, buildroot_patches/, resources/) instead.");
                    }
                }
            }
        }

        private List<MergeSource> sources(ResolvedChain chain, LayerSources layers) {
            Layer pre = layers.basePre();
            Layer post = layers.basePost();
            List<MergeSource> sources = new ArrayList<>();
            sources.add(new MergeSource(pre.name().toString(), pre.dir(), MergeSource.Kind.BASE, pre.root()));
            for (Layer l : chain.layers()) {
                if (l.dir().equals(pre.dir()) || l.dir().equals(post.dir())) {
                    warnings.add("layer " + l.name() + " is a base layer and is always merged in its fixed place;"
                            + " remove it from the chain.");
                    continue;
                }
                sources.add(new MergeSource(l.name().toString(), l.dir(), MergeSource.Kind.LAYER, l.root(),
                        layers.catalog().shadowedRoots(l.name())));
            }
            Path overrides = req.projectDir().resolve("overrides");
            if (Files.isDirectory(overrides)) {
                sources.add(new MergeSource("overrides", overrides, MergeSource.Kind.OVERRIDE, null));
            }
            Path wsOverrides = overrides.resolve("workspaces").resolve(req.workspace());
            if (Files.isDirectory(wsOverrides)) {
                sources.add(new MergeSource("overrides/workspaces/" + req.workspace(), wsOverrides,
                        MergeSource.Kind.OVERRIDE, null));
            }
            sources.add(new MergeSource(post.name().toString(), post.dir(), MergeSource.Kind.BASE, post.root()));
            for (Layer l : List.of(pre, post)) warnings.addAll(l.warnings());
            for (Layer l : chain.layers()) warnings.addAll(l.warnings());
            return sources;
        }

        /** One source, in the order of SkiffOS's loop body. */
        private void mergeSource(MergeSource s) {
            Path d = s.dir();
            Fragment.Mode mode = s.tolerant() ? Fragment.Mode.KCONFIG : Fragment.Mode.STRICT;
            String confp = d.toString();
            for (KconfigKind k : List.of(KconfigKind.BUILDROOT, KconfigKind.BUSYBOX)) mergeFragments(s, k, mode, confp);
            for (Path f : filesOf(d.resolve("cflags"), s)) {
                if (!s.tolerant()) checkCflagsComments(f);
                String flags = readCflags(f);
                if (flags.isEmpty()) continue;
                if (flags.contains("\"")) {
                    throw new SkiffException(f + ": cflags may not contain double quotes (they end up in the Kconfig string"
                            + " BR2_TARGET_OPTIMIZATION): " + flags.strip());
                }
                cflagsFiles.add(new Contribution(s.label(), f));
                // SkiffOS names the buildroot/ directory here, not cflags/: kept for identical files.
                files.get(KconfigKind.BUILDROOT).appendGenerated("\n# Configuration from " + d.resolve("buildroot").resolve(f.getFileName())
                        + "\n# CFLAGS: \"" + flags + "\"\n", "cflags of " + s.label());
                cflags.add(flags);
            }
            for (KconfigKind k : List.of(KconfigKind.KERNEL, KconfigKind.UBOOT)) mergeFragments(s, k, mode, confp);
            addDir(overlays, s, d.resolve("root_overlay"));
            addDir(kernelPatches, s, d.resolve("kernel_patches"));
            addDir(ubootPatches, s, d.resolve("uboot_patches"));
            addDir(brPatches, s, d.resolve("buildroot_patches"));
            for (Path f : filesOf(d.resolve("users"), s)) {
                usersTables.add(new Contribution(s.label(), f));
                users.append(read(f));
            }
            Path preHook = d.resolve("hooks/pre.sh");
            if (Files.isRegularFile(preHook)) preHooks.add(new Hook(s.label(), d, preHook));
            Path postHook = d.resolve("hooks/post.sh");
            if (Files.isRegularFile(postHook)) postHooks.add(new Hook(s.label(), d, postHook));
            Path ext = d.resolve("buildroot_ext");
            if (Files.exists(ext)) externals.add(external(s, ext, externals));
        }

        /**
         * {@code printf "\n# Configuration from <dir>/<file>\n" >> file; merge_config.sh -m file
         * fragment; sed s#SKIFF_CONFIG_ROOT#<layer dir>#g}, per fragment file in byte order.
         */
        private void mergeFragments(MergeSource s, KconfigKind k, Fragment.Mode mode, String confp) {
            Path dir = s.dir().resolve(k.directory());
            for (Path f : filesOf(dir, s)) {
                String content = read(f);
                Fragment.Parsed parsed = Fragment.parse(content.lines().toList(), f, k, s.label(), mode);
                warnings.addAll(parsed.warnings());
                if (k != KconfigKind.BUILDROOT) {
                    // Kernel, U-Boot and Busybox files are not checked against a .config here;
                    // what they ask for is recorded for the report and the effective view.
                    List<Assignment> as = parsed.assignments().stream()
                            .map(a -> a.value() == null ? a : a.withValue(a.value().replace(CONFIG_ROOT, confp))).toList();
                    requested.put(k, requested.get(k).plus(as));
                }
                ConfigText text = files.get(k);
                text.appendGenerated("\n# Configuration from " + dir.resolve(f.getFileName()) + "\n", s.label());
                MergeConfig.merge(text, new ConfigText().append(content, s.label(), f));
                text.replaceAll(CONFIG_ROOT, confp);
            }
        }

        private void unused(String what, KconfigKind kind, List<Contribution> patches, String symbol) {
            Set<String> origins = new LinkedHashSet<>();
            requested.get(kind).symbols().values().forEach(a -> origins.add(a.origin()));
            patches.forEach(c -> origins.add(c.origin()));
            if (!origins.isEmpty()) {
                warnings.add(what + " fragments and patches from " + String.join(", ", origins)
                        + " are not applied: the chain does not set " + symbol + "=y.");
            }
        }

        /**
         * Fills {@code @SKIFF_*@} tokens line by line; a line whose value comes out as {@code ""}
         * is left out, so Buildroot's default applies. Returns whether a {@code @SKIFF_HOSTNAME@}
         * was filled.
         */
        private boolean fillTokens(ConfigText br, Map<String, String> values) {
            boolean[] hostname = {false};
            br.rewrite((text, origin) -> {
                if (!text.contains("@SKIFF_")) return text;
                Matcher m = TOKEN.matcher(text);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    String v = values.get(m.group(1));
                    if (v == null) {
                        throw new SkiffException(origin.where() + ": unknown placeholder @" + m.group(1) + "@."
                                + NearestNames.hint(m.group(1), PLACEHOLDERS) + " Valid placeholders: "
                                + String.join(", ", PLACEHOLDERS.stream().sorted().toList()) + ".");
                    }
                    if (m.group(1).equals("SKIFF_HOSTNAME")) hostname[0] = true;
                    m.appendReplacement(sb, Matcher.quoteReplacement(escape(v)));
                }
                m.appendTail(sb);
                String filled = sb.toString();
                if (filled.matches("[A-Za-z0-9_]+=\"\"")) {
                    omitted.add(new Assignment(filled.substring(0, filled.indexOf('=')), "\"\"", origin.file(),
                            origin.line(), origin.source()));
                    return null;
                }
                return filled;
            });
            java.util.Collections.reverse(omitted); // rewrite walks the file backwards
            return hostname[0];
        }

        /** What the final Buildroot file asks for, last assignment winning, each traced to its layer file and line. */
        private MergedFragment buildrootRequested(ConfigText br, List<MergeSource> sources) {
            Map<String, MergeSource> byLabel = new LinkedHashMap<>();
            for (MergeSource s : sources) byLabel.put(s.label(), s);
            List<Assignment> all = new ArrayList<>();
            for (ConfigText.Line l : br.lines()) {
                ConfigText.Origin o = l.origin();
                MergeSource s = byLabel.get(o.source());
                try {
                    Assignment a = Fragment.parseLine(l.text(), o.file(), o.line(), KconfigKind.BUILDROOT, o.source());
                    if (a != null) all.add(a);
                } catch (SkiffException e) {
                    // A line a tolerant (SkiffOS) source may carry; it was reported when its file was read.
                    if (s == null || !s.tolerant()) throw e;
                }
            }
            return MergedFragment.empty(KconfigKind.BUILDROOT).plus(all);
        }

        private String joinPaths(List<Contribution> list) {
            for (Contribution c : list) {
                if (c.path().toString().contains(" ")) {
                    throw new SkiffException(c.path() + " (from " + c.origin() + ") contains a space; Buildroot splits"
                            + " this list on spaces. Move the layer to a path without spaces.");
                }
            }
            return String.join(" ", list.stream().map(c -> c.path().toString()).toList());
        }
    }

    /** The value the last line setting {@code symbol} gives it, unquoted tristates only; null if unset. */
    static String lastValue(ConfigText text, String symbol) {
        String v = null;
        String set = symbol + "=";
        String unset = "# " + symbol + " is not set";
        for (ConfigText.Line l : text.lines()) {
            if (l.text().startsWith(set)) v = l.text().substring(set.length()).strip();
            else if (l.text().equals(unset)) v = null;
        }
        return v;
    }

    /** Regular files of a merge directory in byte order; a sub-directory there is a mistake. */
    static List<Path> filesOf(Path dir, MergeSource s) {
        List<Path> files = new ArrayList<>();
        for (Path p : Layer.entriesInOrder(dir)) {
            if (Files.isDirectory(p)) {
                throw new SkiffException(p + ": unexpected directory in " + s.label() + "/"
                        + dir.getFileName() + "/: only files are merged there. Move its files up or remove it.");
            }
            files.add(p);
        }
        return files;
    }

    private static void addDir(List<Contribution> list, MergeSource s, Path dir) {
        if (Files.isDirectory(dir)) list.add(new Contribution(s.label(), dir));
        else if (Files.exists(dir)) {
            throw new SkiffException(dir + " in " + s.label() + " must be a directory.");
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkiffException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * SkiffOS's {@code $(cat f | sed -e '/^[ \t]*#/d' | tr '\n' ' ')}: comment lines dropped, every
     * remaining newline a space (so a trailing space stays); empty when nothing is left.
     */
    static String readCflags(Path f) {
        String text = read(f);
        StringBuilder sb = new StringBuilder();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            String line = nl < 0 ? text.substring(start) : text.substring(start, nl);
            if (!line.matches("[ \t]*#.*")) sb.append(line).append(nl < 0 ? "" : " ");
            if (nl < 0) break;
            start = nl + 1;
        }
        return sb.toString();
    }

    /**
     * SkiffOS drops only whole comment lines from cflags files; a comment after flags would reach
     * the compiler. For the project's and the stock layers that is an error naming the line.
     */
    static void checkCflagsComments(Path f) {
        List<String> lines = read(f).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int hash = l.indexOf('#');
            if (hash > 0 && !l.substring(0, hash).isBlank()) {
                throw new SkiffException(f + ":" + (i + 1) + ": a comment after the flags would be passed to the compiler"
                        + " (SkiffOS removes only whole comment lines). Put it on its own line: '" + l.substring(hash).strip()
                        + "' above '" + l.substring(0, hash).strip() + "'.");
            }
        }
    }

    static External external(MergeSource s, Path ext, List<External> seen) {
        if (!Files.isDirectory(ext)) {
            throw new SkiffException(ext + " in " + s.label() + " must be a directory holding a BR2_EXTERNAL tree.");
        }
        List<String> missing = EXTERNAL_FILES.stream().filter(f -> !Files.isRegularFile(ext.resolve(f))).toList();
        if (!missing.isEmpty()) {
            throw new SkiffException(ext + " in " + s.label() + " is an incomplete BR2_EXTERNAL tree: missing "
                    + String.join(", ", missing) + ". Buildroot requires external.desc (with a 'name:' line),"
                    + " external.mk and Config.in; they may be empty apart from the name.");
        }
        Path desc = ext.resolve("external.desc");
        String name = null;
        try {
            List<String> lines = Files.readAllLines(desc, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).trim();
                if (l.startsWith("name:")) {
                    name = l.substring(5).trim();
                    if (!name.matches("[A-Za-z0-9_]+")) {
                        throw new SkiffException(desc + ":" + (i + 1) + ": invalid external name '" + name
                                + "': Buildroot accepts only [A-Za-z0-9_]. Did you mean "
                                + name.replaceAll("[^A-Za-z0-9_]", "_").toUpperCase(java.util.Locale.ROOT) + "?");
                    }
                }
            }
        } catch (IOException e) {
            throw new SkiffException("cannot read " + desc + ": " + e.getMessage(), e);
        }
        if (name == null || name.isEmpty()) {
            throw new SkiffException(desc + ": no 'name:' line. Add one, for example: name: "
                    + s.label().replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT));
        }
        for (External e : seen) {
            if (e.name().equals(name)) {
                throw new SkiffException(desc + ": external name '" + name + "' is already used by "
                        + e.origin() + " (" + e.dir() + "). Buildroot needs each BR2_EXTERNAL name to be unique.");
            }
        }
        return new External(name, ext, s.label());
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static String quote(String v) {
        return "\"" + escape(v) + "\"";
    }
}
