package dev.skiff.buildroot;

import dev.skiff.SkiffException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * {@code SOURCE_DATE_EPOCH} for a reproducible build: from {@code project.build.outputTimestamp}
 * (Maven's own reproducibility setting), else from the project's last commit.
 */
public final class SourceDateEpoch {
    private SourceDateEpoch() {}

    /** Seconds since the epoch, or null when neither source gives a time. */
    public static Long resolve(String outputTimestamp, Path projectDir) {
        if (outputTimestamp != null && !outputTimestamp.isBlank() && !outputTimestamp.trim().equals("disabled")) {
            return parse(outputTimestamp.trim());
        }
        return commitTime(projectDir);
    }

    /** Accepts what maven-archiver accepts: seconds since the epoch, or ISO-8601 with an offset. */
    static long parse(String ts) {
        if (ts.matches("\\d+")) return Long.parseLong(ts);
        try {
            return OffsetDateTime.parse(ts).toEpochSecond();
        } catch (RuntimeException e) {
            try {
                return Instant.parse(ts).getEpochSecond();
            } catch (RuntimeException e2) {
                throw new SkiffException("project.build.outputTimestamp '" + ts + "' is neither seconds since the epoch"
                        + " nor an ISO-8601 time such as 2026-01-01T00:00:00Z.");
            }
        }
    }

    static Long commitTime(Path projectDir) {
        FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(projectDir.toFile());
        if (b.getGitDir() == null) return null;
        try (Repository repo = b.build(); RevWalk walk = new RevWalk(repo)) {
            var head = repo.resolve("HEAD");
            if (head == null) return null;
            RevCommit c = walk.parseCommit(head);
            return (long) c.getCommitTime();
        } catch (Exception e) {
            return null;
        }
    }
}
