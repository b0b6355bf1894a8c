package dev.skiff.install;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The disk layout of a board family, read from a layer's {@code layout.yaml} by
 * {@link DiskLayoutParser}: the partition table, the partitions in disk order, what goes into
 * each, and raw bootloader writes. {@link DiskLayouts#forChain} picks the layout of the last layer
 * in the chain that has one.
 *
 * <h2>The {@code layout.yaml} format</h2>
 *
 * <pre>
 * table: msdos              # msdos (MBR, at most 4 partitions) or gpt
 * size: 4G                  # optional: size of a new image file (-Dskiff.imageSize overrides)
 * partitions:               # in disk order; each starts on a 1 MiB boundary
 *   - label: BOOT           # file system label, and GPT partition name
 *     role: boot            # boot | rootfs | persist, each at most once
 *     filesystem: vfat      # vfat (FAT32, at least 33M) | ext4
 *     size: 1G              # bytes with K, M, G or T (powers of 1024), whole MiB; or rest
 *     type: efi             # optional: efi, linux, fat32, a GPT type GUID or an MBR id (hex)
 *     contents:             # what to copy from the images directory
 *       - from: "*.dtb"     # a glob relative to images/ ('*' stays within one directory,
 *         to: /             #   {a,b} alternatives); to ends with '/': into that directory
 *       - from: rpi-firmware/   # ends with '/': the directory's contents, into directory to
 *         to: /
 *       - from: bzImage     # to without '/' at the end: exactly this file name
 *         to: /boot/bzImage
 *         required: true    # a from that matches nothing is an error (else a warning)
 * bootloader:               # raw writes outside the partitions, after the table
 *   - file: u-boot-sunxi-with-spl.bin
 *     offset: 8K            # bytes from the start of the disk, a multiple of 512
 * slots:                    # optional: A/B boot sets ({@link SlotLayout})
 *   scheme: pi-tryboot      # pi-tryboot (autoboot.txt, Pi 4/5) | grub (grubenv next_entry)
 *   a: BOOTA                # label of the role boot partition: slot a
 *   b: BOOTB                # label of the role boot-b partition: slot b (no contents: a copy of a's)
 *   dirs: {a: /mnt/boot-a, b: /mnt/boot-b}   # where the device mounts them
 * </pre>
 *
 * <p>A layout with {@code slots:} also has one partition with role {@code loader}, which the
 * bootloader reads first: the install writes the slot switch there ({@code autoboot.txt}, or
 * {@code EFI/BOOT/grubenv}) with slot a as the default. For {@code pi-tryboot} it must be the
 * first partition, and all three are vfat.
 *
 * <p>Rules: a {@code rest} size only on the last partition (it fills the disk); labels unique;
 * FAT labels at most 11 characters, upper case; ext4 labels at most 16. When several rules put a
 * file at the same place the later rule wins (and the install reports it). Default partition
 * types: FAT is {@code c} (msdos) or Microsoft basic data (gpt), ext4 is {@code 83} or Linux
 * file system.
 *
 * <h2>What an install does with it</h2>
 *
 * <p>Format (a new target, or {@code -Dskiff.format}) writes the table and creates every file
 * system with its contents. A re-install over a target whose table matches the layout rebuilds
 * the boot and rootfs partitions and keeps persist byte for byte, except for the files the
 * persist partition's own content rules name: those are replaced inside the existing file system
 * (intel/desktop keeps its kernels in persist's {@code boot/}), all other data stays.
 *
 * @param file the {@code layout.yaml} it was read from (named in errors)
 * @param size the default size of a new image file, or null if the layout gives none
 */
public record DiskLayout(Path file, Table table, Long size, List<Partition> partitions,
                         List<BootloaderWrite> bootloader, PushTarget push, SlotLayout slotLayout) {

    /** The partition table type, with its name in layout files and in sfdisk scripts. */
    public enum Table {
        MSDOS("msdos", "dos"),
        GPT("gpt", "gpt");

        private final String yamlName;
        private final String sfdiskName;

        Table(String yamlName, String sfdiskName) {
            this.yamlName = yamlName;
            this.sfdiskName = sfdiskName;
        }

        public String yamlName() {
            return yamlName;
        }

        /** The label sfdisk writes and reports ({@code dos} or {@code gpt}). */
        public String sfdiskName() {
            return sfdiskName;
        }
    }

    public DiskLayout {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(table, "table");
        partitions = List.copyOf(partitions);
        bootloader = List.copyOf(bootloader);
    }

    /** A layout without A/B slots. */
    public DiskLayout(Path file, Table table, Long size, List<Partition> partitions,
                      List<BootloaderWrite> bootloader, PushTarget push) {
        this(file, table, size, partitions, bootloader, push, null);
    }

    /** The A/B boot slots, if the layout declares them ({@code slots:}). */
    public Optional<SlotLayout> slots() {
        return Optional.ofNullable(slotLayout);
    }

    /** The 1-based number of {@code p} in the partition table (the Pi firmware's boot_partition). */
    public int number(Partition p) {
        int i = partitions.indexOf(p);
        if (i < 0) throw new IllegalArgumentException(p + " is not in " + file);
        return i + 1;
    }

    /** The partition with {@code role}, if the layout has one. */
    public Optional<Partition> partition(Partition.Role role) {
        return partitions.stream().filter(p -> p.role() == role).findFirst();
    }

    /** The sum of the fixed partition sizes plus alignment: the smallest disk that can hold it. */
    public long minimumDiskSize() {
        long end = PartitionTable.FIRST_PARTITION;
        for (Partition p : partitions) {
            end = PartitionTable.alignUp(end) + (p.size() == null ? PartitionTable.MIB : p.size());
        }
        return end + PartitionTable.TAIL_RESERVE;
    }
}
