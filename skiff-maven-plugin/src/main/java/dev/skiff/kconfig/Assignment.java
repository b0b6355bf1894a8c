package dev.skiff.kconfig;

import java.nio.file.Path;

/**
 * One Kconfig line: {@code SYM=value}, or {@code # SYM is not set} when {@code value} is null.
 *
 * @param origin the layer (or override directory) that contributed the line
 */
public record Assignment(String symbol, String value, Path file, int line, String origin) {
    public boolean isUnset() {
        return value == null;
    }

    public String render() {
        return value == null ? "# " + symbol + " is not set" : symbol + "=" + value;
    }

    public String where() {
        return file == null ? origin : file + ":" + line;
    }

    public Assignment withValue(String newValue) {
        return new Assignment(symbol, newValue, file, line, origin);
    }
}
