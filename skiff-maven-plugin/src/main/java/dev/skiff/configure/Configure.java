package dev.skiff.configure;

import dev.skiff.FileTree;
import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.core.CoreConfigFiles;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.MakeInvocation;
import dev.skiff.buildroot.MakeResult;
import dev.skiff.kconfig.DotConfig;
import dev.skiff.kconfig.DroppedSymbol;
import dev.skiff.kconfig.Fragment;
import dev.skiff.kconfig.KconfigChoices;
import dev.skiff.kconfig.KconfigKind;
import dev.skiff.kconfig.SymbolCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The configure step of one workspace: merge, write the config directory, run Buildroot's
 * {@code make defconfig}, then check every requested symbol against the final {@code .config}.
 *
 * <p>The new directory is staged beside the old one and swapped in; if Buildroot or the
 * symbol check fails, the previous directory and {@code .config} are put back, so a failure
 * never leaves a half-written configuration behind.
 */
public final class Configure {
    /** The chain as the user gave it, in the final directory: its first layer is the board. */
    public static final String REQUEST_FILE = "skiff_request";

    private final BuildrootMake make;
    private final boolean reconfigure;

    public Configure(BuildrootMake make) {
        this(make, false);
    }

    /**
     * @param reconfigure {@code skiff.reconfigure}: configure a workspace that was built for
     *     another target architecture anyway (otherwise refused)
     */
    public Configure(BuildrootMake make, boolean reconfigure) {
        this.make = make;
        this.reconfigure = reconfigure;
    }

    public ConfigureResult run(ConfigureRequest req, BuildrootTree tree, Consumer<String> log) {
        EffectiveConfig eff = LayerMerge.merge(req);
        // An invalid skiff-core config would otherwise only fail on the device, after a full build.
        CoreConfigFiles.validate(eff.sources().stream().map(MergeSource::dir).toList());
        String fingerprint = Fingerprint.of(eff, req, tree);
        Path ws = req.workspaceDir();
        Path fin = req.finalDir();
        Path dotConfig = ws.resolve(".config");
        Path fpFile = fin.resolve("fingerprint");
        try {
            if (Files.isRegularFile(fpFile) && Files.isRegularFile(dotConfig)
                    && Files.readString(fpFile, StandardCharsets.UTF_8).trim().equals(fingerprint)) {
                // The same expanded chain may be asked for by another first layer (the board).
                writeRequest(fin, req.chain());
                return new ConfigureResult(eff, fin, dotConfig, fingerprint, true, List.of(), false, null);
            }
            String oldChain = readIfExists(fin.resolve("skiff_config"));
            String previousChain = oldChain == null || oldChain.trim().equals(eff.chain().text()) ? null : oldChain.trim();
            Files.createDirectories(ws);
            outputLink(ws);
            Path staging = ws.resolve("skiff.staging");
            Path previous = ws.resolve("skiff.previous");
            Path configBackup = ws.resolve(".config.skiff-previous");
            FileTree.delete(staging);
            FileTree.delete(previous);
            ConfigDirectory.write(eff, staging);
            writeRequest(staging, req.chain());

            String oldCflags = readIfExists(fin.resolve("cflags"));
            if (Files.exists(fin)) Files.move(fin, previous, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging, fin, StandardCopyOption.ATOMIC_MOVE);
            if (Files.exists(dotConfig)) Files.copy(dotConfig, configBackup, StandardCopyOption.REPLACE_EXISTING);
            else Files.deleteIfExists(configBackup);

            List<DroppedSymbol> dropped;
            try {
                MakeResult r = make.run(defconfig(eff, tree, ws), log);
                if (!r.succeeded()) throw r.failure("make defconfig");
                DotConfig actual = DotConfig.read(dotConfig);
                refuseArchSwitch(req, ws, configBackup, actual, previousChain);
                List<Path> kconfig = new ArrayList<>(List.of(tree.dir()));
                eff.externals().forEach(x -> kconfig.add(x.dir()));
                dropped = excuse(eff, req, actual, SymbolCheck.check(eff.fragment(KconfigKind.BUILDROOT), actual,
                        req.allowDropped(), KconfigChoices.scan(kconfig)));
                List<DroppedSymbol> fatal = dropped.stream().filter(d -> !d.allowed()).toList();
                if (!fatal.isEmpty()) throw droppedFailure(fatal, dotConfig);
            } catch (RuntimeException e) {
                rollback(fin, previous, dotConfig, configBackup);
                throw e;
            }

            Files.createDirectories(fin.resolve("final"));
            Files.copy(dotConfig, fin.resolve("final/buildroot"), StandardCopyOption.REPLACE_EXISTING);
            ConfigReport.write(eff, dropped, fin.resolve("report.txt"));
            EffectiveJson.write(eff, fin.resolve("effective.json"));
            boolean cflagsChanged = oldCflags == null || !oldCflags.equals(eff.files().get("cflags"));
            boolean stampsRemoved = cflagsChanged && removeGccStamps(ws);
            // Written last: its presence marks a complete, checked configuration.
            Files.writeString(fpFile, fingerprint + "\n", StandardCharsets.UTF_8);
            FileTree.delete(previous);
            Files.deleteIfExists(configBackup);
            return new ConfigureResult(eff, fin, dotConfig, fingerprint, false, dropped, stampsRemoved, previousChain);
        } catch (IOException e) {
            throw new SkiffException("configure of workspace " + req.workspace() + " failed: " + e, e);
        }
    }

