package dev.skiff.image;

import java.util.List;
import java.util.Objects;

/**
 * What the caller knows about an image that the images directory itself cannot tell: how it was
 * configured and by what. {@link ImageBundle#write} adds the file list and checksums.
 *
 * @param chain the expanded layer chain, in merge order
 * @param requestedChain the chain as the user wrote it
 * @param board the board the image is for; {@code null} means the first layer of the chain,
 *     which is the board layer by SkiffOS convention ({@code pi/4,skiff/core})
 * @param diskImage the flashable disk image, relative to the images directory; {@code null}
 *     means {@link DiskImage#find} decides
 * @param createdBy the tool and version that built the bundle, e.g. {@code skiff-maven-plugin
 *     0.1.0}
 */
public record ImageMetadata(
        List<String> chain,
        List<String> requestedChain,
        String workspace,
        String board,
        ImageVersions versions,
        String diskImage,
        String createdBy) {

    public ImageMetadata {
        chain = List.copyOf(chain);
        requestedChain = List.copyOf(requestedChain);
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(versions, "versions");
        Objects.requireNonNull(createdBy, "createdBy");
        if (board == null) {
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("no board given and the chain is empty");
            }
            board = chain.get(0);
        }
    }
}
