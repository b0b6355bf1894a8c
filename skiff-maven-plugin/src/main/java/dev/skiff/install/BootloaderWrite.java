package dev.skiff.install;

import java.util.Objects;

/**
 * A raw write of a bootloader file at a fixed place on the disk, outside the partitions (for
 * example U-Boot with SPL at 8 KiB on Allwinner boards).
 *
 * @param file relative to the images directory
 * @param offset bytes from the start of the disk, a multiple of 512
 * @param line where it is declared in the layout file
 */
public record BootloaderWrite(String file, long offset, int line) {
    public BootloaderWrite {
        Objects.requireNonNull(file, "file");
    }
}
