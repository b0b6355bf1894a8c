package dev.skiff.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every systemd unit and drop-in the stock layers ship passes {@code systemd-analyze verify}, run
 * against a directory standing in for the target's root file system ({@code --root}): systemd's
 * own units (from this machine), the root overlays of the layer and of every layer it comes with,
 * and, for units the target's packages install and our drop-ins extend, the package's unit or a
 * stand-in with that name. Executables are looked up inside that root, so a unit naming a script
 * the overlays do not ship fails. Any output of systemd-analyze fails the test, not only its exit
 * status: it reports ordering cycles and unknown settings as warnings and still exits 0.
 *
 * <p>The units of container images (core/dietpi's dietpi-firstboot.service) are verified against
 * a root holding the files their Dockerfile copies into the image.
 */
class StockUnitsVerifyTest {
    @TempDir
    Path tmp;

    /** Where this machine keeps systemd's own units. */
    private static final List<Path> HOST_UNIT_DIRS = List.of(Path.of("/usr/lib/systemd/system"), Path.of("/lib/systemd/system"));

    /**
     * Units that Buildroot packages install on the target and our drop-ins extend. The machine's
     * own units of these names (Debian's ssh, docker ...) are removed from the root first.
     */
    private static final List<String> PACKAGE_UNITS = List.of("sshd.service", "ssh.service", "docker.service", "docker.socket",
            "containerd.service", "NetworkManager.service");

    private static final Path STAND_IN = Path.of("usr/libexec/skiff-test/stand-in");

    static List<String> layersWithUnits() {
        return StockUnits.layersWithUnits();
    }

    @Test
    void theStockLayersShipUnitsToVerify() {
        List<String> layers = layersWithUnits();
        for (String l : List.of("base/pre", "skiff/moduleimg", "skiff/core", "apps/docker", "apps/containerd", "pi/common", "intel/desktop")) {
            assertTrue(layers.contains(l), l + " ships systemd units: " + layers);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layersWithUnits")
    void everyUnitOfTheLayerAndItsDependenciesPassesSystemdAnalyzeVerify(String layer) throws Exception {
        Path root = tmp.resolve("root");
        List<String> closure = StockUnits.closure(layer);
        Set<String> toVerify = targetRoot(closure, root);
        String out = verify(root, toVerify);
        assertEquals("", out, "systemd-analyze verify of " + toVerify + " from " + closure);
    }

    /** The check is not toothless: a unit naming a script that is not shipped, a cycle, a typo all fail. */
    @Test
    void theCheckFailsOnBrokenUnits() throws Exception {
        Path root = tmp.resolve("root");
        Set<String> units = targetRoot(List.of("base/pre"), root);
        Path dir = root.resolve("usr/lib/systemd/system");
        Files.writeString(dir.resolve("skiff-missing.service"), "[Unit]\nDescription=x\n[Service]\nExecStart=/usr/libexec/skiff/not-shipped\n");
        Files.createDirectories(dir.resolve("skiff-persist.service.d"));
        Files.writeString(dir.resolve("skiff-persist.service.d/cycle.conf"), "[Unit]\nAfter=sshd.service\n");
        Files.createDirectories(dir.resolve("sshd.service.d"));
        Files.writeString(dir.resolve("sshd.service.d/typo.conf"), "[Unit]\nAftr=network.target\n");
        Set<String> all = new TreeSet<>(units);
        all.add("skiff-missing.service");
        String out = verify(root, all);
        assertTrue(out.contains("not-shipped"), out);
        assertTrue(out.contains("ordering cycle"), out);
        assertTrue(out.contains("Aftr"), out);
    }

    @Test
    void theUnitsOfContainerImagesPassToo() throws Exception {
        List<Path> dockerfiles = containerDockerfilesWithUnits();
        assertFalse(dockerfiles.isEmpty(), "core/dietpi's image ships dietpi-firstboot.service");
        for (Path dockerfile : dockerfiles) {
            Path root = tmp.resolve("image-" + dockerfile.getParent().getFileName());
            Set<String> units = containerRoot(dockerfile, root);
            assertFalse(units.isEmpty(), dockerfile.toString());
            assertEquals("", verify(root, units), "systemd-analyze verify of " + units + " as " + dockerfile + " installs them");
        }
    }

    /** No unit escapes: each one the stock layers ship is verified by one of the tests above. */
    @Test
    void everyShippedUnitFileIsCovered() throws Exception {
        Set<Path> shipped = new TreeSet<>();
        try (Stream<Path> s = Files.walk(StockUnits.LAYERS)) {
            s.filter(Files::isRegularFile)
                    .filter(p -> StockUnits.isUnitName(p.getFileName().toString()) || StockUnits.isDropIn(p))
                    .forEach(shipped::add);
        }
        Set<Path> covered = new TreeSet<>();
        for (String layer : layersWithUnits()) {
            for (Path rel : StockUnits.systemUnitFiles(layer)) covered.add(StockUnits.LAYERS.resolve(layer).resolve(rel));
        }
        for (Path dockerfile : containerDockerfilesWithUnits()) {
            for (Map.Entry<Path, String> copy : copies(dockerfile).entrySet()) {
                if (StockUnits.isUnitName(copy.getKey().getFileName().toString())) covered.add(copy.getKey());
            }
        }
        shipped.removeAll(covered);
        assertEquals(Set.of(), shipped, "unit files no verify run covers");
    }

    /**
     * Lays out the target's root for {@code layers} and returns the units to verify: every unit
     * the overlays define and every unit their drop-ins extend.
     */
    private Set<String> targetRoot(List<String> layers, Path root) throws IOException {
        assumeSystemdAnalyze();
        Path unitDir = root.resolve("usr/lib/systemd/system");
        copyHostUnits(unitDir);
        for (String name : PACKAGE_UNITS) Files.deleteIfExists(unitDir.resolve(name));
        StockUnits.overlay(layers, root);
        Set<String> toVerify = new TreeSet<>();
        for (String layer : layers) {
            for (Path rel : StockUnits.systemUnitFiles(layer)) toVerify.add(StockUnits.unitOf(rel));
        }
        Set<String> defined = StockUnits.definedUnits(root);
        // Units of target packages that ours require (skiff-core.service requires docker.service).
        Set<String> needed = new TreeSet<>(toVerify);
        UnitOrder order = UnitOrder.read(root);
        for (String unit : toVerify) {
            UnitOrder.Unit u = order.unit(unit).orElseThrow();
            for (String key : List.of("Unit.Requires", "Unit.BindsTo", "Unit.Requisite")) {
                for (String dep : u.get(key)) {
                    if (PACKAGE_UNITS.contains(dep)) needed.add(dep);
                }
            }
        }
        for (String unit : needed) {
            if (defined.contains(unit)) continue;
            Path buildroot = buildrootUnit(unit);
            if (buildroot != null) {
                Files.copy(buildroot, unitDir.resolve(unit));
                placeholdersForCommands(unitDir.resolve(unit), root);
            } else {
                Files.writeString(unitDir.resolve(unit), "# Stand-in for the " + unit + " a Buildroot package installs.\n"
                        + "[Unit]\nDescription=Stand-in for " + unit + "\n[Service]\nExecStart=/" + STAND_IN + "\n");
            }
        }
        executable(root.resolve(STAND_IN));
        return toVerify;
    }

    /** The unit file a Buildroot package of the test tree installs under that name, if this test knows it. */
    private static Path buildrootUnit(String unit) {
        String tree = System.getenv("SKIFF_TEST_BUILDROOT");
        if (tree == null || tree.isBlank()) return null;
        Path p = switch (unit) {
            case "sshd.service" -> Path.of(tree, "package/openssh/sshd.service");
            default -> null;
        };
        return p != null && Files.isRegularFile(p) ? p : null;
    }

    /** A Buildroot package's unit runs that package's programs: placeholders for them in the root. */
    private static void placeholdersForCommands(Path unit, Path root) throws IOException {
        Pattern exec = Pattern.compile("^Exec[A-Za-z]*=[-@:+!]*(/\\S+)", Pattern.MULTILINE);
        Matcher m = exec.matcher(Files.readString(unit));
        while (m.find()) {
            Path p = root.resolve(m.group(1).substring(1));
            if (!Files.exists(p)) executable(p);
        }
    }

    private static void executable(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n");
        p.toFile().setExecutable(true, false);
    }

    /** systemd's own units from this machine, by content (links to /dev/null, masks, are left out). */
    private static void copyHostUnits(Path unitDir) throws IOException {
        Files.createDirectories(unitDir);
        for (Path d : HOST_UNIT_DIRS) {
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.toList()) {
                    Path dst = unitDir.resolve(p.getFileName().toString());
                    if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(p)) continue;
                    if (!StockUnits.isUnitName(p.getFileName().toString())) continue;
                    Files.copy(p, dst);
                }
            }
        }
        Assumptions.assumeTrue(Files.isRegularFile(unitDir.resolve("sysinit.target")), () -> {
            System.err.println("SKIPPED: systemd's own units (sysinit.target) are not in " + HOST_UNIT_DIRS + "; install Debian's systemd");
            return "no systemd units on this machine";
        });
    }

    /** The Dockerfiles of the stock layers' container images that copy systemd units into the image. */
    private static List<Path> containerDockerfilesWithUnits() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(StockUnits.LAYERS)) {
            for (Path p : s.filter(f -> f.getFileName().toString().equals("Dockerfile")).sorted().toList()) {
                if (copies(p).keySet().stream().anyMatch(src -> StockUnits.isUnitName(src.getFileName().toString()))) out.add(p);
            }
        }
        return out;
    }

    /** {@code COPY <src> <dst>} lines: the source file next to the Dockerfile and its path in the image. */
    private static Map<Path, String> copies(Path dockerfile) throws IOException {
        Map<Path, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dockerfile)) {
            String[] w = line.strip().split("\\s+");
            if (w.length == 3 && w[0].equals("COPY") && !w[1].startsWith("--")) {
                out.put(dockerfile.getParent().resolve(w[1]), w[2]);
            }
        }
        return out;
    }

    /** The image's root: systemd's units (the image is Debian with systemd) and what the Dockerfile copies. */
    private Set<String> containerRoot(Path dockerfile, Path root) throws IOException {
        assumeSystemdAnalyze();
        copyHostUnits(root.resolve("usr/lib/systemd/system"));
        Set<String> units = new TreeSet<>();
        for (Map.Entry<Path, String> c : copies(dockerfile).entrySet()) {
            Path dst = root.resolve(c.getValue().replaceFirst("^/+", ""));
            Files.createDirectories(dst.getParent());
            Files.copy(c.getKey(), dst);
            // The Dockerfile makes its scripts executable (RUN chmod 755).
            if (Files.readString(c.getKey(), StandardCharsets.ISO_8859_1).startsWith("#!")) dst.toFile().setExecutable(true, false);
            if (StockUnits.isUnitName(dst.getFileName().toString())) units.add(dst.getFileName().toString());
        }
        return units;
    }

    private static void assumeSystemdAnalyze() {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "systemd-analyze"))) found = true;
        }
        boolean present = found;
        Assumptions.assumeTrue(present, () -> {
            System.err.println("SKIPPED: systemd-analyze is not installed (apt-get install systemd); .ci/run installs it");
            return "systemd-analyze is not installed";
        });
    }

    /** Runs systemd-analyze verify; returns everything it printed. */
    static String verify(Path root, Set<String> units) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no", "--root=" + root));
        cmd.addAll(units);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("LANG", "C");
        pb.environment().put("SYSTEMD_LOG_COLOR", "0");
        pb.environment().put("SYSTEMD_PAGER", "");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "systemd-analyze finished");
        return (p.exitValue() == 0 ? "" : "exit " + p.exitValue() + "\n") + out.strip();
    }
}
