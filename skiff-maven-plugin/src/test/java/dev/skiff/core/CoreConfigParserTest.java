package dev.skiff.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.testing.LayerTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CoreConfigParserTest {
    @TempDir
    Path tmp;

    private static final String VALID = String.join("\n",
            "containers:",
            "  core:",
            "    image: docker.io/library/debian:bookworm",
            "    mounts:",
            "      - /dev:/dev",
            "      - /mnt/persist:/mnt/persist:ro",
            "    privileged: true",
            "    hostNetwork: true",
            "    restartPolicy: always",
            "users:",
            "  core:",
            "    container: core",
            "    containerUser: core",
            "    shell: /bin/bash",
            "    auth:",
            "      copyRootKeys: true",
            "images:",
            "  docker.io/library/debian:bookworm:",
            "    pull:",
            "      policy: ifNotExists",
            "      registry: docker.io",
            "");

    private Path write(String text) throws Exception {
        Path f = tmp.resolve("core.yaml");
        Files.writeString(f, text);
        return f;
    }

    private String error(String text) throws Exception {
        Path f = write(text);
        SkiffException e = assertThrows(SkiffException.class, () -> CoreConfigParser.parse(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ":"), e.getMessage());
        return e.getMessage().substring(f.toString().length());
    }

    @Test
    void readsContainersUsersAndImages() throws Exception {
        CoreConfig c = CoreConfigParser.parse(write(VALID));
        CoreContainer core = c.containers().get("core");
        assertEquals("docker.io/library/debian:bookworm", core.image());
        assertEquals(List.of(new Mount("/dev", "/dev", false), new Mount("/mnt/persist", "/mnt/persist", true)), core.mounts());
        assertTrue(core.privileged());
        assertEquals("host", core.network());
        assertEquals("always", core.restartPolicy());
        CoreUser u = c.users().get("core");
        assertEquals("core", u.container());
        assertEquals("/bin/bash", u.shell());
        assertTrue(u.copyRootKeys());
        CoreImage i = c.images().get("docker.io/library/debian:bookworm");
        assertEquals("ifNotExists", i.pullPolicy());
        assertEquals("docker.io", i.registry());
    }

    @Test
    void anUnknownFieldNamesTheLineAndTheNearestField() throws Exception {
        String m = error(VALID.replace("    privileged: true", "    priviledged: true"));
        assertTrue(m.startsWith(":7: containers.core.priviledged: unknown field"), m);
        assertTrue(m.contains("Did you mean privileged?"), m);
    }

    @Test
    void aUserOfAMissingContainerIsAnError() throws Exception {
        String m = error(VALID.replace("    container: core", "    container: cor"));
        assertTrue(m.startsWith(":12: users.core.container: names container 'cor'"), m);
        assertTrue(m.contains("Did you mean core?"), m);
    }

    @Test
    void mountsMustBeSrcColonDstWithAnOptionalRo() throws Exception {
        assertTrue(error(VALID.replace("- /dev:/dev", "- /dev")).startsWith(":5: containers.core.mounts: malformed mount '/dev'"));
        assertTrue(error(VALID.replace("- /dev:/dev", "- /dev:dev")).contains("must be an absolute path"));
        assertTrue(error(VALID.replace("- /dev:/dev", "- /dev:/dev:rx")).contains("unknown option 'rx'; use ro or rw"));
        assertTrue(error(VALID.replace("- /dev:/dev", "- /a:/b:ro:x")).contains("malformed mount"));
        assertTrue(error(VALID.replace("- /dev:/dev", "- :/dev")).contains("malformed mount"));
    }

    @Test
    void typesAndValuesAreChecked() throws Exception {
        assertTrue(error(VALID.replace("privileged: true", "privileged: yes please")).startsWith(
                ":7: containers.core.privileged: expected true or false"));
        String m = error(VALID.replace("restartPolicy: always", "restartPolicy: alway"));
        assertTrue(m.startsWith(":9: containers.core.restartPolicy: 'alway' is not one of"), m);
        assertTrue(m.contains("Did you mean always?"), m);
        assertTrue(error(VALID.replace("policy: ifNotExists", "policy: sometimes")).contains("images.docker.io/library/debian:bookworm.pull.policy"));
        assertTrue(error(VALID.replace("    mounts:\n      - /dev:/dev\n      - /mnt/persist:/mnt/persist:ro\n", "    mounts: /dev:/dev\n"))
                .contains("containers.core.mounts: expected a list"));
        assertTrue(error(VALID.replace("    image: docker.io/library/debian:bookworm\n", "")).contains("containers.core: is missing the required field 'image'"));
    }

    @Test
    void imagesNeedPullOrBuildAndIfBuildFailsNeedsABuild() throws Exception {
        assertTrue(error(VALID.replace("    pull:\n      policy: ifNotExists\n      registry: docker.io\n", "    {}\n"))
                .contains("says neither pull nor build"));
        assertTrue(error(VALID.replace("policy: ifNotExists", "policy: ifBuildFails")).contains("ifBuildFails needs a build section"));
    }

    @Test
    void invalidYamlAndDuplicatesNameTheLine() throws Exception {
        assertTrue(error(VALID + "  bad: [unclosed\n").contains("invalid YAML"));
        assertTrue(error(VALID.replace("    privileged: true", "    privileged: true\n    privileged: false"))
                .startsWith(":8: containers.core.privileged: is defined twice"));
    }

    @Test
    void configsAreFoundUnderCoreenvInOverlaysAndExternals() throws Exception {
        LayerTree t = new LayerTree(tmp.resolve("layer"));
        t.file("root_overlay/opt/skiff/coreenv/defconfig.yaml", VALID);
        t.file("buildroot_ext/package/x/coreenv/extra.yml", VALID);
        t.file("root_overlay/etc/other.yaml", "not: [checked");
        assertEquals(2, CoreConfigFiles.in(t.root()).size());
        t.file("root_overlay/opt/skiff/coreenv/broken.yaml", VALID.replace("container: core", "container: nope"));
        assertThrows(SkiffException.class, () -> CoreConfigFiles.validate(List.of(t.root())));
    }

    static Stream<Path> stockLayerDirs() throws Exception {
        Path stock = LayerTree.stockLayers();
        try (Stream<Path> s = Files.walk(stock, 2)) {
            return s.filter(p -> stock.relativize(p).getNameCount() == 2 && Files.isDirectory(p)).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("stockLayerDirs")
    void everySkiffCoreConfigShippedByAStockLayerIsValid(Path layer) {
        for (CoreConfig c : CoreConfigFiles.validate(List.of(layer))) {
            assertFalse(c.containers().isEmpty(), c.file() + " defines no container");
            for (CoreContainer k : c.containers().values()) {
                assertTrue(c.images().containsKey(k.image()), c.file() + ": container " + k.name() + " uses image "
                        + k.image() + ", which the config does not say how to get");
            }
        }
    }
}
