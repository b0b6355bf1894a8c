package dev.skiff.maven;

import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;

/**
 * Turns {@code -Dskiff.image} into a bundle file: an existing path is used as it is; otherwise
 * {@code groupId:artifactId:version[:classifier]} is resolved from the project's repositories
 * (the local repository first, so {@code -o} works for installed images).
 */
final class ImageReference {
    private ImageReference() {}

    /** Null when {@code spec} is empty: the caller then uses the workspace. */
    static Path resolve(String spec, Path basedir, RepositorySystem system, MavenSession session, MavenProject project) {
        if (spec == null || spec.isBlank()) return null;
        String s = spec.trim();
        Path file = basedir.resolve(s);
        if (Files.isRegularFile(file)) return file;
        String[] parts = s.split(":");
        if (parts.length < 3 || parts.length > 4 || s.contains("/")) {
            throw new SkiffException("skiff.image '" + s + "' is neither an existing bundle file nor Maven coordinates"
                    + " groupId:artifactId:version[:classifier], for example com.acme:acme-os:1.0.0:pi4.");
        }
        String classifier = parts.length == 4 ? parts[3] : "";
        DefaultArtifact artifact = new DefaultArtifact(parts[0], parts[1], classifier, "tar", parts[2]);
        List<RemoteRepository> repos = project == null ? List.of() : project.getRemoteProjectRepositories();
        try {
            ArtifactResult r = system.resolveArtifact(session.getRepositorySession(), new ArtifactRequest(artifact, repos, null));
            return r.getArtifact().getFile().toPath();
        } catch (ArtifactResolutionException e) {
            throw new SkiffException("cannot resolve image " + artifact + (session.isOffline() ? " in offline mode (-o)" : "")
                    + ": " + e.getMessage().lines().findFirst().orElse("") + ". Check the coordinates and classifier"
                    + " (the main bundle has none; other boards use their workspace id).");
        }
    }
}
