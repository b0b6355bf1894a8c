package dev.skiff.configure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@link EffectiveView#tree} as JSON, for tools and for diffing two configurations. */
public final class EffectiveJson {
    private EffectiveJson() {}

    public static void write(EffectiveConfig eff, Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), EffectiveView.tree(eff));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SkiffException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
