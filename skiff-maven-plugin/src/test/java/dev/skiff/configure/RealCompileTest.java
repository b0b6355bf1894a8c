package dev.skiff.configure;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import dev.skiff.buildroot.BuildRequest;
import dev.skiff.buildroot.BuildrootBuild;
import dev.skiff.buildroot.BuildrootMake;
import dev.skiff.buildroot.BuildrootTree;
import dev.skiff.buildroot.ShowInfo;
import dev.skiff.testing.RealBuildroot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start of a real build of virt/qemu,skiff/core: offline, it must stop at the first download. */
class RealCompileTest {
    @TempDir
    Path tmp;

    @Test
    void offlineTheRealBuildStopsCleanlyAtTheFirstDownloadNamingThePackage() throws Exception {
        BuildrootTree tree = RealBuildroot.tree();
        MergeFixture f = new MergeFixture(tmp).withStock();
        ConfigureResult r = new Configure(new BuildrootMake()).run(f.request("virt/qemu,skiff/core"), tree, l -> { });
        Path ws = f.workspaceDir;
        Path info = ShowInfo.write(new BuildrootMake(), tree, ws, ws.resolve("show-info.json"), ws.resolve("show-info.log"));
        int total = ShowInfo.buildablePackages(info);
        assertTrue(total > 50, "virt/qemu,skiff/core has many packages: " + total);

        List<String> progress = new ArrayList<>();
        BuildRequest req = new BuildRequest(tree, ws, List.of(), r.effective().environment(), tmp.resolve("dl"),
                tmp.resolve("ccache"), 1700000000L, true, ws.resolve("build.log"));
        SkiffException e = assertThrows(SkiffException.class,
                () -> new BuildrootBuild(new BuildrootMake()).run(req, total, progress::add, l -> { }));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("Offline (-o): Buildroot needs to download "), msg);
        // The first download of this chain is a host tool; whichever it is, it is named with its file.
        String pkg = progress.get(progress.size() - 1).replaceAll("^\\[[ 0-9/]+\\] (\\S+) .*", "$1");
        assertTrue(progress.get(progress.size() - 1).endsWith(" downloading"), progress.toString());
        assertTrue(msg.contains(" for package " + pkg + " "), msg + "\nprogress: " + progress);
        assertTrue(msg.matches("(?s)Offline \\(-o\\): Buildroot needs to download \\S+\\.tar\\.\\w+ for package .*"), msg);
        assertTrue(Files.readString(ws.resolve("build.log")).contains("skiff-offline: refusing to download"));
        assertTrue(!Files.exists(tmp.resolve("dl")) || Files.list(tmp.resolve("dl")).flatMap(p -> {
            try {
                return Files.walk(p);
            } catch (Exception ex) {
                throw new RuntimeException(ex);
            }
        }).noneMatch(p -> p.toString().endsWith(".tar.xz") || p.toString().endsWith(".tar.gz")), "nothing was downloaded");
    }
}
