package dev.skiff.configure;

import dev.skiff.NearestNames;
import dev.skiff.SkiffException;
import dev.skiff.kconfig.Assignment;
import dev.skiff.kconfig.Fragment;
import dev.skiff.kconfig.KconfigKind;
import dev.skiff.kconfig.MergedFragment;
import dev.skiff.layer.ChainExpansion;
import dev.skiff.layer.Layer;
import dev.skiff.layer.LayerName;
import dev.skiff.layer.ResolvedChain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a request into an {@link EffectiveConfig}: expands the chain, then merges base/pre, the
 * chain, {@code overrides/}, {@code overrides/workspaces/<ws>/} and base/post in that order.
 * Pure: reads files, writes nothing.
 */
public final class LayerMerge {
    /** The placeholder tokens base/post may use, e.g. {@code "@SKIFF_ROOTFS_OVERLAYS@"}. */
    public static final Set<String> PLACEHOLDERS = Set.of(
            "SKIFF_BUILDROOT_PATCH_DIRS", "SKIFF_KERNEL_FRAGMENTS", "SKIFF_KERNEL_PATCH_DIRS",
            "SKIFF_UBOOT_FRAGMENTS", "SKIFF_UBOOT_PATCH_DIRS", "SKIFF_BUSYBOX_FRAGMENTS",
            "SKIFF_ROOTFS_OVERLAYS", "SKIFF_POST_BUILD_SCRIPT", "SKIFF_POST_IMAGE_SCRIPT",
            "SKIFF_USERS_TABLES", "SKIFF_HOSTNAME", "SKIFF_ISSUE");

    private static final Pattern TOKEN = Pattern.compile("@([A-Za-z0-9_]+)@");
    private static final List<String> EXTERNAL_FILES = List.of("external.desc", "external.mk", "Config.in");

    private LayerMerge() {}

