package dev.skiff.maven;

import dev.skiff.buildroot.BuildRequest;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.SourceDateEpoch;
import dev.skiff.configure.EffectiveConfig;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;

/** Parameters shared by the goals that run Buildroot's build targets. */
abstract class AbstractBuildMojo extends AbstractSkiffMojo {
    /** Maven's reproducibility timestamp; becomes SOURCE_DATE_EPOCH. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}", readonly = true)
    protected String outputTimestamp;

    protected Path downloadDirectory() {
        return settings().downloadDir();
    }

    protected Path ccacheDirectory() {
        return settings().ccacheDir();
    }

    protected Long sourceDateEpoch() {
        return SourceDateEpoch.resolve(outputTimestamp, basedir());
    }

    protected BuildRequest buildRequest(BuildrootTree tree, Path ws, List<String> targets, EffectiveConfig eff, Path log) {
        return new BuildRequest(tree, ws, targets, eff.environment(), downloadDirectory(), ccacheDirectory(),
                sourceDateEpoch(), session.isOffline(), log);
    }
}
