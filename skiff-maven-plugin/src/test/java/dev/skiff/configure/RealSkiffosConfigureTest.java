package dev.skiff.configure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.FileTree;
import dev.skiff.buildroot.BuildrootCheckout;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.project.ProjectInputs;
import dev.skiff.project.ProjectSettings;
import dev.skiff.testing.LayerTree;
import dev.skiff.testing.PathNormalizer;
import dev.skiff.testing.RealBuildroot;
import dev.skiff.testing.RealSkiffos;
import dev.skiff.testing.SkiffosOracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The promise of the SkiffOS mode: for the same chain, the same SkiffOS commit and the same
 * Buildroot tree, Skiff's final {@code .config} is the one SkiffOS's own {@code make configure}
 * writes, and so are the kernel, U-Boot and Busybox fragment files and the users table that the
 * configuration names. SkiffOS runs side by side as the oracle, on real SkiffOS (the fixture
 * bundle) with Buildroot 2026.08-rc1 in place of its fork.
 *
 * <p>Which chains: by default (CI) the fixed {@link #SAMPLE}, one board of every board family of
 * SkiffOS, each with a {@code core/*} layer and some add-ons, so that across the sample every
 * family, every {@code core/*} layer and every {@code apps/*} layer is merged at least once
 * ({@code theSampleCoversEveryFamilyCoreAndAppsLayer} checks that against the tree, so a new
 * SkiffOS layer cannot slip out of it). With {@code -Poracle} ({@code SKIFF_TEST_ORACLE=full}):
 * every board, virt and browser layer of SkiffOS with {@code skiff/core}; every {@code core/*}
 * layer on {@code pi/4}; every {@code apps/*}, {@code util/*}, {@code driver/*},
 * {@code android/*} and {@code skiff/*} layer on {@code pi/4}, a few per chain. The full run
 * takes about 31 minutes on a 2-core machine, the sample under two minutes.
 *
 * <p>Skiff configures on the whole SkiffOS checkout, as a user's project does. SkiffOS's scripts
 * are slow where starting a process is (its enumeration alone spawns a thousand subshells, about
 * 40 s per call on this project's 2-core build machines), so the oracle runs on its own clones of
 * the same commit whose {@code configs/} holds only the layers of the chain at hand. The result is
 * the same: SkiffOS's merge reads only the chain's layers, and a layer missing from the clone
 * would make SkiffOS fail ("Unknown path"), never pass. Two chains run at a time.
 */
class RealSkiffosConfigureTest {
    static final String BOARD = "pi/4";
    /** Layers that add to a board rather than being one: tested on {@value #BOARD}, several per chain. */
    private static final Set<String> ADD_ON_CATEGORIES = Set.of("apps", "util", "driver", "android", "skiff");
    private static final int ADD_ONS_PER_CHAIN = 5;
    private static final int WORKERS = 2;

    /**
     * The CI sample: one board per family, the 19 core layers spread over them (the Pine64 ones on
     * Pine64 boards), every apps layer and most util, driver, android and skiff layers appended.
     * The first chain is the one SkiffOS users start from.
     */
    static final List<String> SAMPLE = List.of(
            "pi/4,skiff/core,core/debian,apps/docker,util/rootlogin",
            "allwinner/nezha,skiff/core,core/alpine,apps/balena",
            "amd/zen4,skiff/core,core/arch,apps/buildah",
            "apple/arm,skiff/core,core/cachyos,apps/containerd",
            "auvidea/j121,skiff/core,core/fedora,apps/crio",
            "bananapi/m2plus,skiff/core,core/gentoo,apps/crun",
            "beaglebone/black,skiff/core,core/jellyfin,apps/gocryptfs",
            "browser/v86,skiff/core,util/debug",
            "chip/r8,skiff/core,util/noserial",
            "freescale/wandboard,skiff/core,core/libreelec,apps/kodi",
            "intel/desktop,skiff/core,core/nasa_cfs,apps/portainer,driver/vboxmodules",
            "jetson/nano,skiff/core,core/nasa_fprime,apps/qemu",
            "modalai/voxl2,skiff/core,apps/rtklib,util/adbd",
            "odroid/xu4,skiff/core,core/nixos,apps/runc,util/argon1",
            "orangepi/zero,skiff/core,core/nixos_xfce,apps/ttyd",
            "pcduino/3,skiff/core,util/gofast",
            "pcengines/apu2,skiff/core,core/steam,apps/yacht,util/hardened",
            "pine64/book,skiff/core,core/pinebook_gentoo,util/insecure",
            "pine64/book_a64,skiff/core,core/pinebook_manjaro_kde,util/reproducible",
            "pine64/phone,skiff/core,core/pinephone_manjaro_kde,android/anbox,android/common",
            "pine64/phone_pro,skiff/core,core/pinephone_manjaro_phosh,util/v4l",
            "pine64/rockpro64,skiff/core,core/pinephone_nixos,driver/wl",
            "rockchip/rk3328,skiff/core,skiff/moduleimg",
            "starfive/visionfive2,skiff/core,skiff/noserial",
            "usbarmory/mk2,skiff/core",
            "valve/deck,skiff/core,core/ubuntu",
            "virt/qemu,skiff/core");

    private static Path tmp;
    private static Path skiffos;
    private static Path project;
    private static BlockingQueue<Path> oracleTrees;

    /** The user's SkiffOS checkout, and the oracle's clones of the same commit, made once. */
    static synchronized Path skiffos() throws Exception {
        if (skiffos == null) {
            BuildrootTree next = RealBuildroot.next();
            tmp = Files.createTempDirectory("skiff-skiffos-oracle");
            skiffos = RealSkiffos.checkout(tmp.resolve("skiffos"), next);
            project = tmp.resolve("project");
            // The same overrides on both sides: SkiffOS's checkout ships some (a root overlay and
            // a kernel patch directory); the project gets a copy of them.
            copyTree(skiffos.resolve("overrides"), project.resolve("overrides"));
            oracleTrees = new ArrayBlockingQueue<>(WORKERS);
            for (int i = 1; i <= WORKERS; i++) {
                Path t = RealSkiffos.checkout(tmp.resolve("oracle-" + i), next);
                Files.move(t.resolve("configs"), tmp.resolve("oracle-" + i + "-configs"));
                oracleTrees.add(t);
            }
        }
        return skiffos;
    }

    @AfterAll
    static void cleanup() throws IOException {
        if (tmp != null) FileTree.delete(tmp);
    }

    static Stream<String> chains() throws Exception {
        if (RealBuildroot.setting(RealBuildroot.NEXT) == null || RealBuildroot.setting(RealSkiffos.VARIABLE) == null) {
            return Stream.of("(no real SkiffOS configured)");
        }
        // A developer's knob for a quick round: SKIFF_TEST_ORACLE_CHAINS=pi/4,skiff/core;virt/qemu,skiff/core
        // runs just those.
        String only = RealBuildroot.setting("SKIFF_TEST_ORACLE_CHAINS");
        if (only != null) {
            List<String> picked = List.of(only.split(";"));
            System.err.println("NOTE: SKIFF_TEST_ORACLE_CHAINS limits the SkiffOS oracle to " + picked);
            return picked.stream();
        }
        if (!"full".equals(RealBuildroot.setting("SKIFF_TEST_ORACLE"))) {
            System.err.println("NOTE: the SkiffOS oracle runs its fixed sample of " + SAMPLE.size()
                    + " chains; -Poracle (SKIFF_TEST_ORACLE=full) runs every chain");
            return SAMPLE.stream();
        }
        return fullChains().stream();
    }

    /** Every chain of the full oracle run (see the class comment). */
    static List<String> fullChains() throws Exception {
        Path configs = skiffos().resolve("configs");
        List<String> chains = new ArrayList<>();
        List<String> addOns = new ArrayList<>();
        try (Stream<Path> s = Files.walk(configs, 2)) {
            for (Path p : s.filter(p -> configs.relativize(p).getNameCount() == 2 && Files.isDirectory(p)).sorted().toList()) {
                String layer = configs.relativize(p).toString();
                String cat = layer.substring(0, layer.indexOf('/'));
                if (layer.equals("skiff/core")) continue; // in every board chain
                if (cat.equals("core")) chains.add(BOARD + "," + layer);
                else if (ADD_ON_CATEGORIES.contains(cat)) addOns.add(layer);
                else chains.add(layer + ",skiff/core");
            }
        }
        for (int i = 0; i < addOns.size(); i += ADD_ONS_PER_CHAIN) {
            chains.add(BOARD + "," + String.join(",", addOns.subList(i, Math.min(addOns.size(), i + ADD_ONS_PER_CHAIN))));
        }
        return chains;
    }

    /**
     * The sample stays whole as SkiffOS changes: every layer it names exists in the tree, and it
     * merges every board family, every core layer and every apps layer at least once.
     */
    @Test
    void theSampleCoversEveryFamilyCoreAndAppsLayer() throws Exception {
        String sk = RealBuildroot.setting(RealSkiffos.VARIABLE);
        Assumptions.assumeTrue(sk != null, "SKIPPED: " + RealSkiffos.VARIABLE + " is not set (no real SkiffOS)");
        Path configs = skiffos().resolve("configs");
        Set<String> sampled = new TreeSet<>();
        for (String chain : SAMPLE) sampled.addAll(List.of(chain.split(",")));
        for (String layer : sampled) {
            assertTrue(Files.isDirectory(configs.resolve(layer)), "the sample names " + layer + ", which SkiffOS does not have");
        }
        Set<String> missing = new TreeSet<>();
        Set<String> families = new TreeSet<>();
        for (String chain : fullChains()) {
            for (String layer : chain.split(",")) {
                String cat = layer.substring(0, layer.indexOf('/'));
                if (cat.equals("core") || cat.equals("apps")) {
                    if (!sampled.contains(layer)) missing.add(layer);
                } else if (!ADD_ON_CATEGORIES.contains(cat)) {
                    families.add(cat);
                }
            }
        }
        for (String family : families) {
            if (sampled.stream().noneMatch(l -> l.startsWith(family + "/"))) missing.add(family + "/*");
        }
        assertTrue(missing.isEmpty(), "the oracle sample misses " + missing + ": add them to SAMPLE");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    @Execution(ExecutionMode.CONCURRENT)
    void finalConfigIsTheOneSkiffosWrites(String chain) throws Exception {
        BuildrootTree next = RealBuildroot.next();
        skiffos();
        Path oracleTree = oracleTrees.take();
        try {
            compare(chain, next, oracleTree);
        } finally {
            oracleTrees.add(oracleTree);
        }
    }

    private static void compare(String chain, BuildrootTree next, Path oracleTree) throws Exception {
        // Each worker has its own oracle tree and its own workspace name on both sides.
        String ws = "oracle-" + oracleTree.getFileName().toString().substring("oracle-".length());
        ConfigureResult r = configure(chain, ws, next);
        Path ours = r.finalDir();

        // The oracle's configs/: exactly the layers of the expanded chain, from the same commit.
        Path allConfigs = oracleTree.resolveSibling(oracleTree.getFileName() + "-configs");
        Path configs = oracleTree.resolve("configs");
        FileTree.delete(configs);
        for (String layer : r.effective().chain().names().stream().map(Object::toString).toList()) {
            Path from = allConfigs.resolve(layer);
            if (!Files.isDirectory(from)) continue; // a stock layer SkiffOS lacks: SkiffOS will say so
            copyTree(from, configs.resolve(layer));
        }
        SkiffosOracle oracle = new SkiffosOracle(oracleTree);
        Path theirs = oracle.configure(chain, ws);

        PathNormalizer n = new PathNormalizer()
                .map(theirs, "@FINAL@").map(ours, "@FINAL@")
                .map(oracle.workspaceDir(ws), "@WS@").map(project.resolve("workspaces").resolve(ws), "@WS@")
                .map(oracleTree.resolve("workspaces/.ccache").resolve(ws), "@CCACHE@").map(tmp.resolve("ccache"), "@CCACHE@")
                .map(oracleTree.resolve("overrides"), "@OVERRIDES@").map(project.resolve("overrides"), "@OVERRIDES@")
                .map(oracleTree, "@SKIFFOS@").map(skiffos, "@SKIFFOS@");
        for (String f : List.of("final/buildroot", "kernel/config", "uboot/config", "busybox/config", "users")) {
            String expected = n.apply(SkiffosOracle.read(theirs.resolve(f)));
            String actual = n.apply(SkiffosOracle.read(ours.resolve(f)));
            assertEquals(expected, actual, () -> chain + ": " + f + " differs from SkiffOS's:\n" + PathNormalizer.diff(expected, actual));
        }
        assertTrue(SkiffosOracle.read(ours.resolve("final/buildroot")).contains("BR2_TARGET_GENERIC_HOSTNAME=\"skiffos-"),
                "the hostname comes from the SkiffOS tree's version");
    }

    static ConfigureResult configure(String chain, String workspace, BuildrootTree tree) throws Exception {
        // A layer library directory as the plugin gets it from its jar: layers under skiff/layers/.
        Path stockLib = tmp.resolve("stock-lib");
        synchronized (RealSkiffosConfigureTest.class) {
            if (!Files.exists(stockLib)) {
                Files.createDirectories(stockLib.resolve("skiff"));
                Files.createSymbolicLink(stockLib.resolve("skiff/layers"), LayerTree.stockLayers());
            }
        }
        ProjectInputs in = new ProjectInputs(project, Map.of(), Map.of(), chain, workspace, null, null, null, null, null,
                null, new ProjectInputs.LayerPack("stock", stockLib), null, null, tmp.resolve("home").toString(),
                null, null, skiffos.toString(), null, null, null, null, tmp.resolve("ccache").toString(),
                null, true, "1.0.0", "test");
        ProjectSettings settings = ProjectSettings.resolve(in);
        // The user's way: the tree is SkiffOS's buildroot/ (here the link to the 2026.08-rc1 tree).
        BuildrootTree br = BuildrootCheckout.ensure(settings.buildroot(), l -> { });
        assertEquals(skiffos.resolve("buildroot"), br.dir());
        assertEquals(tree.version(), br.version());
        return new Configure(new BuildrootMake()).run(settings.configureRequest(), br, l -> { });
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) Files.createSymbolicLink(t, Files.readSymbolicLink(p));
                else if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
