package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.image.BundleCheck;
import dev.skiff.image.BundleSignature;
import dev.skiff.image.SignatureCheck;
import dev.skiff.image.FileCheck;
import dev.skiff.image.ImageBundle;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks an image bundle against its own manifest: every file's size and SHA-256, nothing missing,
 * nothing extra; and its signature: reported, and with {@code skiff.trustedKeys} required to be by one
 * of those keys. The bundle is a file or Maven coordinates, resolved like any artifact.
 */
@Mojo(name = "verify", requiresProject = false, threadSafe = true)
public class VerifyMojo extends AbstractImageMojo {
    /** Skip this goal. */
    @Parameter(property = "skiff.verify.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        if (image == null || image.isBlank()) {
            throw new SkiffException("skiff:verify needs -Dskiff.image=<bundle file | groupId:artifactId:version[:classifier]>.");
        }
        Path bundle = ImageReference.resolve(image, basedir(), repositorySystem, session, project);
        // The signature first: it reads only the small entries, so a foreign bundle is refused at once.
        SignatureCheck signature = BundleSignature.check(bundle, trustedKeys());
        getLog().info(signature.describe());
        BundleCheck check = ImageBundle.check(bundle);
        getLog().info("Image " + bundle + ": board " + check.manifest().board() + ", chain "
                + String.join(",", check.manifest().chain()) + ", project " + check.manifest().versions().project());
        for (FileCheck f : check.files()) {
            if (f.ok()) getLog().info("  " + f.describe());
            else getLog().error("  " + f.describe());
        }
        check.requireValid();
        getLog().info("All " + check.files().size() + " entries match the manifest.");
    }
}
