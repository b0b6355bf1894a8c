package dev.skiff.install;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bootloader's slot switch as a fresh install writes it onto the {@code loader} partition of
 * an A/B layout: slot a the default, no trial armed. The device's {@code skiff-slot} changes it
 * later (README "Slots and update states").
 */
public final class SlotSwitch {
    /** Where {@code pi-tryboot} keeps the switch: the Pi 4/5 firmware reads it from partition 1. */
    public static final String AUTOBOOT = "/autoboot.txt";
    /** Where {@code grub} keeps it: beside grub.cfg, which loads it with {@code load_env -f}. */
    public static final String GRUBENV = "/EFI/BOOT/grubenv";
    /** GRUB's environment block is exactly this long (GRUB manual, "Environment block"). */
    static final int GRUBENV_SIZE = 1024;

    private SlotSwitch() {}

    /** The files (absolute path in the loader partition to contents) of a fresh install. */
    public static Map<String, byte[]> initialFiles(DiskLayout layout) {
        SlotLayout slots = layout.slots().orElseThrow();
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (slots.scheme().equals(SlotLayout.PI_TRYBOOT)) {
            int a = layout.number(layout.partition(Partition.Role.BOOT).orElseThrow());
            int b = layout.number(layout.partition(Partition.Role.BOOT_B).orElseThrow());
            out.put(AUTOBOOT, autoboot(a, b).getBytes(StandardCharsets.US_ASCII));
        } else {
            out.put(GRUBENV, grubenv(Map.of("saved_entry", "slot-a")));
        }
        return out;
    }

    /**
     * {@code autoboot.txt} with partition {@code defaultPart} booted normally and {@code trialPart}
     * on a tryboot reboot; the same text {@code skiff-slot} writes.
     */
    public static String autoboot(int defaultPart, int trialPart) {
        return "[all]\ntryboot_a_b=1\nboot_partition=" + defaultPart + "\n[tryboot]\nboot_partition=" + trialPart + "\n";
    }

    /**
     * A GRUB environment block: the header line, {@code name=value} lines, padded with {@code #}
     * to 1024 bytes, as grub-editenv writes it.
     */
    public static byte[] grubenv(Map<String, String> vars) {
        StringBuilder sb = new StringBuilder("# GRUB Environment Block\n");
        vars.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        if (text.length > GRUBENV_SIZE) throw new IllegalArgumentException("grubenv longer than " + GRUBENV_SIZE + " bytes");
        byte[] block = Arrays.copyOf(text, GRUBENV_SIZE);
        Arrays.fill(block, text.length, GRUBENV_SIZE, (byte) '#');
        return block;
    }
}
