package dev.skiff.ota;

/** What a push tells its caller while it runs. Both methods may be called from the pushing thread only. */
public interface PushProgress {
    PushProgress NONE = new PushProgress() { };

    /** A step, one line for the build log. */
    default void step(String message) { }

    /**
     * Bytes of one upload written so far, after every block. Throwing aborts the push as an
     * interruption would (tests use this to cut the connection mid-transfer).
     */
    default void uploaded(String path, long bytes, long size) { }
}