    /**
     * The policy for symbols Kconfig did not keep: a drop from a layer of the SkiffOS tree is a
     * warning (SkiffOS's own configure accepts it) unless {@code skiff.strict}; everything else
     * fails unless allowed.
     */
    static List<DroppedSymbol> excuse(EffectiveConfig eff, ConfigureRequest req, DotConfig actual, List<DroppedSymbol> found) {
        java.util.Map<String, MergeSource> byLabel = new java.util.HashMap<>();
        for (MergeSource s : eff.sources()) byLabel.put(s.label(), s);
        List<DroppedSymbol> out = new ArrayList<>();
        for (DroppedSymbol d : found) {
            if (d.allowed()) {
                out.add(d);
                continue;
            }
            MergeSource s = byLabel.get(d.requested().origin());
            if (s != null && s.tolerant() && !req.strict()) {
                out.add(d.withExcuse(DroppedSymbol.Excuse.SKIFFOS));
            } else {
                out.add(d);
            }
        }
        return out;
    }

    static MakeInvocation defconfig(EffectiveConfig eff, BuildrootTree tree, Path ws) {
        List<String> args = new ArrayList<>();
        // Always passed, even empty: Buildroot remembers BR2_EXTERNAL in the output directory,
        // and a layer removed from the chain must take its external tree with it.
        args.add("BR2_EXTERNAL=" + eff.br2External());
        args.add("BR2_DEFCONFIG=" + eff.buildrootDefconfig());
        args.add("defconfig");
        Map<String, String> env = new LinkedHashMap<>(eff.environment());
        return new MakeInvocation(tree, ws, args, env, ws.resolve("configure.log"));
    }

    /**
     * SkiffOS links {@code output} to the workspace itself, and its hooks and {@code bind_env.sh}
     * reach Buildroot's output as {@code $BUILDROOT_DIR/output/...}; so does Skiff.
     */
    static void outputLink(Path ws) throws IOException {
        Path link = ws.resolve("output");
        if (Files.isSymbolicLink(link)) {
            if (Files.readSymbolicLink(link).toString().equals(".")) return;
            Files.delete(link);
        } else if (Files.exists(link)) {
            throw new SkiffException(link + " exists and is not the link to the workspace that SkiffOS's hooks expect"
                    + " ($BUILDROOT_DIR/output); move it away.");
        }
        Files.createSymbolicLink(link, Path.of("."));
    }

