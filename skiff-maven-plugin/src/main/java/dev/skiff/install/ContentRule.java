package dev.skiff.install;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One {@code contents} entry of a partition: image files to copy into its file system.
 *
 * @param from a glob relative to the images directory, or a directory ending with {@code /}
 *     whose contents are copied
 * @param to an absolute path in the partition: a directory if it ends with {@code /} (or
 *     {@code from} is a directory), else the name of the one file {@code from} must match
 * @param required true if {@code from} matching nothing is an error rather than a warning
 * @param file the layout file, and {@code line} the line of the entry, for errors
 */
public record ContentRule(String from, String to, boolean required, Path file, int line) {
    public ContentRule {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }

    /** {@code from} names a directory whose contents are copied. */
    public boolean directoryContents() {
        return from.endsWith("/");
    }

    /** {@code to} names a directory that matches are copied into. */
    public boolean intoDirectory() {
        return to.endsWith("/") || directoryContents();
    }

    /** {@code file:line} for messages. */
    public String where() {
        return file + ":" + line;
    }
}
