package dev.skiff.bench;

import dev.skiff.configure.ConfigureRequest;
import dev.skiff.configure.EffectiveConfig;
import dev.skiff.configure.LayerMerge;
import dev.skiff.configure.VersionInfo;
import dev.skiff.layer.LayerCatalog;
import dev.skiff.layer.LayerName;
import dev.skiff.layer.LayerRoot;
import dev.skiff.layer.LayerSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Times the engine's resolve plus merge (root scan, chain expansion, fragment parsing and merge,
 * placeholder filling) over the stock layers. JVM start and Buildroot are outside the clock.
 *
 * <p>Run: {@code ./mvnw -q -pl skiff-maven-plugin -am test-compile exec:java -Pbench-merge}
 */
public final class MergeBenchmark {
    public static void main(String[] args) throws Exception {
        Path stock = Path.of(System.getProperty("skiff.stockLayers", "skiff-layers/src/main/layers")).toAbsolutePath().normalize();
        if (!Files.isDirectory(stock)) throw new IllegalStateException("no stock layers at " + stock);
        List<String> chains = args.length > 0 ? Arrays.asList(args) : List.of(
                "virt/qemu,skiff/core",
                // Six requested layers; expands to ten plus the two base layers.
                "intel/desktop,apps/crun,apps/podman,skiff/core,core/debian,skiff/moduleimg");
        Path tmp = Files.createTempDirectory("skiff-bench");
        System.out.printf("Merge benchmark over %s%n", stock);
        System.out.printf("%-60s %8s %10s %10s %10s%n", "chain", "sources", "first ms", "median ms", "p90 ms");
        for (String chain : chains) {
            long first = 0;
            List<Double> times = new ArrayList<>();
            int sources = 0;
            for (int i = 0; i < 230; i++) {
                long t0 = System.nanoTime();
                EffectiveConfig eff = LayerMerge.merge(request(chain, stock, tmp));
                long t = System.nanoTime() - t0;
                sources = eff.sources().size();
                if (i == 0) first = t;
                if (i >= 30) times.add(t / 1e6); // after JIT warm-up
            }
            times.sort(Double::compare);
            System.out.printf("%-60s %8d %10.1f %10.2f %10.2f%n", chain, sources, first / 1e6,
                    times.get(times.size() / 2), times.get((int) (times.size() * 0.9)));
        }
    }

    private static ConfigureRequest request(String chain, Path stock, Path project) {
        LayerCatalog catalog = LayerCatalog.scan(List.of(new LayerRoot("stock", stock, LayerRoot.Kind.STOCK)), Map.of());
        LayerSources layers = new LayerSources(catalog, catalog.require(LayerName.parse("base/pre", "benchmark"), "benchmark"),
                catalog.require(LayerName.parse("base/post", "benchmark"), "benchmark"), null);
        return new ConfigureRequest(chain, "benchmark", "bench", project.resolve("workspaces/bench"), project, layers,
                null, List.of(), false, new VersionInfo("0", "bench", "0"), project.resolve("ccache"), null, null, Map.of());
    }
}
