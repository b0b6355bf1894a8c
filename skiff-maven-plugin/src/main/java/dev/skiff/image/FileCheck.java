package dev.skiff.image;

import java.util.Objects;

/**
 * The outcome of checking one manifest entry (file or link) against the bundle's data.
 *
 * @param expected what the manifest says, e.g. {@code sha256 ab12..., 4096 bytes, mode 0644};
 *     {@code null} for {@link Status#EXTRA}
 * @param actual what the bundle holds, in the same form; {@code null} for {@link Status#MISSING}
 */
public record FileCheck(String path, Status status, String expected, String actual) {

    public enum Status {
        /** Size, checksum and mode (or link target) match the manifest. */
        OK,
        /** Present, but its content, size, mode or link target differs from the manifest. */
        CHANGED,
        /** Listed in the manifest, absent from the bundle. */
        MISSING,
        /** In the bundle, but not listed in the manifest (or present twice). */
        EXTRA
    }

    public FileCheck {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(status, "status");
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /** One line for error messages. */
    public String describe() {
        return switch (status) {
            case OK -> path + ": ok";
            case CHANGED -> path + ": changed; expected " + expected + ", found " + actual;
            case MISSING -> path + ": missing; expected " + expected;
            case EXTRA -> path + ": not in the manifest; found " + actual;
        };
    }
}
