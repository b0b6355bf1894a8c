package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.WorkspaceLock;
import dev.skiff.buildroot.ShowInfo;
import dev.skiff.buildroot.SourceDateEpoch;
import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.LayerMerge;
import dev.skiff.image.BundleResult;
import dev.skiff.image.DiskImage;
import dev.skiff.image.ImageBundle;
import dev.skiff.image.ImageMetadata;
import dev.skiff.image.ImageVersions;
import dev.skiff.image.Sbom;
import dev.skiff.image.SbomSubject;
import dev.skiff.layer.LayerName;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Bundles the workspace's {@code images/} into a reproducible tar with a manifest, and attaches
 * it, the flashable disk image (if any) and a CycloneDX SBOM to the project.
 *
 * <p>Classifiers: the lifecycle's own execution ({@code default-package}) makes the main
 * artifact and attaches {@code disk} and {@code sbom}; any other execution (another board in the
 * same POM) attaches {@code <workspace>}, {@code <workspace>-disk} and {@code <workspace>-sbom}.
 */
@Mojo(name = "package", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class PackageMojo extends AbstractSkiffMojo {
    /** Overrides the classifier rule above; empty means the main artifact. */
    @Parameter(property = "skiff.classifier")
    private String classifier;

    /** Maven's reproducibility timestamp: the time stamp of every bundle entry. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}", readonly = true)
    private String outputTimestamp;

    /** Skip this goal. */
    @Parameter(property = "skiff.package.skip", defaultValue = "false")
    private boolean skip;

    @Component
    private MavenProjectHelper projectHelper;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        ConfigureRequest req = request(catalog());
        EffectiveConfig eff = LayerMerge.merge(req);
        Path ws = req.workspaceDir();
        Path images = ws.resolve("images");
        if (!Files.isDirectory(images)) {
            throw new SkiffException("workspace " + req.workspace() + " has no images (" + images
                    + "). Run skiff:compile first (the skiff packaging does this in the compile phase).");
        }
        BuildrootTree tree = buildrootTree();
        try (WorkspaceLock lock = WorkspaceLock.acquire(ws, "skiff:package")) {
            bundle(req, eff, ws, images, tree);
        }
    }

    private void bundle(ConfigureRequest req, EffectiveConfig eff, Path ws, Path images, BuildrootTree tree) {
        Long epoch = SourceDateEpoch.resolve(outputTimestamp, basedir());
        if (epoch == null) {
            getLog().warn("No project.build.outputTimestamp and no git commit: bundle entries are stamped 1970-01-01.");
            epoch = 0L;
        }
        String cls = classifier();
        String base = project.getBuild().getFinalName() + (cls.isEmpty() ? "" : "-" + cls);
        Path target = Path.of(project.getBuild().getDirectory());

        ImageMetadata meta = new ImageMetadata(
                eff.chain().names().stream().map(LayerName::toString).toList(),
                eff.chain().requested().stream().map(LayerName::toString).toList(),
                // The board is the first layer the user named: the expanded chain starts with its dependencies.
                req.workspace(), eff.chain().requested().get(0).toString(),
                new ImageVersions(project.getVersion(), plugin.getVersion(), tree.version(), req.version().gitDescribe()),
                null, "skiff-maven-plugin " + plugin.getVersion());
        BundleResult bundle = ImageBundle.write(images, meta, epoch, target.resolve(base + ".tar"));
        getLog().info("Image bundle: " + bundle.file() + " (" + bundle.manifest().files().size() + " files, "
                + bundle.bytes() / (1024 * 1024) + " MiB)");

        boolean main = cls.isEmpty() && "skiff".equals(project.getPackaging());
        if (main) {
            project.getArtifact().setFile(bundle.file().toFile());
        } else {
            projectHelper.attachArtifact(project, "tar", cls.isEmpty() ? req.workspace() : cls, bundle.file().toFile());
        }
        String prefix = main ? "" : (cls.isEmpty() ? req.workspace() : cls) + "-";

        Path disk = DiskImage.find(images);
        if (disk != null) {
            projectHelper.attachArtifact(project, "img", prefix + "disk", disk.toFile());
            getLog().info("Disk image: " + disk + " (classifier " + prefix + "disk)");
        }

        Path showInfo = ws.resolve("show-info.json");
        if (!Files.isRegularFile(showInfo)) {
            ShowInfo.write(new BuildrootMake(), tree, ws, showInfo, ws.resolve("show-info.log"));
        }
        Sbom sbom = Sbom.fromShowInfo(showInfo, SbomSubject.of(project.getArtifactId(), bundle.manifest()), epoch);
        Path sbomFile = sbom.write(target.resolve(base + "-sbom.json"));
        projectHelper.attachArtifact(project, "json", prefix + "sbom", sbomFile.toFile());
        getLog().info("SBOM: " + sbomFile + " (" + sbom.components().size() + " components, classifier " + prefix + "sbom)");
    }

    private String classifier() {
        if (classifier != null) return classifier.trim();
        String id = mojoExecution.getExecutionId();
        return "default-package".equals(id) || "default-cli".equals(id) ? "" : workspaceId();
    }
}
