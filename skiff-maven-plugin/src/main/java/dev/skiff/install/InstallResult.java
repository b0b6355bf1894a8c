package dev.skiff.install;

import java.nio.file.Path;
import java.util.List;

/**
 * What an install did.
 *
 * @param target the image file or device written
 * @param formatted true if the table and every file system were created; false for a re-install
 *     that rebuilt the boot and rootfs partitions and kept persist
 * @param layout the {@code layout.yaml} used
 * @param diskSize bytes of the image file or device
 * @param rebuilt labels of the partitions whose file systems were created
 * @param kept labels of the partitions kept (persist on a re-install)
 * @param bytesWritten bytes written to the target
 * @param bytesSkipped all-zero bytes not written (sparse)
 * @param nanos time the install took
 * @param warnings content rules that matched nothing, files replaced by later rules
 */
public record InstallResult(Path target, boolean formatted, Path layout, long diskSize, List<String> rebuilt,
                            List<String> kept, long bytesWritten, long bytesSkipped, long nanos,
                            List<String> warnings) {
    public InstallResult {
        rebuilt = List.copyOf(rebuilt);
        kept = List.copyOf(kept);
        warnings = List.copyOf(warnings);
    }

    /** One line for the build log. */
    public String summary() {
        long logical = bytesWritten + bytesSkipped;
        return (formatted ? "Formatted and installed " : "Re-installed ") + target + " ("
                + PartitionTable.human(diskSize) + ", layout " + layout + "): rebuilt " + String.join(", ", rebuilt)
                + (kept.isEmpty() ? "" : "; kept " + String.join(", ", kept)) + ". Wrote "
                + PartitionTable.human(bytesWritten) + ", skipped " + PartitionTable.human(bytesSkipped)
                + " of zeros, in " + String.format(java.util.Locale.ROOT, "%.1f s (%.0f MB/s logical)",
                nanos / 1e9, SparseCopy.mbPerSecond(logical, nanos)) + "; verified by reading back.";
    }
}
