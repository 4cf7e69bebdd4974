package io.palisade.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void ipv4NetworksContainTheirAddressesOnly() {
        Cidr net = Cidr.parse("10.20.0.0/16");
        assertTrue(net.contains("10.20.255.1"));
        assertFalse(net.contains("10.21.0.1"));
        assertTrue(Cidr.parse("127.0.0.0/8").contains("127.5.6.7"));
        assertTrue(Cidr.parse("0.0.0.0/0").contains("8.8.8.8"));
        assertTrue(Cidr.parse("192.168.1.7").contains("192.168.1.7"));
        assertFalse(Cidr.parse("192.168.1.7").contains("192.168.1.8"));
    }

    @Test
    void ipv6AndMappedIpv4() {
        assertTrue(Cidr.parse("::1/128").contains("::1"));
        assertTrue(Cidr.parse("::1/128").contains("0:0:0:0:0:0:0:1"));
        assertTrue(Cidr.parse("fd00::/8").contains("fd12:3456::1"));
        assertFalse(Cidr.parse("fd00::/8").contains("fe80::1"));
        assertTrue(Cidr.parse("127.0.0.0/8").contains("::ffff:127.0.0.1"));
        assertFalse(Cidr.parse("::1/128").contains("127.0.0.1"));
    }

    @Test
    void garbageIsRefusedWithoutDnsLookups() {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0/8"));
        assertFalse(Cidr.parse("10.0.0.0/8").contains("localhost"));
        assertFalse(Cidr.parse("10.0.0.0/8").contains("10.0.0.256"));
    }

    @Test
    void forwardedForIsBelievedOnlyFromTrustedProxies() {
        List<Cidr> proxies = List.of(Cidr.parse("10.0.0.0/24"));
        assertEquals("203.0.113.9", ClientAddress.resolve("203.0.113.9", "127.0.0.1", proxies));
        assertEquals("198.51.100.4", ClientAddress.resolve("10.0.0.5", "198.51.100.4", proxies));
        assertEquals("198.51.100.4", ClientAddress.resolve("10.0.0.5", "127.0.0.1, 198.51.100.4, 10.0.0.7", proxies));
        assertEquals("10.0.0.5", ClientAddress.resolve("10.0.0.5", "not-an-ip", proxies));
    }
}
