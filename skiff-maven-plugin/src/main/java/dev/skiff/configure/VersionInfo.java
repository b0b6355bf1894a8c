package dev.skiff.configure;

/**
 * What goes into {@code skiff_version}.
 *
 * @param gitDescribe {@code git describe --tags --always} of the project, or "unknown" outside git
 * @param gitCommit the project's short HEAD commit, or "unknown"
 * @param skiffosVersion the SkiffOS tree's version, or null without one
 */
public record VersionInfo(String projectVersion, String gitDescribe, String gitCommit, String skiffVersion,
                          String skiffosVersion) {
    public VersionInfo(String projectVersion, String gitDescribe, String skiffVersion) {
        this(projectVersion, gitDescribe, "unknown", skiffVersion, null);
    }

    public String render() {
        return "project=" + projectVersion + "\ngit=" + gitDescribe + "\nskiff=" + skiffVersion + "\n"
                + (skiffosVersion == null ? "" : "skiffos=" + skiffosVersion + "\n");
    }

    /** The one-line form used in /etc/issue and the environment when there is no SkiffOS tree. */
    public String oneLine() {
        return projectVersion + " (" + gitDescribe + ")";
    }
}
