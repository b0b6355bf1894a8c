package dev.skiff;

/**
 * A failure the user can act on: bad input, a missing tool, a failed Buildroot step.
 *
 * <p>The message is complete on its own (file, line, nearest valid alternative), so the mojos
 * report it without a stack trace. Programming errors stay ordinary exceptions.
 */
public class SkiffException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SkiffException(String message) {
        super(message);
    }

    public SkiffException(String message, Throwable cause) {
        super(message, cause);
    }
}
