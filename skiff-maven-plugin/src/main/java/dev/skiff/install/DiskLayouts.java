package dev.skiff.install;

import dev.skiff.SkiffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Picks the disk layout for a layer chain. */
public final class DiskLayouts {
    /** The file name of a layout in a layer directory. */
    public static final String FILE_NAME = "layout.yaml";

    private DiskLayouts() {}

    /**
     * The layout of the last layer in the chain that has a {@value #FILE_NAME}: board families
     * declare one, and a later layer (a specific board, the project's own) may replace it.
     *
     * @param layerDirsInChainOrder the layer directories in merge order
     * @throws SkiffException naming the chain if no layer has a layout, or the layout's errors
     */
    public static DiskLayout forChain(List<Path> layerDirsInChainOrder) {
        for (int i = layerDirsInChainOrder.size() - 1; i >= 0; i--) {
            Path f = layerDirsInChainOrder.get(i).resolve(FILE_NAME);
            if (Files.isRegularFile(f)) return DiskLayoutParser.parse(f);
        }
        throw new SkiffException("no layer of the chain " + describe(layerDirsInChainOrder) + " has a " + FILE_NAME
                + ", so there is no disk layout to install. Board families such as pi/common, intel/desktop and virt/qemu"
                + " ship one; for another board add " + FILE_NAME + " to its layer or to a project layer in the chain.");
    }

    /** {@code cat/name} of each directory, comma-separated, as chains are written. */
    static String describe(List<Path> dirs) {
        if (dirs.isEmpty()) return "(empty)";
        StringBuilder s = new StringBuilder();
        for (Path d : dirs) {
            if (s.length() > 0) s.append(',');
            Path n = d.getFileName();
            Path c = d.getParent() == null ? null : d.getParent().getFileName();
            s.append(c == null ? "" : c + "/").append(n == null ? d : n);
        }
        return s.toString();
    }
}
