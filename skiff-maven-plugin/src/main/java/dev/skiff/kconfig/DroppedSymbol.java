package dev.skiff.kconfig;

/**
 * A symbol a layer asked for that the final {@code .config} does not have as asked.
 *
 * @param actual what the final configuration has, or null when the symbol is absent or unset
 * @param excuse why it does not fail the build, or {@link Excuse#NONE} if it does
 * @param nearest for a symbol no Kconfig file of the trees defines (a typo, or an option this
 *     Buildroot does not have), the defined symbols closest to it, possibly none; null when the
 *     symbol is defined or the trees were not read
 */
public record DroppedSymbol(Assignment requested, String actual, Kind kind, Excuse excuse, java.util.List<String> nearest) {
    public DroppedSymbol {
        nearest = nearest == null ? null : java.util.List.copyOf(nearest);
    }

    public DroppedSymbol(Assignment requested, String actual, Kind kind, Excuse excuse) {
        this(requested, actual, kind, excuse, null);
    }

    public enum Kind {
        /** Asked for a value; Kconfig left the symbol unset or removed it (missing dependency, renamed, removed). */
        DROPPED,
        /** Asked for a value; Kconfig kept the symbol with another value (a choice or a range won). */
        CHANGED,
        /** Asked to be unset; something selects it anyway. */
        FORCED,
        /** An unquoted value that Kconfig skipped (it reads unquoted values only for int and hex options). */
        IGNORED,
        /** {@code # X is not set} for a string or number option, which Kconfig reads as nothing. */
        UNSET_IGNORED
    }

    /** Why a drop is reported without failing the build. */
    public enum Excuse {
        /** None: the build fails. */
        NONE,
        /** The symbol is on {@code skiff.allowDropped}. */
        ALLOWED,
        /** It comes from a layer of the SkiffOS tree, whose own {@code make configure} accepts it (unless {@code skiff.strict}). */
        SKIFFOS
    }

    public DroppedSymbol(Assignment requested, String actual, Kind kind, boolean allowed) {
        this(requested, actual, kind, allowed ? Excuse.ALLOWED : Excuse.NONE);
    }

    public boolean allowed() {
        return excuse != Excuse.NONE;
    }

    public DroppedSymbol withExcuse(Excuse e) {
        return new DroppedSymbol(requested, actual, kind, e, nearest);
    }

    /** What happened to the symbol, in words. */
    public String reason() {
        String got = actual == null ? "unset" : requested.symbol() + "=" + actual;
        return switch (kind) {
            case DROPPED -> nearest == null ? "dropped by Kconfig (unmet dependency, renamed or removed option)"
                    : "no Kconfig file of this Buildroot or the layers' external trees defines " + requested.symbol()
                    + (nearest.isEmpty() ? " (misspelt, or an option of another Buildroot release)"
                            : "; did you mean " + String.join(", ", nearest) + "?");
            case CHANGED -> "changed by Kconfig to " + got;
            case FORCED -> "forced on by another option (" + got + ")";
            case IGNORED -> "unquoted value skipped by Kconfig (now " + got + "); write " + requested.symbol()
                    + "=\"" + requested.value() + "\" if it is a string";
            case UNSET_IGNORED -> "'is not set' does nothing for a string or number option (now " + got + "); set "
                    + requested.symbol() + "=\"\" to empty it";
        };
    }

    public String describe() {
        String tag = switch (excuse) {
            case NONE -> "";
            case ALLOWED -> " [allowed]";
            case SKIFFOS -> " [SkiffOS layer]";
        };
        return requested.render() + "  from " + requested.origin() + " at " + requested.where() + ": " + reason() + tag;
    }
}
