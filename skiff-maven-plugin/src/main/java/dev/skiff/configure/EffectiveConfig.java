package dev.skiff.configure;

import dev.skiff.kconfig.Assignment;
import dev.skiff.kconfig.KconfigKind;
import dev.skiff.kconfig.MergedFragment;
import dev.skiff.layer.ResolvedChain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fully merged configuration of one workspace, before Buildroot sees it: the value that
 * {@code skiff:effective} prints and {@code skiff:configure} writes out.
 *
 * @param fragments what each Kconfig world asks for, last assignment winning, each traced to its
 *     layer file and line; the Buildroot one as Kconfig will read it (placeholders filled, cflags set)
 * @param files the generated files of the config directory by relative path
 *     ({@code buildroot/config}, {@code kernel/config}, ..., {@code users}, {@code cflags}),
 *     byte for byte what SkiffOS's {@code build_configs.sh} writes
 * @param omittedPlaceholders placeholder symbols left out because nothing filled them
 * @param buildTarget the make goal from the first layer with {@code metadata/buildtarget}, or null
 * @param environment the variables Buildroot, hooks and commands see on top of the base
 *     environment: SkiffOS's contract (see {@link SkiffEnvironment}) and the user's own
 *     {@code SKIFF_*} variables
 */
public record EffectiveConfig(
        String workspace,
        Path finalDir,
        ResolvedChain chain,
        List<MergeSource> sources,
        Map<KconfigKind, MergedFragment> fragments,
        Map<String, String> files,
        List<Assignment> omittedPlaceholders,
        List<Contribution> overlays,
        List<Contribution> buildrootPatchDirs,
        List<Contribution> kernelPatchDirs,
        List<Contribution> ubootPatchDirs,
        List<Contribution> usersTables,
        List<Contribution> cflagsFiles,
        String cflags,
        List<Hook> preHooks,
        List<Hook> postHooks,
        List<External> externals,
        String buildTarget,
        VersionInfo version,
        Map<String, String> environment,
        List<String> warnings) {

    public EffectiveConfig {
        fragments = Collections.unmodifiableMap(new EnumMap<>(fragments));
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        omittedPlaceholders = List.copyOf(omittedPlaceholders);
        overlays = List.copyOf(overlays);
        buildrootPatchDirs = List.copyOf(buildrootPatchDirs);
        kernelPatchDirs = List.copyOf(kernelPatchDirs);
        ubootPatchDirs = List.copyOf(ubootPatchDirs);
        usersTables = List.copyOf(usersTables);
        cflagsFiles = List.copyOf(cflagsFiles);
        preHooks = List.copyOf(preHooks);
        postHooks = List.copyOf(postHooks);
        externals = List.copyOf(externals);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        warnings = List.copyOf(warnings);
    }

    public MergedFragment fragment(KconfigKind kind) {
        return fragments.get(kind);
    }

    /** The value of {@code BR2_EXTERNAL}: the external trees, colon-separated. */
    public String br2External() {
        return String.join(":", externals.stream().map(e -> e.dir().toString()).toList());
    }

    public Path buildrootDefconfig() {
        return finalDir.resolve("buildroot/config");
    }

    public Path preBuildScript() {
        return finalDir.resolve("pre_build.sh");
    }

    public Path postBuildScript() {
        return finalDir.resolve("post_build.sh");
    }

    public Path environmentScript() {
        return finalDir.resolve("skiff-env.sh");
    }

    /** Every redefinition across the four fragment kinds, in merge order within each kind. */
    public List<dev.skiff.kconfig.Redefinition> redefinitions() {
        List<dev.skiff.kconfig.Redefinition> all = new ArrayList<>();
        for (MergedFragment f : fragments.values()) all.addAll(f.redefinitions());
        return all;
    }
}
