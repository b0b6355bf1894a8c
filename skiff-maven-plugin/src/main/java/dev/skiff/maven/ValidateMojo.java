package dev.skiff.maven;

import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.LayerMerge;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks the chain, every layer name, dependency and fragment line before anything slow runs,
 * so a typo fails in a second instead of after a Buildroot run.
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VALIDATE, requiresProject = false, threadSafe = true)
public class ValidateMojo extends AbstractSkiffMojo {
    /** Skip this goal. */
    @Parameter(property = "skiff.validate.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        EffectiveConfig eff = LayerMerge.merge(request(catalog()));
        eff.warnings().forEach(getLog()::warn);
        getLog().info("Chain " + eff.chain().text() + ": " + eff.sources().size() + " sources, "
                + eff.fragment(dev.skiff.kconfig.KconfigKind.BUILDROOT).symbols().size() + " Buildroot symbols, valid.");
    }
}
