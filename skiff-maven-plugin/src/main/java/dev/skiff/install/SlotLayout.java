package dev.skiff.install;

import java.util.Objects;

/**
 * A layout's A/B boot slots, from its {@code slots:} block: two boot partitions that each hold a
 * whole boot set, and the bootloader mechanism that boots one of them once as a trial.
 *
 * <p>Slot a is the partition with role {@code boot} (so single-set tooling, such as the boot
 * files a re-install writes, keeps working on it unchanged), slot b the one with role
 * {@code boot-b}. The layout also has a {@code loader} partition the bootloader reads first,
 * where the switch between the slots lives: the Raspberry Pi's {@code autoboot.txt} partition, or
 * the EFI system partition holding GRUB and its {@code grubenv}. On the device,
 * {@code /usr/lib/skiff/skiff-slot} (base/pre) arms, commits and rolls back.
 *
 * @param scheme {@link #PI_TRYBOOT} or {@link #GRUB}
 * @param labelA the file system label of slot a's partition
 * @param labelB the file system label of slot b's partition
 * @param dirA where the device mounts slot a
 * @param dirB where the device mounts slot b
 */
public record SlotLayout(String scheme, String labelA, String labelB, String dirA, String dirB) {
    /** The Pi 4/5 firmware's {@code autoboot.txt} with {@code tryboot_a_b=1}. */
    public static final String PI_TRYBOOT = "pi-tryboot";
    /** GRUB's environment block: {@code next_entry} for the trial, {@code saved_entry} the default. */
    public static final String GRUB = "grub";

    public SlotLayout {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(labelA, "labelA");
        Objects.requireNonNull(labelB, "labelB");
        Objects.requireNonNull(dirA, "dirA");
        Objects.requireNonNull(dirB, "dirB");
    }

    /** The directory of slot {@code a} or {@code b} on the device. */
    public String dir(String slot) {
        return switch (slot) {
            case "a" -> dirA;
            case "b" -> dirB;
            default -> throw new IllegalArgumentException("slot " + slot);
        };
    }
}
