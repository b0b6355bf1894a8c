package dev.skiff.maven;

import dev.skiff.buildroot.BuildRequest;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.SourceDateEpoch;
import dev.skiff.configure.EffectiveConfig;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;

/** Parameters shared by the goals that run Buildroot's build targets. */
abstract class AbstractBuildMojo extends AbstractSkiffMojo {
    /** Buildroot's download directory (BR2_DL_DIR), shared by every workspace. Default {@code ~/.skiff/dl}. */
    @Parameter(property = "skiff.downloadDir")
    protected File downloadDir;

    /** The shared ccache directory (BR2_CCACHE_DIR). Default {@code ~/.skiff/ccache}. */
    @Parameter(property = "skiff.ccacheDir")
    protected File ccacheDir;

    /** Maven's reproducibility timestamp; becomes SOURCE_DATE_EPOCH. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}", readonly = true)
    protected String outputTimestamp;

    protected Path downloadDirectory() {
        return downloadDir != null ? downloadDir.toPath().toAbsolutePath() : home.toPath().resolve("dl");
    }

    protected Path ccacheDirectory() {
        return ccacheDir != null ? ccacheDir.toPath().toAbsolutePath() : home.toPath().resolve("ccache");
    }

    protected Long sourceDateEpoch() {
        return SourceDateEpoch.resolve(outputTimestamp, basedir());
    }

    protected BuildRequest buildRequest(BuildrootTree tree, Path ws, List<String> targets, EffectiveConfig eff, Path log) {
        return new BuildRequest(tree, ws, targets, eff.environment(), downloadDirectory(), ccacheDirectory(),
                sourceDateEpoch(), session.isOffline(), log);
    }
}
