package dev.skiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.core.CoreConfigParser;
import dev.skiff.install.DiskLayoutParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile YAML: documents over the parser's limits (an alias bomb, nesting thousands deep, a file of
 * several megabytes) are user mistakes like any other. Both readers built on {@link YamlReader}
 * (skiff-core configs and {@code layout.yaml}) must end in a {@link SkiffException} that names the
 * file and says what limit was hit, never in snakeyaml's raw exception.
 */
class YamlReaderTest {
    @TempDir
    Path tmp;

    /** The classic "billion laughs": each anchor is a list of nine aliases of the previous one. */
    static String aliasBomb() {
        StringBuilder b = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'i'; c++) {
            b.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) b.append(i == 0 ? "" : ",").append('*').append(prev);
            b.append("]\n");
            prev = c;
        }
        return b.toString();
    }

    static String deepNesting() {
        return "containers: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
    }

    /** 4.6 MB of otherwise valid YAML: a comment is enough to exceed the reader's size limit. */
    static String huge() {
        StringBuilder b = new StringBuilder("containers: {}\n");
        String line = "# " + "x".repeat(98) + "\n";
        while (b.length() < 4_600_000) b.append(line);
        return b.toString();
    }

    static Stream<Arguments> hostile() {
        Consumer<Path> core = CoreConfigParser::parse;
        Consumer<Path> layout = DiskLayoutParser::parse;
        return Stream.of(
                Arguments.of("core alias bomb", core, aliasBomb(), "invalid yaml: too many aliases"),
                Arguments.of("core deep nesting", core, deepNesting(), "invalid yaml: lists and mappings nested"),
                Arguments.of("core huge file", core, huge(), "larger than 1 mib"),
                Arguments.of("layout alias bomb", layout, aliasBomb(), "invalid yaml: too many aliases"),
                Arguments.of("layout deep nesting", layout, deepNesting(), "invalid yaml: lists and mappings nested"),
                Arguments.of("layout huge file", layout, huge(), "larger than 1 mib"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void yamlOverTheParsersLimitsIsAClearErrorNamingTheFile(String name, Consumer<Path> parser, String text, String says)
            throws Exception {
        Path f = tmp.resolve(name.replace(' ', '-') + ".yaml");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        SkiffException e = assertThrows(SkiffException.class, () -> parser.accept(f));
        assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains(says), e.getMessage());
        assertTrue(e.getMessage().length() < 600, "the message stays short: " + e.getMessage().length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileYamlIsRefusedWithoutRunningOutOfMemoryOrStack(String name, Consumer<Path> parser, String text, String says)
            throws Exception {
        // The same inputs wrapped one level down, where the readers would walk the node tree.
        Path f = tmp.resolve(name.replace(' ', '-') + "-nested.yaml");
        String nested = "images:\n  x:\n    " + text.replace("\n", "\n    ").stripTrailing() + "\n";
        Files.writeString(f, nested, StandardCharsets.UTF_8);
        SkiffException e = assertThrows(SkiffException.class, () -> parser.accept(f));
        assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
    }

    static Stream<Arguments> parsers() {
        Consumer<Path> core = CoreConfigParser::parse;
        Consumer<Path> layout = DiskLayoutParser::parse;
        return Stream.of(Arguments.of("core", core), Arguments.of("layout", layout));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parsers")
    void invalidUtf8IsNamedToo(String name, Consumer<Path> parser) throws Exception {
        Path f = tmp.resolve(name + "-latin1.yaml");
        Files.write(f, new byte[] {'a', ':', ' ', (byte) 0xe9, '\n'});
        SkiffException e = assertThrows(SkiffException.class, () -> parser.accept(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parsers")
    void aStreamThatNeverEndsIsCutOffAtTheSameLimit(String name, Consumer<Path> parser) throws Exception {
        // A named pipe has no size to check up front: the character limit of the parser must stop it.
        Path fifo = tmp.resolve(name + ".yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor() == 0, "mkfifo " + fifo);
        Thread writer = new Thread(() -> {
            try (var out = Files.newOutputStream(fifo)) {
                out.write("partitions:\n".getBytes(StandardCharsets.UTF_8));
                byte[] item = "  - label: x\n".getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 400_000; i++) out.write(item);
            } catch (java.io.IOException readerClosed) {
                // Expected once the reader gives up.
            }
        });
        writer.setDaemon(true);
        writer.start();
        SkiffException e = assertThrows(SkiffException.class, () -> parser.accept(fifo));
        assertTrue(e.getMessage().startsWith(fifo + ": invalid YAML: the document is larger than 1 MiB"), e.getMessage());
    }
}
