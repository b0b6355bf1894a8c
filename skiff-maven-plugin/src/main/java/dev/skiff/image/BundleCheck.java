package dev.skiff.image;

import dev.skiff.SkiffException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The result of checking every entry of a bundle against its manifest.
 *
 * @param files one check per manifest entry plus one per unlisted entry, in byte order of path
 */
public record BundleCheck(Path bundle, ImageManifest manifest, List<FileCheck> files) {

    public BundleCheck {
        files = List.copyOf(files);
    }

    public boolean ok() {
        return files.stream().allMatch(FileCheck::ok);
    }

    public List<FileCheck> problems() {
        return files.stream().filter(f -> !f.ok()).toList();
    }

    /**
     * This check if every entry matched; otherwise a {@link SkiffException} naming each bad
     * entry with its expected and actual checksum.
     */
    public BundleCheck requireValid() {
        List<FileCheck> problems = problems();
        if (problems.isEmpty()) {
            return this;
        }
        throw new SkiffException("Image bundle " + bundle + " failed verification: "
                + problems.size() + " of " + files.size() + " entries do not match its "
                + ImageManifest.ENTRY_NAME + ":\n  "
                + problems.stream().map(FileCheck::describe).collect(Collectors.joining("\n  "))
                + "\nThe bundle was damaged or altered after it was built. Do not flash it;"
                + " fetch it again or rebuild it with `mvn package`.");
    }
}
