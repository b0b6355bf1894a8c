package dev.skiff.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.SkiffException;
import org.junit.jupiter.api.Test;

class DeviceAddressTest {
    @Test
    void parsesUserHostAndPort() {
        assertEquals(new DeviceAddress("root", "192.168.1.50", 22), DeviceAddress.parse("root@192.168.1.50", "skiff.host"));
        assertEquals(new DeviceAddress("pi", "skiff.local", 2222), DeviceAddress.parse(" pi@skiff.local:2222 ", "skiff.host"));
        assertEquals(new DeviceAddress("root", "skiff", 22), DeviceAddress.parse("skiff", "skiff.host"), "user defaults to root");
        assertEquals(new DeviceAddress("root", "fe80::1", 2200), DeviceAddress.parse("root@[fe80::1]:2200", "skiff.host"));
        assertEquals(new DeviceAddress("root", "::1", 22), DeviceAddress.parse("root@::1", "skiff.host"));
    }

    @Test
    void knownHostsNameFollowsOpenSsh() {
        assertEquals("skiff.local", DeviceAddress.parse("root@skiff.local", "h").knownHostsName());
        assertEquals("[127.0.0.1]:2222", DeviceAddress.parse("root@127.0.0.1:2222", "h").knownHostsName());
        assertEquals("root@[fe80::1]:2200", DeviceAddress.parse("root@[fe80::1]:2200", "h").toString());
    }

    @Test
    void rejectsMalformedAddresses() {
        for (String bad : new String[] {"", "@host", "root@", "root@host:", "root@host:99999", "root@host:ssh",
                "root@[::1", "root@ho st", "ro'ot@host", "root@host;rm"}) {
            SkiffException e = assertThrows(SkiffException.class, () -> DeviceAddress.parse(bad, "skiff.host"), bad);
            assertTrue(e.getMessage().startsWith("skiff.host"), e.getMessage());
            assertTrue(e.getMessage().contains("user@host[:port]"), e.getMessage());
        }
    }
}
