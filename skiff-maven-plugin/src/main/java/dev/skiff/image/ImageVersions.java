package dev.skiff.image;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The versions an image was built from, recorded so a device's image can be traced back to a
 * commit and a Buildroot release without the build machine.
 *
 * @param project the Maven project version
 * @param skiff the Skiff plugin version
 * @param buildroot the Buildroot release, e.g. {@code 2026.02.3}
 * @param git {@code git describe} of the project, or {@code unknown}
 */
@JsonPropertyOrder({"project", "skiff", "buildroot", "git"})
public record ImageVersions(String project, String skiff, String buildroot, String git) {
    public ImageVersions {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(skiff, "skiff");
        Objects.requireNonNull(buildroot, "buildroot");
        Objects.requireNonNull(git, "git");
    }
}
