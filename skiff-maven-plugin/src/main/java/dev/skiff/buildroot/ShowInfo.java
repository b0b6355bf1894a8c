package dev.skiff.buildroot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Buildroot's {@code make show-info}: the configured packages with versions, licences and sources. */
public final class ShowInfo {
    private ShowInfo() {}

    /**
     * Runs {@code make show-info} in the workspace and writes the JSON to {@code out}. The log
     * goes to {@code logFile} like every other run.
     */
    public static Path write(BuildrootMake make, BuildrootTree tree, Path workspaceDir, Path out, Path logFile) {
        List<String> lines = new ArrayList<>();
        MakeResult r = make.run(new MakeInvocation(tree, workspaceDir, List.of("-s", "--no-print-directory", "show-info"),
                java.util.Map.of(), logFile), lines::add);
        if (!r.succeeded()) throw r.failure("make show-info");
        StringBuilder json = new StringBuilder();
        boolean started = false;
        for (String l : lines) {
            if (!started && l.startsWith("{")) started = true;
            if (started) json.append(l).append('\n');
        }
        if (!started) throw new SkiffException("`make show-info` printed no JSON; see " + logFile);
        try {
            new ObjectMapper().readTree(json.toString());
            Files.createDirectories(out.getParent());
            Files.writeString(out, json.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkiffException("`make show-info` printed invalid JSON (" + e.getMessage() + "); see " + logFile, e);
        }
        return out;
    }

    /** Packages that will build: everything but virtual packages. */
    public static int buildablePackages(Path showInfo) {
        try {
            JsonNode root = new ObjectMapper().readTree(showInfo.toFile());
            int n = 0;
            for (JsonNode p : root) if (!p.path("virtual").asBoolean(false)) n++;
            return n;
        } catch (IOException e) {
            throw new SkiffException("cannot read " + showInfo + ": " + e.getMessage(), e);
        }
    }
}
