package org.vanycast.node.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class AddressesTest {

    @Test
    void shouldWriteIpv6InRfc5952Form() throws Exception {
        assertEquals("fd00:5a::2", Addresses.format(InetAddress.getByName("fd00:5a:0:0:0:0:0:2")));
        assertEquals("::1", Addresses.format(InetAddress.getByName("::1")));
        assertEquals("::", Addresses.format(InetAddress.getByName("::")));
        assertEquals("fd00:0:1::", Addresses.format(InetAddress.getByName("fd00:0:1:0:0:0:0:0")));
        assertEquals("1:0:2:3:4:5:6:7", Addresses.format(InetAddress.getByName("1:0:2:3:4:5:6:7")));
        assertEquals("1::4:0:0:7", Addresses.format(InetAddress.getByName("1:0:0:0:4:0:0:7")));
    }

    @Test
    void shouldBracketIpv6SocketAddressesOnly() throws Exception {
        assertEquals("[fd00::1]:80", Addresses.format(new InetSocketAddress(InetAddress.getByName("fd00::1"), 80)));
        assertEquals("10.0.0.1:80", Addresses.format(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 80)));
    }
}
