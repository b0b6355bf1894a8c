package dev.skiff.core;

/** A bind mount written {@code src:dst[:ro]}. */
public record Mount(String source, String destination, boolean readOnly) {
    @Override
    public String toString() {
        return source + ":" + destination + (readOnly ? ":ro" : "");
    }
}
