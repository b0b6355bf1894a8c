package dev.skiff.kconfig;

/**
 * A symbol a layer asked for that the final {@code .config} does not have as asked.
 *
 * @param actual what the final configuration has, or null when the symbol is absent or unset
 * @param allowed whether the allow-list excuses it
 */
public record DroppedSymbol(Assignment requested, String actual, Kind kind, boolean allowed) {
    public enum Kind {
        /** Asked for a value; Kconfig left the symbol unset or removed it (missing dependency, renamed, removed). */
        DROPPED,
        /** Asked for a value; Kconfig kept the symbol with another value (a choice or a range won). */
        CHANGED,
        /** Asked to be unset; something selects it anyway. */
        FORCED
    }

    public String describe() {
        String got = actual == null ? "unset" : requested.symbol() + "=" + actual;
        String what = switch (kind) {
            case DROPPED -> "dropped by Kconfig (unmet dependency, renamed or removed option)";
            case CHANGED -> "changed by Kconfig to " + got;
            case FORCED -> "forced on by another option (" + got + ")";
        };
        return requested.render() + "  from " + requested.origin() + " at " + requested.where()
                + ": " + what + (allowed ? " [allowed]" : "");
    }
}
