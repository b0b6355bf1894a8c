package dev.skiff.configure;

/**
 * What goes into {@code skiff_version}.
 *
 * @param gitDescribe {@code git describe --tags --always} of the project, or "unknown" outside git
 */
public record VersionInfo(String projectVersion, String gitDescribe, String skiffVersion) {
    public String render() {
        return "project=" + projectVersion + "\ngit=" + gitDescribe + "\nskiff=" + skiffVersion + "\n";
    }

    /** The one-line form used in /etc/issue and the environment. */
    public String oneLine() {
        return projectVersion + " (" + gitDescribe + ")";
    }
}
