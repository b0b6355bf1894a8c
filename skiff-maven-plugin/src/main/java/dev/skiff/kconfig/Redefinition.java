package dev.skiff.kconfig;

/** A symbol set again by a later fragment: {@code next} wins over {@code previous}. */
public record Redefinition(Assignment previous, Assignment next) {
    public boolean sameValue() {
        return java.util.Objects.equals(previous.value(), next.value());
    }

    public String describe() {
        return next.symbol() + ": " + previous.render() + " (" + previous.where() + ") -> "
                + next.render() + " (" + next.where() + ")" + (sameValue() ? " [same value]" : "");
    }
}
