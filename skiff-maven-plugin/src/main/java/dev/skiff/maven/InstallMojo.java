package dev.skiff.maven;

import dev.skiff.SkiffException;
import dev.skiff.image.ImageSource;
import dev.skiff.install.BlockDevice;
import dev.skiff.install.DeviceInstall;
import dev.skiff.install.DiskLayout;
import dev.skiff.install.DiskLayoutParser;
import dev.skiff.install.ImageFileInstall;
import dev.skiff.install.InstallResult;
import dev.skiff.install.Tools;
import dev.skiff.layer.LayerCatalog;
import java.io.Console;
import java.io.File;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Writes an image to an SD card or disk ({@code -Dskiff.device=/dev/sdX}) or to a disk image
 * file ({@code -Dskiff.imageFile=out.img}), using the disk layout ({@code layout.yaml}) of the
 * last layer of the image's chain that has one.
 *
 * <p>The image is the workspace's ({@code workspaces/<ws>/images}) unless {@code -Dskiff.image}
 * names a bundle file or {@code groupId:artifactId:version[:classifier]} coordinates, which are
 * resolved from the repositories and checked against the bundle manifest before anything is
 * written. A new or empty target, or any target with {@code -Dskiff.format}, is partitioned and
 * formatted; otherwise the boot and rootfs partitions are rebuilt and persist is kept.
 *
 * <p>Writing a device refuses one that is mounted, holds the running system or is not a whole-disk
 * block device, shows its model and size, and asks for confirmation ({@code -Dskiff.yes} in batch
 * mode). Writing an image file needs no root.
 */
@Mojo(name = "install", requiresProject = false, threadSafe = true)
public class InstallMojo extends AbstractImageMojo {
    /** The whole disk to write, e.g. {@code /dev/sdb} or {@code /dev/mmcblk0}. */
    @Parameter(property = "skiff.device")
    private File device;

    /** The disk image file to write, e.g. {@code target/disk.img}; relative to the project directory. */
    @Parameter(property = "skiff.imageFile")
    private File imageFile;

    /** Size of a new image file, e.g. {@code 8G}; default the layout's {@code size}. */
    @Parameter(property = "skiff.imageSize")
    private String imageSize;

    /** Repartition and recreate every file system, persist included (erases its data). */
    @Parameter(property = "skiff.format", defaultValue = "false")
    private boolean format;

    /** Confirms writing a device without asking (required in batch mode). */
    @Parameter(property = "skiff.yes", defaultValue = "false")
    private boolean yes;

    /** Skip this goal. */
    @Parameter(property = "skiff.install.skip", defaultValue = "false")
    private boolean skip;

    @Override
    protected boolean skipped() {
        return skip;
    }

    @Override
    protected void run() {
        if ((device == null) == (imageFile == null)) {
            throw new SkiffException("skiff:install needs exactly one target" + (device != null ? ", not both" : "")
                    + ": -Dskiff.device=/dev/sdX (an SD card or disk) or -Dskiff.imageFile=disk.img (a disk image file).");
        }
        Long size = null;
        if (imageSize != null && !imageSize.isBlank()) {
            size = DiskLayoutParser.parseSize(imageSize);
            if (size < (1L << 20) || size % 512 != 0) {
                throw new SkiffException("skiff.imageSize '" + imageSize + "' is not a size: write a number with K, M, G"
                        + " or T (powers of 1024), for example -Dskiff.imageSize=8G.");
            }
        }
        LayerCatalog catalog = catalog();
        Path scratch = scratchDir();
        try (ImageSource src = imageSource(catalog)) {
            getLog().info("Image: " + src.dir() + " (board " + src.board() + ", chain " + String.join(",", src.chain())
                    + ", " + src.files().size() + " files)");
            DiskLayout layout = diskLayout(catalog, src.chain());
            getLog().info("Disk layout: " + layout.file());
            Tools tools = Tools.system();
            InstallResult r;
            if (imageFile != null) {
                Path target = basedir().resolve(imageFile.toPath()).normalize();
                r = ImageFileInstall.install(new ImageFileInstall.Request(src, layout, target, format, size), tools,
                        getLog()::info);
            } else {
                if (size != null) getLog().warn("skiff.imageSize applies to image files; a device keeps its size.");
                r = DeviceInstall.install(new DeviceInstall.Request(src, layout, device.toPath(), format, scratch),
                        BlockDevice.system(), tools, this::confirm, getLog()::info);
            }
            for (String w : r.warnings()) getLog().warn(w);
            getLog().info(r.summary());
        }
    }

    private boolean confirm(String question) {
        getLog().warn(question);
        if (yes) {
            getLog().info("Confirmed by -Dskiff.yes.");
            return true;
        }
        Console console = System.console();
        if (!session.getRequest().isInteractiveMode() || console == null) {
            throw new SkiffException("Refusing to write " + device + " without confirmation: in batch mode (-B) or"
                    + " without a terminal, add -Dskiff.yes after checking the device above.");
        }
        String answer = console.readLine("Type 'yes' to write %s: ", device);
        return answer != null && answer.trim().equalsIgnoreCase("yes");
    }
}
