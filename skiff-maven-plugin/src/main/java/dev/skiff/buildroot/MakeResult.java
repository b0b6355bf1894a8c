package dev.skiff.buildroot;

import dev.skiff.SkiffException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link MakeInvocation} ended.
 *
 * @param tail the last {@link BuildrootMake#TAIL_LINES} output lines at most, oldest first
 */
public record MakeResult(int exitCode, Path logFile, List<String> tail) {

    public MakeResult {
        Objects.requireNonNull(logFile, "logFile");
        tail = List.copyOf(tail);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * The user-facing error for a failed run; the tail usually holds the actual compiler or
     * download error, so users need not open the log for the common cases.
     *
     * @param what the step, e.g. {@code make qemu_x86_64_defconfig}
     */
    public SkiffException failure(String what) {
        StringBuilder msg = new StringBuilder("Buildroot `").append(what).append("` failed (exit ")
                .append(exitCode).append("). ");
        if (tail.isEmpty()) {
            msg.append("It printed nothing; see ").append(logFile).append('.');
        } else {
            msg.append("Last ").append(tail.size()).append(tail.size() == 1 ? " line" : " lines")
                    .append(" of ").append(logFile).append(":\n");
            msg.append(String.join("\n", tail));
        }
        return new SkiffException(msg.toString());
    }

    /** This result if it succeeded, else throws {@link #failure(String)}. */
    public MakeResult requireSuccess(String what) {
        if (!succeeded()) {
            throw failure(what);
        }
        return this;
    }
}
