package dev.skiff.kconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergedFragmentTest {
    @TempDir
    Path tmp;

    private List<Assignment> frag(String layer, String name, String... lines) throws IOException {
        Path f = tmp.resolve(layer.replace('/', '_')).resolve("buildroot").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", lines) + "\n");
        return Fragment.parse(f, KconfigKind.BUILDROOT, layer);
    }

    @Test
    void lastValueWinsAndFirstPositionIsKept() throws IOException {
        MergedFragment m = MergedFragment.empty(KconfigKind.BUILDROOT)
                .plus(frag("base/pre", "a", "BR2_A=y", "BR2_B=\"one\"", "BR2_C=y"))
                .plus(frag("virt/qemu", "b", "BR2_B=\"two\"", "BR2_D=y"));
        assertEquals(List.of("BR2_A", "BR2_B", "BR2_C", "BR2_D"), List.copyOf(m.symbols().keySet()));
        assertEquals("\"two\"", m.symbols().get("BR2_B").value());
        assertEquals("virt/qemu", m.symbols().get("BR2_B").origin());
        assertEquals("BR2_A=y\nBR2_B=\"two\"\nBR2_C=y\nBR2_D=y\n", m.render());
        assertEquals(KconfigKind.BUILDROOT, m.kind());
    }

    @Test
    void notSetOverridesAValueAndAValueOverridesNotSet() throws IOException {
        MergedFragment m = MergedFragment.empty(KconfigKind.BUILDROOT)
                .plus(frag("a/a", "f", "BR2_X=y", "# BR2_Y is not set"))
                .plus(frag("b/b", "f", "# BR2_X is not set", "BR2_Y=y"));
        assertNull(m.symbols().get("BR2_X").value());
        assertEquals("y", m.symbols().get("BR2_Y").value());
        assertEquals("# BR2_X is not set\nBR2_Y=y\n", m.render());
        assertEquals(2, m.redefinitions().size());
    }

    @Test
    void equalsNOverridesLikeNotSet() throws IOException {
        MergedFragment m = MergedFragment.empty(KconfigKind.BUILDROOT)
                .plus(frag("a/a", "f", "BR2_X=y"))
                .plus(frag("b/b", "f", "BR2_X=n"));
        assertTrue(m.symbols().get("BR2_X").isUnset());
    }

    @Test
    void everyRedefinitionIsRecordedWithBothFilesAndOrigins() throws IOException {
        List<Assignment> pre = frag("base/pre", "00-base", "BR2_A=y", "BR2_HOST=\"skiff\"");
        List<Assignment> qemu = frag("virt/qemu", "qemu", "BR2_HOST=\"qemu\"");
        List<Assignment> ovr = frag("overrides", "mine", "# BR2_HOST is not set", "BR2_A=y");
        MergedFragment m = MergedFragment.empty(KconfigKind.BUILDROOT).plus(pre).plus(qemu).plus(ovr);
        List<Redefinition> r = m.redefinitions();
        assertEquals(3, r.size(), r.toString());

        Redefinition host1 = r.get(0);
        assertSame(pre.get(1), host1.previous());
        assertSame(qemu.get(0), host1.next());
        assertEquals("base/pre", host1.previous().origin());
        assertEquals("virt/qemu", host1.next().origin());
        assertFalse(host1.sameValue());
        String d = host1.describe();
        assertTrue(d.contains(pre.get(1).file() + ":2") && d.contains(qemu.get(0).file() + ":1"), d);
        assertTrue(d.contains("BR2_HOST=\"skiff\"") && d.contains("BR2_HOST=\"qemu\""), d);

        Redefinition host2 = r.get(1);
        assertSame(qemu.get(0), host2.previous());
        assertSame(ovr.get(0), host2.next());
        assertFalse(host2.sameValue());

        Redefinition a = r.get(2);
        assertSame(pre.get(0), a.previous());
        assertSame(ovr.get(1), a.next());
        assertTrue(a.sameValue());
        assertTrue(a.describe().endsWith("[same value]"), a.describe());
    }

    @Test
    void redefinitionWithinOneFileIsRecordedToo() throws IOException {
        MergedFragment m = MergedFragment.empty(KconfigKind.BUILDROOT).plus(frag("a/a", "f", "BR2_X=y", "BR2_X=m"));
        assertEquals(1, m.redefinitions().size());
        assertEquals(1, m.redefinitions().get(0).previous().line());
        assertEquals(2, m.redefinitions().get(0).next().line());
    }

    @Test
    void notSetTwiceIsASameValueRedefinition() throws IOException {
        MergedFragment m = MergedFragment.empty(KconfigKind.BUILDROOT)
                .plus(frag("a/a", "f", "# BR2_X is not set")).plus(frag("b/b", "f", "BR2_X=n"));
        assertTrue(m.redefinitions().get(0).sameValue());
    }

    @Test
    void plusIsImmutable() throws IOException {
        MergedFragment empty = MergedFragment.empty(KconfigKind.KERNEL);
        MergedFragment one = empty.plus(List.of(new Assignment("CONFIG_A", "y", null, 0, "x")));
        assertTrue(empty.isEmpty());
        assertFalse(one.isEmpty());
        MergedFragment without = one.without("CONFIG_A");
        assertTrue(without.isEmpty());
        assertEquals(1, one.symbols().size());
    }

    @Test
    void withoutRedefinitionOfForgetsOnlyThatRecord() throws IOException {
        List<Assignment> a = frag("a/a", "f", "BR2_P=\"\"");
        MergedFragment m = MergedFragment.empty(KconfigKind.BUILDROOT).plus(a)
                .plus(List.of(a.get(0).withValue("\"/filled\"")));
        assertEquals(1, m.redefinitions().size());
        MergedFragment cleaned = m.withoutRedefinitionOf("BR2_P", a.get(0));
        assertEquals(List.of(), cleaned.redefinitions());
        assertEquals("\"/filled\"", cleaned.symbols().get("BR2_P").value());
    }
}
