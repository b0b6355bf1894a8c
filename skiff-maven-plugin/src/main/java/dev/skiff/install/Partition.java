package dev.skiff.install;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One partition of a {@link DiskLayout}.
 *
 * @param label the file system label (and the GPT partition name)
 * @param size bytes, a whole number of MiB; {@code null} for {@code rest}: up to the end of the disk
 * @param type the partition type as sfdisk takes it: a GPT type GUID or an MBR id in hex
 * @param contents what is copied into the new file system, in order
 * @param line where it starts in the layout file
 */
public record Partition(String label, Role role, Filesystem filesystem, Long size, String type,
                        List<ContentRule> contents, int line) {

    /** What the partition is for; decides what a re-install rewrites. */
    public enum Role {
        /** Boot files (slot a of an A/B layout); rebuilt on every install. */
        BOOT,
        /** Slot b of an A/B layout ({@link SlotLayout}); rebuilt on every install, as a copy of slot a. */
        BOOT_B,
        /**
         * The partition the bootloader reads first to pick a slot of an A/B layout (the Pi's
         * {@code autoboot.txt}, GRUB's EFI system partition); rebuilt on every install, which resets
         * the default to slot a.
         */
        LOADER,
        /** The system partition; rebuilt on every install. */
        ROOTFS,
        /** User data and containers; created on format, kept on re-install. */
        PERSIST;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The role named {@code yamlName} in a layout file ({@code boot-b} ...). */
        static Role ofYamlName(String yamlName) {
            return valueOf(yamlName.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** The file system created in the partition. */
    public enum Filesystem {
        /** FAT32, as Raspberry Pi firmware and UEFI read it. */
        VFAT,
        EXT4;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Partition {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(filesystem, "filesystem");
        Objects.requireNonNull(type, "type");
        contents = List.copyOf(contents);
    }

    /** True for the partitions a re-install rebuilds from scratch. */
    public boolean rebuiltOnReinstall() {
        return role != Role.PERSIST;
    }

    @Override
    public String toString() {
        return label + " (" + role.yamlName() + ", " + filesystem.yamlName() + ")";
    }
}
