package dev.skiff.install;

/**
 * What {@code skiff:push} upgrades on a running device, from a layout's {@code push:} block:
 * the files the layout puts under {@code from} in the partition with {@code role}, sent to
 * {@code dir}, where the device mounts that directory.
 *
 * @param from a directory inside the partition, {@code /}-separated, starting with {@code /}
 * @param dir the absolute directory on the device
 */
public record PushTarget(Partition.Role role, String from, String dir, int line) {}
