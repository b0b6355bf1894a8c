package dev.skiff.maven;

import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.LayerMerge;
import dev.skiff.configure.MergeSource;
import dev.skiff.core.CoreConfig;
import dev.skiff.core.CoreConfigFiles;
import dev.skiff.core.CoreConfigParser;
import dev.skiff.kconfig.KconfigKind;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks the chain, every layer name, dependency and fragment line, and every skiff-core config
 * the layers ship, before anything slow runs: a typo fails in a second, not after a build.
 * With {@code -Dskiff.coreConfig=<file>} it checks that one skiff-core file instead.
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VALIDATE, requiresProject = false, threadSafe = true)
public class ValidateMojo extends AbstractSkiffMojo {
    /** A skiff-core YAML file to validate on its own (for example the copy on a device's persist partition). */
    @Parameter(property = "skiff.coreConfig")
    private File coreConfig;

    /** Skip this goal. */
    @Parameter(property = "skiff.validate.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        if (coreConfig != null) {
            CoreConfig c = CoreConfigParser.parse(coreConfig.toPath().toAbsolutePath());
            getLog().info(coreConfig + ": valid (" + c.containers().size() + " containers, " + c.users().size()
                    + " users, " + c.images().size() + " images).");
            return;
        }
        EffectiveConfig eff = LayerMerge.merge(request(catalog()));
        eff.warnings().forEach(getLog()::warn);
        List<CoreConfig> cores = CoreConfigFiles.validate(eff.sources().stream().map(MergeSource::dir).toList());
        getLog().info("Chain " + eff.chain().text() + ": " + eff.sources().size() + " sources, "
                + eff.fragment(KconfigKind.BUILDROOT).symbols().size() + " Buildroot symbols, "
                + cores.size() + " skiff-core config(s), valid.");
    }
}
