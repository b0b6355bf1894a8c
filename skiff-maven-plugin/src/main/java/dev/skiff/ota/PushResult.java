package dev.skiff.ota;

/**
 * What a push or rollback did.
 *
 * @param action what happened to the active set
 * @param bootDir the remote boot directory
 * @param files files in the (new) active set
 * @param uploadedFiles files sent over the network
 * @param uploadedBytes bytes sent over the network
 * @param copiedOnDevice unchanged files copied from the active set into the staging set on the device
 * @param resumed files already complete in the staging set from an interrupted push
 * @param recovered true if an interrupted switch-over was completed first
 */
public record PushResult(Action action, String bootDir, int files, int uploadedFiles, long uploadedBytes,
                         int copiedOnDevice, int resumed, boolean recovered) {
    public enum Action {
        /** The new set is active; the previous one is the backup. */
        SWITCHED,
        /** The device already had exactly this set; nothing changed, the backup is untouched. */
        UP_TO_DATE,
        /** The backup is active again; the set that was active is now the backup. */
        ROLLED_BACK
    }

    public String summary() {
        String rec = recovered ? " (after completing an interrupted switch-over)" : "";
        return switch (action) {
            case UP_TO_DATE -> "Device is up to date: all " + files + " files in " + bootDir + " match; nothing transferred" + rec + ".";
            case ROLLED_BACK -> "Rolled back " + bootDir + " to the previous set (" + files + " files); the replaced set is now"
                    + " the backup" + rec + ".";
            case SWITCHED -> "Switched " + bootDir + " to the new set (" + files + " files): transferred " + uploadedFiles + " file"
                    + (uploadedFiles == 1 ? "" : "s") + " (" + human(uploadedBytes) + "), " + copiedOnDevice
                    + " unchanged copied on the device" + (resumed > 0 ? ", " + resumed + " resumed from an interrupted push" : "")
                    + "; the previous set is kept as the backup" + rec + ".";
        };
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
