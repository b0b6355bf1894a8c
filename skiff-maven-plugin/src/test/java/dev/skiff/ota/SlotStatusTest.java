package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import org.junit.jupiter.api.Test;

/** Reading {@code skiff-slot status}, and what a trial's end means. */
class SlotStatusTest {
    private static final DeviceAddress DEVICE = new DeviceAddress("root", "pi.local", 22);
    private static final String STATUS = "scheme=pi-tryboot\nbooted=b\nactive=a\ninactive=b\ndir_a=/mnt/boot-a\ndir_b=/mnt/boot-b\n"
            + "trial=none\nlast=failed-check:containers\nversion_a=1.0\nversion_b=\n";

    @Test
    void parsesEveryKey() {
        SlotStatus s = SlotStatus.parse("@root=\n" + STATUS, DEVICE);
        assertEquals(new SlotStatus("pi-tryboot", "b", "a", "b", "/mnt/boot-a", "/mnt/boot-b", "none", "failed-check:containers",
                "1.0", "none"), s);
        assertEquals("/mnt/boot-b", s.dir("b"));
        assertEquals("slot b (/mnt/boot-b): version none, booted", s.describe().get(1));
    }

    @Test
    void missingKeysAreNamed() {
        SkiffException e = assertThrows(SkiffException.class, () -> SlotStatus.parse("scheme=grub\nbooted=a\n", DEVICE));
        assertTrue(e.getMessage().contains("did not say active, inactive, dir_a, dir_b, trial, last, version_a, version_b")
                && e.getMessage().contains("root@pi.local"), e.getMessage());
    }

    @Test
    void aSlotOtherThanAOrBIsRefused() {
        SkiffException e = assertThrows(SkiffException.class, () -> SlotStatus.parse(STATUS.replace("booted=b", "booted=c"), DEVICE));
        assertTrue(e.getMessage().contains("booted=c; expected a or b"), e.getMessage());
        e = assertThrows(SkiffException.class, () -> SlotStatus.parse(STATUS.replace("trial=none", "trial=x"), DEVICE));
        assertTrue(e.getMessage().contains("trial=x; expected none, a or b"), e.getMessage());
    }

    @Test
    void onlyADeviceWithSkiffSlotAndALayoutWithSlotsGetsAnABPush() {
        java.util.Optional<SlotStatus> ab = java.util.Optional.of(SlotStatus.parse(STATUS, DEVICE));
        java.util.List<String> chain = java.util.List.of("pi/4", "skiff/core");
        assertEquals(null, SlotDevice.singleSetReason(DEVICE, ab, true, chain, "/mnt/boot-a"));
        assertEquals("root@pi.local has no A/B layout (no /usr/lib/skiff/skiff-slot): replacing its single boot set in /mnt/boot.",
                SlotDevice.singleSetReason(DEVICE, java.util.Optional.empty(), true, chain, "/mnt/boot"));
        assertEquals("root@pi.local has skiff-slot, but the layout of chain pi/4,skiff/core declares no slots: pushing a single"
                + " boot set to /mnt/boot.", SlotDevice.singleSetReason(DEVICE, ab, false, chain, "/mnt/boot"));
    }

    @Test
    void outcomeOfATrial() {
        SlotStatus committed = SlotStatus.parse(STATUS.replace("active=a", "active=b").replace("inactive=b", "inactive=a"), DEVICE);
        assertEquals(SlotDevice.Outcome.COMMITTED, SlotDevice.outcome("b", committed));
        SlotStatus failed = SlotStatus.parse(STATUS, DEVICE);
        assertEquals(SlotDevice.Outcome.FAILED_CHECK, SlotDevice.outcome("b", failed));
        assertEquals(SlotDevice.Outcome.NOT_COMMITTED, SlotDevice.outcome("b", SlotStatus.parse(STATUS.replace("last=failed-check:containers",
                "last=none"), DEVICE)));
        // Back on slot b after a trial of a. The trial ran and failed its check (the commit cleared
        // it and recorded why), then the device rebooted by itself (fallback_reboot):
        assertEquals(SlotDevice.Outcome.FAILED_CHECK, SlotDevice.outcome("a", failed), "trial a failed its check, b runs again");
        // ... or it never booted: still armed until the commit of this boot, or recorded as fell-back,
        // whatever an older trial left in last.
        assertEquals(SlotDevice.Outcome.FELL_BACK, SlotDevice.outcome("a", SlotStatus.parse(STATUS.replace("trial=none", "trial=a"), DEVICE)));
        assertEquals(SlotDevice.Outcome.FELL_BACK, SlotDevice.outcome("a", SlotStatus.parse(STATUS.replace("last=failed-check:containers",
                "last=fell-back"), DEVICE)));
    }
}
