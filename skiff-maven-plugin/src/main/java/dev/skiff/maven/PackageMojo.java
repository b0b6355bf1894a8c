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
import dev.skiff.sign.SigningKey;
import dev.skiff.sign.SigningServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Bundles the workspace's {@code images/} into a reproducible tar with a manifest, and attaches
 * it, the flashable disk image (if any) and a CycloneDX SBOM to the project.
 *
 * <p>Classifiers: the lifecycle's own execution ({@code default-package}) makes the main
 * artifact and attaches {@code disk} and {@code sbom}; any other execution (another board in the
 * same POM) attaches {@code <workspace>}, {@code <workspace>-disk} and {@code <workspace>-sbom}.
 * A signed bundle ({@code skiff.signingKey} or {@code skiff.signingServerId}) also attaches its
 * signature, type {@code sig}, classifier {@code signature} (or {@code <workspace>-signature}).
 */
@Mojo(name = "package", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class PackageMojo extends AbstractSkiffMojo {
    /** Overrides the classifier rule above; empty means the main artifact. */
    @Parameter(property = "skiff.classifier")
    private String classifier;

    /** Maven's reproducibility timestamp: the time stamp of every bundle entry. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}", readonly = true)
    private String outputTimestamp;

    /**
     * Signs the bundle with this Ed25519 private key: a PKCS#8 PEM file ({@code openssl genpkey
     * -algorithm ed25519}), plain, or encrypted with the {@code <passphrase>} of the settings.xml
     * server named by {@code skiff.signingServerId}.
     */
    @Parameter(property = "skiff.signingKey")
    private File signingKey;

    /**
     * Signs the bundle with the key of this settings.xml {@code <server>}: its {@code <privateKey>}
     * is the PEM file (unless {@code skiff.signingKey} is set), its {@code <passphrase>} (encrypted
     * the Maven way, {@code mvn --encrypt-password}) decrypts it.
     */
    @Parameter(property = "skiff.signingServerId")
    private String signingServerId;

    /** Skip this goal. */
    @Parameter(property = "skiff.package.skip", defaultValue = "false")
    private boolean skip;

    @Component
    private MavenProjectHelper projectHelper;

    @Component
    private SettingsDecrypter settingsDecrypter;

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
        SigningKey key = signingKey();
        BundleResult bundle = ImageBundle.write(images, meta, epoch, target.resolve(base + ".tar"), key);
        getLog().info("Image bundle: " + bundle.file() + " (" + bundle.manifest().files().size() + " files, "
                + bundle.bytes() / (1024 * 1024) + " MiB" + (key == null ? ", not signed" : ", signed with " + key.file())
                + ")");

        boolean main = cls.isEmpty() && "skiff".equals(project.getPackaging());
        if (main) {
            project.getArtifact().setFile(bundle.file().toFile());
        } else {
            projectHelper.attachArtifact(project, "tar", cls.isEmpty() ? req.workspace() : cls, bundle.file().toFile());
        }
        String prefix = main ? "" : (cls.isEmpty() ? req.workspace() : cls) + "-";

        if (bundle.signature() != null) {
            // The bundle's own skiff-image.sig, beside it in the repository: which bundles were signed shows
            // without downloading them, and it checks against the bundle's skiff-image.sha256.
            Path sig = target.resolve(base + "-signature.sig");
            try {
                Files.write(sig, bundle.signature().signature());
            } catch (IOException e) {
                throw new SkiffException("cannot write " + sig + ": " + e.getMessage(), e);
            }
            projectHelper.attachArtifact(project, "sig", prefix + "signature", sig.toFile());
            getLog().info("Signature: " + sig + " (classifier " + prefix + "signature)");
        }

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

    /**
     * The key of skiff.signingKey / skiff.signingServerId. Maven decrypts the server entry; the engine
     * gets plain values and says what is wrong with them.
     */
    private SigningKey signingKey() {
        // -D wins over the POM, as for every skiff.* parameter (Maven alone would let the POM win).
        String cliKey = session.getUserProperties().getProperty("skiff.signingKey");
        String signingServerId = session.getUserProperties().getProperty("skiff.signingServerId", this.signingServerId);
        Path file = cliKey != null ? (cliKey.isBlank() ? null : basedir().resolve(cliKey.strip()).normalize())
                : signingKey == null ? null : basedir().resolve(signingKey.toPath()).normalize();
        SigningServer server = null;
        if (signingServerId != null && !signingServerId.isBlank()) {
            Server s = session.getSettings().getServer(signingServerId.strip());
            if (s != null) {
                SettingsDecryptionResult r = settingsDecrypter.decrypt(new DefaultSettingsDecryptionRequest(s));
                if (!r.getProblems().isEmpty()) {
                    throw new SkiffException("Cannot decrypt the settings.xml <server> '" + s.getId() + "' named by"
                            + " skiff.signingServerId: " + r.getProblems().get(0).getMessage() + ". Check its"
                            + " <passphrase> and ~/.m2/settings-security.xml.");
                }
                Server d = r.getServer();
                server = new SigningServer(d.getId(), d.getPrivateKey(), d.getPassphrase());
            }
        }
        return SigningKey.resolve(file, signingServerId, server);
    }

    private String classifier() {
        if (classifier != null) return classifier.trim();
        String id = mojoExecution.getExecutionId();
        return "default-package".equals(id) || "default-cli".equals(id) ? "" : workspaceId();
    }
}
