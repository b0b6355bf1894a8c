package dev.skiff.kconfig;

/** The four Kconfig worlds a layer can carry fragments for, by their directory name. */
public enum KconfigKind {
    BUILDROOT("buildroot", "BR2_"),
    KERNEL("kernel", "CONFIG_"),
    UBOOT("uboot", "CONFIG_"),
    BUSYBOX("busybox", "CONFIG_");

    private final String directory;
    private final String prefix;

    KconfigKind(String directory, String prefix) {
        this.directory = directory;
        this.prefix = prefix;
    }

    /** The layer sub-directory holding these fragments. */
    public String directory() {
        return directory;
    }

    /** Every symbol of this kind starts with it. */
    public String prefix() {
        return prefix;
    }
}
