package dev.skiff.buildroot;

import dev.skiff.SkiffException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Buildroot in a workspace: the shared download and ccache directories, a reproducible
 * {@code SOURCE_DATE_EPOCH}, offline enforcement, progress, and a failure message that names
 * the package and step instead of leaving the user to dig through the log.
 */
public final class BuildrootBuild {
    /** Every Buildroot download method; offline, each is replaced by the refusing script. */
    static final List<String> DOWNLOAD_TOOLS = List.of(
            "BR2_WGET", "BR2_CURL", "BR2_GIT", "BR2_HG", "BR2_SVN", "BR2_BZR", "BR2_CVS", "BR2_SCP", "BR2_SFTP");
    /** The resource that refuses downloads; it prints {@link #OFFLINE_MARK} lines. */
    static final String OFFLINE_SCRIPT = "offline-download.sh";
    static final String OFFLINE_MARK = "skiff-offline:";
    private static final Pattern OFFLINE_LINE = Pattern.compile(".*" + OFFLINE_MARK + " refusing to download (\\S+).*");
    private static final Pattern DOWNLOAD_FAILURE = Pattern.compile(
            "(?i).*(unable to resolve host|could not resolve|name or service not known|temporary failure in name resolution"
                    + "|network is unreachable|connection refused|failed to connect|no route to host).*");

    private final BuildrootMake make;

    public BuildrootBuild(BuildrootMake make) {
        this.make = make;
    }

    /**
     * Runs the build; {@code progress} receives "[ n/total] pkg version step" lines, {@code raw}
     * every output line. Throws a {@link SkiffException} that names the failing package.
     */
    public MakeResult run(BuildRequest req, int totalPackages, Consumer<String> progress, Consumer<String> raw) {
        BuildProgress bp = new BuildProgress(totalPackages);
        List<String> recent = new ArrayList<>();
        MakeResult r = make.run(invocation(req), line -> {
            raw.accept(line);
            if (line.contains(OFFLINE_MARK)) recent.add(line);
            String p = bp.update(line);
            if (p != null) progress.accept(p);
        });
        if (!r.succeeded()) throw failure(req, r, bp.last(), recent);
        return r;
    }

    MakeInvocation invocation(BuildRequest req) {
        List<String> args = new ArrayList<>();
        if (req.offline()) {
            Path script = offlineScript(req.workspaceDir());
            for (String tool : DOWNLOAD_TOOLS) args.add(tool + "=" + script);
        }
        args.addAll(req.targets());
        return new MakeInvocation(req.tree(), req.workspaceDir(), args, environment(req), req.logFile());
    }

    /** The variables Buildroot documents as overriding its configuration from the environment. */
    static Map<String, String> environment(BuildRequest req) {
        Map<String, String> env = new LinkedHashMap<>(req.environment());
        env.put("BR2_DL_DIR", req.downloadDir().toString());
        env.put("BR2_CCACHE_DIR", req.ccacheDir().toString());
        if (req.sourceDateEpoch() != null) env.put("SOURCE_DATE_EPOCH", Long.toString(req.sourceDateEpoch()));
        return env;
    }

    /** Installs the refusing download tool (the resource {@code offline-download.sh}) in the workspace. */
    static Path offlineScript(Path ws) {
        return ShippedScript.install(OFFLINE_SCRIPT, ws.resolve(".skiff/offline-download"));
    }

    static SkiffException failure(BuildRequest req, MakeResult r, ProgressLine last, List<String> offlineLines) {
        String where = last == null ? "before any package started"
                : last.isPackageStep() ? "in package " + last.packageLabel() + ", step " + last.stepLowerCase()
                : "in step '" + last.step() + "'";
        String tail = "Last " + r.tail().size() + " lines of " + r.logFile() + ":\n" + String.join("\n", r.tail());
        if (!offlineLines.isEmpty()) {
            String file = "a source";
            Matcher m = OFFLINE_LINE.matcher(offlineLines.get(offlineLines.size() - 1));
            if (m.matches()) file = m.group(1).replaceAll(".*/", "");
            String pkg = last != null && last.isPackageStep() ? last.pkg() : "a package";
            return new SkiffException("Offline (-o): Buildroot needs to download " + file + " for package " + pkg
                    + " and may not. Run `mvn skiff:source` once while online (it fills " + req.downloadDir()
                    + "), or put the file there yourself, then build offline again.\n" + tail);
        }
        boolean downloading = last != null && last.isPackageStep() && last.step().startsWith("Downloading");
        if (downloading) {
            boolean network = r.tail().stream().anyMatch(l -> DOWNLOAD_FAILURE.matcher(l).matches());
            return new SkiffException("Buildroot could not download the sources of package " + last.packageLabel()
                    + (network ? ": the network is unreachable. " : ". ")
                    + "Check the network or proxy, or fill " + req.downloadDir() + " with `mvn skiff:source` on a connected"
                    + " machine and build with -o.\n" + tail);
        }
        return new SkiffException("Buildroot failed " + where + " (exit " + r.exitCode() + ").\n" + tail);
    }
}
