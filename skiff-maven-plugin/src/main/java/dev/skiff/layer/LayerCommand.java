package dev.skiff.layer;

/** An extension command from {@code metadata/commands}, run as {@code skiff:cmd}. */
public record LayerCommand(String name, String description) {}
