package dev.skiff.kconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SymbolCheckTest {
    @TempDir
    Path tmp;

    private Path fragFile;

    private MergedFragment requested(String... lines) throws IOException {
        fragFile = tmp.resolve("layers/skiff/core/buildroot/docker");
        Files.createDirectories(fragFile.getParent());
        Files.writeString(fragFile, String.join("\n", lines) + "\n");
        return MergedFragment.empty(KconfigKind.BUILDROOT)
                .plus(Fragment.parse(fragFile, KconfigKind.BUILDROOT, "skiff/core"));
    }

    private DotConfig dotConfig(String... lines) throws IOException {
        Path f = tmp.resolve("final/.config");
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", lines) + "\n");
        return DotConfig.read(f);
    }

    private static Map<String, DroppedSymbol> bySymbol(List<DroppedSymbol> d) {
        return d.stream().collect(Collectors.toMap(s -> s.requested().symbol(), s -> s));
    }

    @Test
    void dotConfigParsesValuesAndNotSet() throws IOException {
        DotConfig c = dotConfig("#", "# Automatically generated file; DO NOT EDIT.", "BR2_A=y",
                "BR2_S=\"x y\"", "# BR2_B is not set", "", "# BR2_C: comment");
        assertEquals("y", c.value("BR2_A"));
        assertEquals("\"x y\"", c.value("BR2_S"));
        assertTrue(c.mentions("BR2_B"));
        assertNull(c.value("BR2_B"));
        assertFalse(c.mentions("BR2_C"));
        assertFalse(c.mentions("BR2_MISSING"));
    }

    @Test
    void satisfiedRequestsProduceNothing() throws IOException {
        MergedFragment r = requested("BR2_A=y", "BR2_S=\"x\"", "BR2_N=4", "# BR2_OFF is not set",
                "# BR2_ABSENT is not set");
        DotConfig c = dotConfig("BR2_A=y", "BR2_S=\"x\"", "BR2_N=4", "# BR2_OFF is not set", "BR2_EXTRA=y");
        assertEquals(List.of(), SymbolCheck.check(r, c, List.of()));
    }

    @Test
    void classifiesDroppedChangedForced() throws IOException {
        MergedFragment r = requested(
                "BR2_PACKAGE_DOCKER_ENGINE=y",        // 1: absent -> DROPPED
                "BR2_INIT_SYSTEMD=y",                 // 2: not set -> DROPPED
                "BR2_TARGET_GENERIC_HOSTNAME=\"a\"",  // 3: "b" -> CHANGED
                "# BR2_PACKAGE_BUSYBOX is not set");  // 4: y -> FORCED
        DotConfig c = dotConfig("# BR2_INIT_SYSTEMD is not set", "BR2_TARGET_GENERIC_HOSTNAME=\"b\"",
                "BR2_PACKAGE_BUSYBOX=y");
        List<DroppedSymbol> out = SymbolCheck.check(r, c, List.of());
        assertEquals(4, out.size(), out.toString());
        Map<String, DroppedSymbol> m = bySymbol(out);
        assertEquals(DroppedSymbol.Kind.DROPPED, m.get("BR2_PACKAGE_DOCKER_ENGINE").kind());
        assertNull(m.get("BR2_PACKAGE_DOCKER_ENGINE").actual());
        assertEquals(DroppedSymbol.Kind.DROPPED, m.get("BR2_INIT_SYSTEMD").kind());
        assertEquals(DroppedSymbol.Kind.CHANGED, m.get("BR2_TARGET_GENERIC_HOSTNAME").kind());
        assertEquals("\"b\"", m.get("BR2_TARGET_GENERIC_HOSTNAME").actual());
        assertEquals(DroppedSymbol.Kind.FORCED, m.get("BR2_PACKAGE_BUSYBOX").kind());
        assertEquals("y", m.get("BR2_PACKAGE_BUSYBOX").actual());
        out.forEach(d -> assertFalse(d.allowed(), d.describe()));
    }

    @Test
    void allowListExactAndPrefix() throws IOException {
        MergedFragment r = requested("BR2_PACKAGE_DOCKER_ENGINE=y", "BR2_INIT_SYSTEMD=y", "BR2_TOOLCHAIN_X=y",
                "BR2_PACKAGEX=y");
        DotConfig c = dotConfig();
        Map<String, DroppedSymbol> m = bySymbol(SymbolCheck.check(r, c,
                List.of(" BR2_INIT_SYSTEMD ", "", "BR2_PACKAGE_*", "BR2_TOOLCHAIN")));
        assertEquals(4, m.size());
        assertTrue(m.get("BR2_PACKAGE_DOCKER_ENGINE").allowed());
        assertTrue(m.get("BR2_INIT_SYSTEMD").allowed());
        assertFalse(m.get("BR2_TOOLCHAIN_X").allowed(), "exact entry is not a prefix");
        assertFalse(m.get("BR2_PACKAGEX").allowed(), "prefix BR2_PACKAGE_ does not match BR2_PACKAGEX");
    }

    @Test
    void allowedHelper() {
        assertTrue(SymbolCheck.allowed("BR2_A", List.of("BR2_A")));
        assertTrue(SymbolCheck.allowed("BR2_ANYTHING", List.of("*")));
        assertFalse(SymbolCheck.allowed("BR2_AB", List.of("BR2_A")));
        assertFalse(SymbolCheck.allowed("BR2_A", List.of()));
    }

    @Test
    void describeNamesSymbolLayerAndFileLine() throws IOException {
        MergedFragment r = requested("# docker", "BR2_PACKAGE_DOCKER_ENGINE=y");
        DroppedSymbol d = SymbolCheck.check(r, dotConfig(), List.of()).get(0);
        String s = d.describe();
        assertTrue(s.contains("BR2_PACKAGE_DOCKER_ENGINE=y"), s);
        assertTrue(s.contains("skiff/core"), s);
        assertTrue(s.contains(fragFile + ":2"), s);
        assertTrue(s.contains("dropped"), s);
        assertFalse(s.contains("[allowed]"), s);

        DroppedSymbol allowed = SymbolCheck.check(r, dotConfig(), List.of("BR2_PACKAGE_*")).get(0);
        assertTrue(allowed.describe().endsWith("[allowed]"), allowed.describe());
    }

    @Test
    void describeChangedAndForcedShowTheActualValue() throws IOException {
        MergedFragment r = requested("BR2_H=\"a\"", "# BR2_F is not set");
        Map<String, DroppedSymbol> m = bySymbol(SymbolCheck.check(r, dotConfig("BR2_H=\"b\"", "BR2_F=y"), List.of()));
        assertTrue(m.get("BR2_H").describe().contains("changed by Kconfig to BR2_H=\"b\""), m.get("BR2_H").describe());
        assertTrue(m.get("BR2_F").describe().contains("forced on") && m.get("BR2_F").describe().contains("BR2_F=y"),
                m.get("BR2_F").describe());
    }

    /** A Kconfig tree with the arch choice, as Buildroot's arch/Config.in has it. */
    private KconfigChoices archChoice() throws IOException {
        Path tree = tmp.resolve("buildroot");
        Files.createDirectories(tree.resolve("arch"));
        Files.writeString(tree.resolve("arch/Config.in"), String.join("\n",
                "menu \"Target options\"", "choice", "\tprompt \"Target Architecture\"", "\tdefault BR2_i386",
                "config BR2_x86_64", "\tbool \"x86_64\"", "config BR2_aarch64", "\tbool \"AArch64\"",
                "if BR2_aarch64", "config BR2_arm", "\tbool \"ARM\"", "endif", "endchoice",
                "config BR2_NOT_IN_A_CHOICE", "\tbool", "endmenu", ""));
        Files.createDirectories(tree.resolve("output/build"));
        Files.writeString(tree.resolve("output/build/Config.in"), "choice\nconfig BR2_x86_64\nconfig BR2_NOT_IN_A_CHOICE\nendchoice\n");
        return KconfigChoices.scan(List.of(tree));
    }

    @Test
    void aChoiceMemberReplacedByALaterMemberTheLayersAskedForIsNotADrop() throws IOException {
        // base/pre asks for x86_64, the board for aarch64: Kconfig keeps the last, as the layers meant.
        MergedFragment r = requested("BR2_x86_64=y", "BR2_aarch64=y");
        DotConfig c = dotConfig("BR2_aarch64=y", "# BR2_x86_64 is not set");
        assertEquals(List.of(), SymbolCheck.check(r, c, List.of(), archChoice()));
        // Without the choice groups it would be reported, which is why Configure passes them.
        assertEquals(List.of("BR2_x86_64"), SymbolCheck.check(r, c, List.of()).stream().map(d -> d.requested().symbol()).toList());
        // Lost to a member nobody asked for (a dependency forced the default): still a drop.
        MergedFragment alone = requested("BR2_x86_64=y");
        DotConfig other = dotConfig("BR2_arm=y", "# BR2_x86_64 is not set");
        assertEquals(1, SymbolCheck.check(alone, other, List.of(), archChoice()).size());
        // A symbol outside any choice (the output/ directory is not scanned) is unaffected.
        assertEquals(1, SymbolCheck.check(requested("BR2_NOT_IN_A_CHOICE=y", "BR2_aarch64=y"),
                dotConfig("BR2_aarch64=y"), List.of(), archChoice()).size());
    }

    @Test
    void aSymbolNoKconfigFileDefinesGetsTheNearestDefinedOnes() throws IOException {
        KconfigChoices tree = archChoice();
        Map<String, DroppedSymbol> m = bySymbol(SymbolCheck.check(requested("BR2_NOT_IN_A_CHOISE=y", "BR2_QQQQQQQQQQQQQQQQQQ=y",
                "BR2_NOT_IN_A_CHOICE=y"), dotConfig(), List.of(), tree));
        assertEquals(List.of("BR2_NOT_IN_A_CHOICE"), m.get("BR2_NOT_IN_A_CHOISE").nearest());
        assertTrue(m.get("BR2_NOT_IN_A_CHOISE").describe().contains("no Kconfig file of this Buildroot or the layers' external trees"
                + " defines BR2_NOT_IN_A_CHOISE; did you mean BR2_NOT_IN_A_CHOICE?"), m.get("BR2_NOT_IN_A_CHOISE").describe());
        assertEquals(List.of(), m.get("BR2_QQQQQQQQQQQQQQQQQQ").nearest());
        assertTrue(m.get("BR2_QQQQQQQQQQQQQQQQQQ").describe().contains("(misspelt, or an option of another Buildroot release)"));
        // Defined but dropped (an unmet dependency): the usual reason, no suggestion.
        assertEquals(null, m.get("BR2_NOT_IN_A_CHOICE").nearest());
        assertTrue(m.get("BR2_NOT_IN_A_CHOICE").describe().contains("dropped by Kconfig (unmet dependency"));
        // The allow-list still applies, and keeps the suggestion.
        DroppedSymbol allowed = SymbolCheck.check(requested("BR2_NOT_IN_A_CHOISE=y"), dotConfig(), List.of("BR2_NOT_*"), tree).get(0);
        assertTrue(allowed.allowed() && allowed.withExcuse(DroppedSymbol.Excuse.SKIFFOS).nearest().equals(List.of("BR2_NOT_IN_A_CHOICE")));
    }

    @Test
    void theChoicesOfATreeReachedThroughALinkAreFound() throws IOException {
        // skiffos/buildroot is often a link to a checkout elsewhere: the walk must go through it.
        archChoice();
        Path link = Files.createSymbolicLink(tmp.resolve("linked-buildroot"), tmp.resolve("buildroot"));
        KconfigChoices viaLink = KconfigChoices.scan(List.of(link));
        assertEquals(java.util.Set.of("BR2_aarch64", "BR2_arm"), viaLink.siblings("BR2_x86_64"));
        assertEquals(List.of(), SymbolCheck.check(requested("BR2_x86_64=y", "BR2_aarch64=y"),
                dotConfig("BR2_aarch64=y", "# BR2_x86_64 is not set"), List.of(), viaLink));
    }

    @Test
    void notSetForAStringOrNumberOptionIsReportedAsDoingNothing() throws IOException {
        MergedFragment r = requested("# BR2_ENABLE_LOCALE_WHITELIST is not set");
        DroppedSymbol d = SymbolCheck.check(r, dotConfig("BR2_ENABLE_LOCALE_WHITELIST=\"C en_US\""), List.of()).get(0);
        assertEquals(DroppedSymbol.Kind.UNSET_IGNORED, d.kind());
        assertTrue(d.reason().contains("does nothing for a string or number option") && d.reason().contains("=\"\""), d.reason());
    }
}
