package dev.skiff.configure;

import dev.skiff.kconfig.Assignment;
import dev.skiff.kconfig.DroppedSymbol;
import dev.skiff.kconfig.KconfigKind;
import dev.skiff.kconfig.MergedFragment;
import dev.skiff.kconfig.Redefinition;
import dev.skiff.layer.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective configuration for people ({@link #lines}) and for tools ({@link #tree}), in the
 * spirit of {@code kas dump}: where each layer came from and which file set each symbol last.
 */
public final class EffectiveView {
    private EffectiveView() {}

    public static List<String> lines(EffectiveConfig eff) {
        List<String> out = new ArrayList<>();
        out.add("Workspace " + eff.workspace() + " (" + eff.finalDir() + ")");
        out.add("Chain: " + eff.chain().text());
        out.add("Merge order:");
        int i = 1;
        for (MergeSource s : eff.sources()) {
            out.add(String.format("  %2d. %-28s %s%s", i++, s.label(), s.dir(),
                    s.root() == null ? "  [project overrides]" : "  [" + s.root().label()
                            + (s.shadowed().isEmpty() ? "" : "; replaces the copy in "
                            + String.join(", ", s.shadowed().stream().map(r -> r.label() + " (" + r.dir() + ")").toList()))
                            + "]"));
        }
        for (KconfigKind k : KconfigKind.values()) {
            MergedFragment f = eff.fragment(k);
            if (f.isEmpty()) continue;
            out.add(k.directory() + " symbols (" + f.symbols().size() + "):");
            for (Assignment a : f.symbols().values()) {
                out.add("  " + a.render() + "    <- " + a.origin() + (a.file() == null ? "" : " " + a.where()));
            }
        }
        if (!eff.omittedPlaceholders().isEmpty()) {
            out.add("Placeholders left out (nothing to fill them with):");
            for (Assignment a : eff.omittedPlaceholders()) out.add("  " + a.symbol() + "  (" + a.where() + ")");
        }
        section(out, "Root overlays", eff.overlays());
        section(out, "Buildroot patch directories", eff.buildrootPatchDirs());
        section(out, "Kernel patch directories", eff.kernelPatchDirs());
        section(out, "U-Boot patch directories", eff.ubootPatchDirs());
        section(out, "Users tables", eff.usersTables());
        section(out, "cflags files", eff.cflagsFiles());
        if (!eff.cflags().isEmpty()) out.add("BR2_TARGET_OPTIMIZATION: " + eff.cflags());
        hooks(out, "Pre hooks (post-build)", eff.preHooks());
        hooks(out, "Post hooks (post-image)", eff.postHooks());
        if (!eff.externals().isEmpty()) {
            out.add("BR2_EXTERNAL trees:");
            for (External e : eff.externals()) out.add("  " + e.name() + "  " + e.dir() + "  <- " + e.origin());
        }
        if (eff.buildTarget() != null) out.add("Build target: " + eff.buildTarget());
        List<Redefinition> redefs = eff.redefinitions();
        if (!redefs.isEmpty()) {
            out.add("Redefinitions (" + redefs.size() + "):");
            for (Redefinition r : redefs) out.add("  " + r.describe());
        }
        // Warnings are not part of the view: the caller logs them as warnings (eff.warnings()).
        return out;
    }

    private static void section(List<String> out, String title, List<Contribution> items) {
        if (items.isEmpty()) return;
        out.add(title + ":");
        for (Contribution c : items) out.add("  " + c.path() + "  <- " + c.origin());
    }

    private static void hooks(List<String> out, String title, List<Hook> hooks) {
        if (hooks.isEmpty()) return;
        out.add(title + ":");
        for (Hook h : hooks) out.add("  " + h.script() + "  <- " + h.origin());
    }

    /** The same content as plain maps and lists, ready for JSON. */
    public static Map<String, Object> tree(EffectiveConfig eff) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workspace", eff.workspace());
        m.put("finalDir", eff.finalDir().toString());
        m.put("requested", eff.chain().requested().stream().map(Object::toString).toList());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Layer l : eff.chain().layers()) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("name", l.name().toString());
            lm.put("dir", l.dir().toString());
            lm.put("root", l.root().label());
            lm.put("description", l.description());
            lm.put("dependencies", l.dependencies().stream().map(d -> d.name().toString()).toList());
            layers.add(lm);
        }
        m.put("chain", layers);
        List<Map<String, Object>> sources = new ArrayList<>();
        for (MergeSource s : eff.sources()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("label", s.label());
            sm.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
            sm.put("dir", s.dir().toString());
            sm.put("root", s.root() == null ? null : s.root().label());
            sources.add(sm);
        }
        m.put("mergeOrder", sources);
        Map<String, Object> frags = new LinkedHashMap<>();
        for (KconfigKind k : KconfigKind.values()) {
            List<Map<String, Object>> syms = new ArrayList<>();
            for (Assignment a : eff.fragment(k).symbols().values()) syms.add(assignment(a));
            frags.put(k.directory(), syms);
        }
        m.put("symbols", frags);
        m.put("omittedPlaceholders", eff.omittedPlaceholders().stream().map(Assignment::symbol).toList());
        m.put("overlays", contributions(eff.overlays()));
        m.put("buildrootPatchDirs", contributions(eff.buildrootPatchDirs()));
        m.put("kernelPatchDirs", contributions(eff.kernelPatchDirs()));
        m.put("ubootPatchDirs", contributions(eff.ubootPatchDirs()));
        m.put("usersTables", contributions(eff.usersTables()));
        m.put("cflags", eff.cflags());
        m.put("preHooks", hookList(eff.preHooks()));
        m.put("postHooks", hookList(eff.postHooks()));
        List<Map<String, Object>> ext = new ArrayList<>();
        for (External e : eff.externals()) {
            ext.add(Map.of("name", e.name(), "dir", e.dir().toString(), "origin", e.origin()));
        }
        m.put("externals", ext);
        m.put("buildTarget", eff.buildTarget());
        m.put("version", Map.of("project", eff.version().projectVersion(), "git", eff.version().gitDescribe(),
                "skiff", eff.version().skiffVersion()));
        m.put("environment", eff.environment());
        List<Map<String, Object>> redefs = new ArrayList<>();
        for (Redefinition r : eff.redefinitions()) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("symbol", r.next().symbol());
            rm.put("previous", assignment(r.previous()));
            rm.put("next", assignment(r.next()));
            redefs.add(rm);
        }
        m.put("redefinitions", redefs);
        m.put("warnings", eff.warnings());
        return m;
    }

    public static List<String> droppedLines(List<DroppedSymbol> dropped) {
        return dropped.stream().map(DroppedSymbol::describe).toList();
    }

    private static Map<String, Object> assignment(Assignment a) {
        Map<String, Object> am = new LinkedHashMap<>();
        am.put("symbol", a.symbol());
        am.put("value", a.value());
        am.put("origin", a.origin());
        am.put("file", a.file() == null ? null : a.file().toString());
        am.put("line", a.file() == null ? null : a.line());
        return am;
    }

    private static List<Map<String, Object>> contributions(List<Contribution> cs) {
        return cs.stream().map(c -> Map.<String, Object>of("path", c.path().toString(), "origin", c.origin())).toList();
    }

    private static List<Map<String, Object>> hookList(List<Hook> hs) {
        return hs.stream().map(h -> Map.<String, Object>of("script", h.script().toString(), "origin", h.origin(),
                "confDir", h.confDir().toString())).toList();
    }
}