    private static SkiffException droppedFailure(List<DroppedSymbol> fatal, Path dotConfig) {
        StringBuilder sb = new StringBuilder();
        sb.append(fatal.size()).append(fatal.size() == 1 ? " symbol" : " symbols")
                .append(" asked for by the layers did not survive Buildroot's `make defconfig` (checked against ")
                .append(dotConfig).append("):");
        for (DroppedSymbol d : fatal) sb.append("\n  ").append(d.describe());
        sb.append("\nFix the fragment (a missing dependency, or an option renamed or removed in this Buildroot),")
                .append(" or allow the symbol with -Dskiff.allowDropped=SYMBOL[,SYMBOL...].");
        return new SkiffException(sb.toString());
    }

    private static void rollback(Path fin, Path previous, Path dotConfig, Path configBackup) {
        try {
            FileTree.delete(fin);
            if (Files.exists(previous)) Files.move(previous, fin, StandardCopyOption.ATOMIC_MOVE);
            if (Files.exists(configBackup)) Files.move(configBackup, dotConfig, StandardCopyOption.REPLACE_EXISTING);
            else Files.deleteIfExists(dotConfig);
        } catch (IOException e) {
            throw new SkiffException("configure failed, and restoring the previous configuration in "
                    + fin.getParent() + " failed too: " + e.getMessage(), e);
        }
    }

    /**
     * gcc bakes the target optimisation flags in when it is configured; removing its stamps makes
     * Buildroot configure it again with the new cflags.
     */
    static boolean removeGccStamps(Path ws) throws IOException {
        Path build = ws.resolve("build");
        if (!Files.isDirectory(build)) return false;
        boolean removed = false;
        try (Stream<Path> dirs = Files.list(build)) {
            for (Path d : dirs.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("host-gcc-initial-") || n.startsWith("host-gcc-final-");
            }).toList()) {
                try (Stream<Path> stamps = Files.list(d)) {
                    for (Path s : stamps.filter(p -> p.getFileName().toString().startsWith(".stamp_")).toList()) {
                        Files.delete(s);
                        removed = true;
                    }
                }
            }
        }
        return removed;
    }

    private static void writeRequest(Path dir, String chain) throws IOException {
        Path f = dir.resolve(REQUEST_FILE);
        String text = chain.trim() + "\n";
        if (!text.equals(readIfExists(f))) Files.writeString(f, text, StandardCharsets.UTF_8);
    }

    /**
     * A workspace built for one architecture and configured for another would mix two builds:
     * Buildroot keeps its toolchain, host tools and packages and only rebuilds what it notices,
     * so the build fails late or links the old target's objects. Refused unless
     * {@code skiff.reconfigure}; the caller's rollback puts the previous configuration back.
     */
    private void refuseArchSwitch(ConfigureRequest req, Path ws, Path configBackup, DotConfig actual, String previousChain)
            throws IOException {
        if (reconfigure || !Files.isRegularFile(configBackup) || !built(ws)) return;
        String before = DotConfig.read(configBackup).value("BR2_ARCH");
        String after = actual.value("BR2_ARCH");
        if (before == null || after == null || before.equals(after)) return;
        throw new SkiffException("workspace " + req.workspace() + " (" + ws + ") was built for " + Fragment.unquote(before)
                + (previousChain == null ? "" : " (chain " + previousChain + ")") + "; chain " + req.chain() + " targets "
                + Fragment.unquote(after) + ". Buildroot would reuse the " + Fragment.unquote(before) + " toolchain and packages. Build it in a"
                + " workspace of its own (-Dskiff.workspace=<name>), remove this one first (mvn skiff:clean), or configure it"
                + " anyway with -Dskiff.reconfigure=true. Nothing was changed.");
    }

    /**
     * Whether Buildroot has built a package in {@code ws}: {@code build/} has an entry other than
     * {@code buildroot-config}, where {@code make defconfig} itself builds kconfig.
     */
    private static boolean built(Path ws) throws IOException {
        Path build = ws.resolve("build");
        if (!Files.isDirectory(build)) return false;
        try (Stream<Path> entries = Files.list(build)) {
            return entries.anyMatch(p -> !p.getFileName().toString().equals("buildroot-config"));
        }
    }

    private static String readIfExists(Path p) throws IOException {
        return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
    }
}