    public static EffectiveConfig merge(ConfigureRequest req) {
        List<String> warnings = new ArrayList<>();
        ResolvedChain chain = ChainExpansion.expand(req.chain(), req.chainSource(), req.catalog());
        Layer pre = req.catalog().require(req.basePre(), "base layer (skiff.basePre)");
        Layer post = req.catalog().require(req.basePost(), "base layer (skiff.basePost)");

        List<MergeSource> sources = new ArrayList<>();
        sources.add(new MergeSource(pre.name().toString(), pre.dir(), MergeSource.Kind.BASE, pre.root()));
        for (Layer l : chain.layers()) {
            if (l.name().equals(req.basePre()) || l.name().equals(req.basePost())) {
                warnings.add("layer " + l.name() + " is a base layer and is always merged in its fixed place;"
                        + " remove it from the chain.");
                continue;
            }
            sources.add(new MergeSource(l.name().toString(), l.dir(), MergeSource.Kind.LAYER, l.root()));
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

        Map<KconfigKind, MergedFragment> fragments = new EnumMap<>(KconfigKind.class);
        for (KconfigKind k : KconfigKind.values()) fragments.put(k, MergedFragment.empty(k));
        List<Contribution> overlays = new ArrayList<>();
        List<Contribution> brPatches = new ArrayList<>();
        List<Contribution> kernelPatches = new ArrayList<>();
        List<Contribution> ubootPatches = new ArrayList<>();
        List<Contribution> users = new ArrayList<>();
        List<Contribution> cflagsFiles = new ArrayList<>();
        List<String> cflags = new ArrayList<>();
        List<Hook> preHooks = new ArrayList<>();
        List<Hook> postHooks = new ArrayList<>();
        List<External> externals = new ArrayList<>();

        for (MergeSource s : sources) {
            Path d = s.dir();
            for (KconfigKind k : KconfigKind.values()) {
                for (Path f : filesOf(d.resolve(k.directory()), s)) {
                    fragments.put(k, fragments.get(k).plus(Fragment.parse(f, k, s.label())));
                }
            }
            for (Path f : filesOf(d.resolve("cflags"), s)) {
                cflagsFiles.add(new Contribution(s.label(), f));
                cflags.addAll(readCflags(f));
            }
            for (Path f : filesOf(d.resolve("users"), s)) users.add(new Contribution(s.label(), f));
            addDir(overlays, s, d.resolve("root_overlay"));
            addDir(brPatches, s, d.resolve("buildroot_patches"));
            addDir(kernelPatches, s, d.resolve("kernel_patches"));
            addDir(ubootPatches, s, d.resolve("uboot_patches"));
            Path preHook = d.resolve("hooks/pre.sh");
            if (Files.isRegularFile(preHook)) preHooks.add(new Hook(s.label(), d, preHook));
            Path postHook = d.resolve("hooks/post.sh");
            if (Files.isRegularFile(postHook)) postHooks.add(new Hook(s.label(), d, postHook));
            Path ext = d.resolve("buildroot_ext");
            if (Files.exists(ext)) externals.add(external(s, ext, externals));
        }

        Path fin = req.finalDir();
        // Kernel and U-Boot fragments are only applied when the chain builds that component;
        // otherwise Kconfig would drop the *_FRAGMENT_FILES option and the check would blame base/post.
        MergedFragment brSoFar = fragments.get(KconfigKind.BUILDROOT);
        if (!enabled(brSoFar, "BR2_LINUX_KERNEL")) {
            unused(warnings, "kernel", fragments.get(KconfigKind.KERNEL), kernelPatches, "BR2_LINUX_KERNEL");
            fragments.put(KconfigKind.KERNEL, MergedFragment.empty(KconfigKind.KERNEL));
            kernelPatches.clear();
        }
        if (!enabled(brSoFar, "BR2_TARGET_UBOOT")) {
            unused(warnings, "uboot", fragments.get(KconfigKind.UBOOT), ubootPatches, "BR2_TARGET_UBOOT");
            fragments.put(KconfigKind.UBOOT, MergedFragment.empty(KconfigKind.UBOOT));
            ubootPatches.clear();
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("SKIFF_BUILDROOT_PATCH_DIRS", joinPaths(brPatches));
        values.put("SKIFF_KERNEL_FRAGMENTS", fragments.get(KconfigKind.KERNEL).isEmpty() ? "" : fin.resolve("kernel/config").toString());
        values.put("SKIFF_KERNEL_PATCH_DIRS", joinPaths(kernelPatches));
        values.put("SKIFF_UBOOT_FRAGMENTS", fragments.get(KconfigKind.UBOOT).isEmpty() ? "" : fin.resolve("uboot/config").toString());
        values.put("SKIFF_UBOOT_PATCH_DIRS", joinPaths(ubootPatches));
        values.put("SKIFF_BUSYBOX_FRAGMENTS", fragments.get(KconfigKind.BUSYBOX).isEmpty() ? "" : fin.resolve("busybox/config").toString());
        values.put("SKIFF_ROOTFS_OVERLAYS", joinPaths(overlays));
        values.put("SKIFF_POST_BUILD_SCRIPT", preHooks.isEmpty() ? "" : fin.resolve("pre_build.sh").toString());
        values.put("SKIFF_POST_IMAGE_SCRIPT", postHooks.isEmpty() ? "" : fin.resolve("post_build.sh").toString());
        values.put("SKIFF_USERS_TABLES", users.isEmpty() ? "" : fin.resolve("users").toString());
        values.put("SKIFF_HOSTNAME", req.hostname());
        values.put("SKIFF_ISSUE", "Welcome to SkiffOS " + req.version().oneLine());

        List<Assignment> omitted = new ArrayList<>();
        MergedFragment br = fragments.get(KconfigKind.BUILDROOT);
        for (Assignment a : List.copyOf(br.symbols().values())) {
            if (a.value() == null || !a.value().contains("@")) continue;
            String filled = fill(a, values);
            if (filled.equals(a.value())) continue;
            if (filled.equals("\"\"")) {
                omitted.add(a);
                br = br.without(a.symbol());
            } else {
                br = br.plus(List.of(a.withValue(filled))).withoutRedefinitionOf(a.symbol(), a);
            }
        }
        String cflagsText = String.join(" ", cflags);
        if (!cflagsText.isEmpty()) {
            br = br.plus(List.of(new Assignment("BR2_TARGET_OPTIMIZATION", quote(cflagsText), null, 0, "cflags")));
        }
        fragments.put(KconfigKind.BUILDROOT, br);

        String buildTarget = null;
        for (Layer l : chain.layers()) {
            if (l.buildTarget() != null) {
                buildTarget = l.buildTarget();
                break;
            }
        }

        Map<String, String> env = new LinkedHashMap<>();
        env.put("SKIFF_CONFIG", chain.text());
        env.put("SKIFF_WORKSPACE", req.workspace());
        env.put("SKIFF_WORKSPACE_DIR", req.workspaceDir().toString());
        env.put("SKIFF_FINAL_CONFIG_DIR", fin.toString());
        env.put("SKIFF_PROJECT_DIR", req.projectDir().toString());
        env.put("SKIFF_VERSION", req.version().oneLine());
        for (MergeSource s : sources) {
            if (s.kind() == MergeSource.Kind.OVERRIDE) continue;
            LayerName n = LayerName.parse(s.label(), "merge source");
            env.put("SKIFF_CONFIG_PATH_" + n.envSuffix(), s.dir().toString());
        }

        return new EffectiveConfig(req.workspace(), fin, chain, sources, fragments, omitted, overlays,
                brPatches, kernelPatches, ubootPatches, users, cflagsFiles, cflagsText, preHooks, postHooks,
                externals, buildTarget, req.version(), env, warnings);
    }

    private static boolean enabled(MergedFragment br, String symbol) {
        Assignment a = br.symbols().get(symbol);
        return a != null && "y".equals(a.value());
    }

    private static void unused(List<String> warnings, String what, MergedFragment frag,
                               List<Contribution> patches, String symbol) {
        java.util.Set<String> origins = new java.util.LinkedHashSet<>();
        frag.symbols().values().forEach(a -> origins.add(a.origin()));
        patches.forEach(c -> origins.add(c.origin()));
        if (!origins.isEmpty()) {
            warnings.add(what + " fragments and patches from " + String.join(", ", origins)
                    + " are not applied: the chain does not set " + symbol + "=y.");
        }
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

    /** '#' starts a comment; the rest of each line is flags, joined by single spaces. */
    static List<String> readCflags(Path f) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                int h = line.indexOf('#');
                String t = (h < 0 ? line : line.substring(0, h)).trim();
                if (t.isEmpty()) continue;
                if (t.contains("\"")) {
                    throw new SkiffException(f + ": cflags may not contain double quotes (they end up in a"
                            + " Kconfig string): " + t);
                }
                out.addAll(List.of(t.split("\\s+")));
            }
        } catch (IOException e) {
            throw new SkiffException("cannot read " + f + ": " + e.getMessage(), e);
        }
        return out;
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

    private static String fill(Assignment a, Map<String, String> values) {
        Matcher m = TOKEN.matcher(a.value());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String token = m.group(1);
            String v = values.get(token);
            if (v == null) {
                throw new SkiffException(a.where() + ": unknown placeholder @" + token + "@ in " + a.symbol() + "."
                        + NearestNames.hint(token, PLACEHOLDERS) + " Valid placeholders: "
                        + String.join(", ", PLACEHOLDERS.stream().sorted().toList()) + ".");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(escape(v)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String joinPaths(List<Contribution> list) {
        for (Contribution c : list) {
            if (c.path().toString().contains(" ")) {
                throw new SkiffException(c.path() + " (from " + c.origin() + ") contains a space; Buildroot splits"
                        + " this list on spaces. Move the layer to a path without spaces.");
            }
        }
        return String.join(" ", list.stream().map(c -> c.path().toString()).toList());
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static String quote(String v) {
        return "\"" + escape(v) + "\"";
    }
}
