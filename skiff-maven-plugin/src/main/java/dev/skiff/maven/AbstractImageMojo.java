package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.image.ImageSource;
import dev.skiff.layer.ChainExpansion;
import dev.skiff.layer.LayerCatalog;
import dev.skiff.layer.LayerName;
import dev.skiff.sign.TrustedKeys;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;

/** The goals that take an image: the workspace's {@code images/}, a bundle file, or coordinates. */
abstract class AbstractImageMojo extends AbstractSkiffMojo {
    /**
     * The image: empty for the workspace's {@code images/}, else a bundle file or
     * {@code groupId:artifactId:version[:classifier]} resolved from the repositories.
     */
    @Parameter(property = "skiff.image")
    protected String image;

    /**
     * A file of PEM public keys ({@code -----BEGIN PUBLIC KEY-----}, Ed25519, one or more). When set,
     * only bundles signed by one of them are accepted, checked before anything is written; when not,
     * any bundle is accepted and the log says whether it is signed.
     */
    @Parameter(property = "skiff.trustedKeys")
    protected File trustedKeys;

    @Component
    protected RepositorySystem repositorySystem;

    /** The keys of {@code skiff.trustedKeys}, or null when it is not set. */
    protected TrustedKeys trustedKeys() {
        // -D wins over the POM, as for every skiff.* parameter (Maven alone would let the POM win).
        String cli = session.getUserProperties().getProperty("skiff.trustedKeys");
        Path file = cli != null ? (cli.isBlank() ? null : Path.of(cli.strip()))
                : trustedKeys == null ? null : trustedKeys.toPath();
        if (cli != null && cli.isBlank() && trustedKeys != null) {
            // Allowed (a one-off check of an unsigned bundle), but never silently.
            getLog().warn("-Dskiff.trustedKeys= is empty: the POM's trusted keys (" + trustedKeys
                    + ") are NOT required for this run; any bundle, signed or not, is accepted.");
        }
        return file == null ? null : TrustedKeys.load(basedir().resolve(file).normalize());
    }

    /**
     * The image to use. A bundle's signature is checked against {@code skiff.trustedKeys} first, then
     * it is extracted into scratch space and checked against its manifest on the way, so a damaged,
     * unsigned or foreign one is refused before anything is written to a disk or device.
     */
    protected ImageSource imageSource(LayerCatalog catalog) {
        Path bundle = ImageReference.resolve(image, basedir(), repositorySystem, session, project);
        TrustedKeys trusted = trustedKeys();
        if (bundle != null) {
            getLog().info("Extracting and verifying " + bundle);
            return ImageSource.fromBundle(bundle, scratchDir(), trusted, getLog()::info);
        }
        return ImageSource.fromDirectory(workspaceDir(workspaceId()).resolve("images"), workspaceChain(catalog), workspaceBoard(),
                trusted);
    }

    /**
     * The board of the workspace's build: the first layer of the chain it was configured with
     * ({@code skiff/skiff_request}), so board and chain come from one build; without that record
     * (a workspace configured by an older plugin, or none yet) the first layer of the configured chain.
     */
    protected String workspaceBoard() {
        Path request = workspaceDir(workspaceId()).resolve("skiff").resolve(dev.skiff.configure.Configure.REQUEST_FILE);
        String c;
        String source;
        try {
            c = Files.isRegularFile(request) ? Files.readString(request).trim() : chain();
            source = Files.isRegularFile(request) ? request.toString() : chainSource();
        } catch (IOException e) {
            throw new SkiffException("cannot read " + request + ": " + e.getMessage(), e);
        }
        return c == null || c.isBlank() ? null : ChainExpansion.parse(c, source).get(0).toString();
    }

    /** The workspace's chain as built ({@code skiff/skiff_config}), else the configured one expanded, else none. */
    protected List<String> workspaceChain(LayerCatalog catalog) {
        Path built = workspaceDir(workspaceId()).resolve("skiff/skiff_config");
        if (Files.isRegularFile(built)) {
            try {
                return Arrays.stream(Files.readString(built).trim().split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
            } catch (IOException e) {
                throw new SkiffException("cannot read " + built + ": " + e.getMessage(), e);
            }
        }
        String c = chain();
        if (c == null || c.isBlank()) return List.of();
        return ChainExpansion.expand(c, chainSource(), catalog).names().stream().map(LayerName::toString).toList();
    }

    /** Scratch space for extracted bundles: beside the POM if there is one, else in ~/.skiff. */
    protected Path scratchDir() {
        if (project != null && project.getFile() != null) return basedir().resolve("target/skiff-scratch");
        return settings().home().resolve("scratch");
    }
}
