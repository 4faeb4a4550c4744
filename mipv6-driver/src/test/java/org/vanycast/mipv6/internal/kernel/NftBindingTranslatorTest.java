package org.vanycast.mipv6.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("netns")
class NftBindingTranslatorTest {

    @Test
    void shouldSendTrafficForHomeAddressToCareOfAndShowRepliesAsFromHome() throws Exception {
        try (TwoHosts h = new TwoHosts()) {
            Inet6Address home = TwoHosts.v6("fd7e:ffff::a");
            // b holds the home address too, as a service node does.
            TwoHosts.sh("ip", "-n", h.b, "-6", "addr", "add", "fd7e:ffff::a/128", "dev", "lo");
            // The client's route to the home network leads to a neighbour that does not exist:
            // only the translation can make the packet reach b.
            TwoHosts.sh("ip", "-n", h.a, "-6", "route", "add", "fd7e:ffff::/64", "via", h.prefix + "99", "dev", "eth0");
            DatagramChannel server = NetNs.call(h.b, () -> DatagramChannel.open().bind(new InetSocketAddress(h.addrB, 7000)));
            NftBindingTranslator cn = NetNs.call(h.a, () -> NftBindingTranslator.create("vc_test"));
            DatagramChannel client = NetNs.call(h.a, () -> DatagramChannel.open().bind(new InetSocketAddress(h.addrA, 0)));
            try (server; client; cn) {
                cn.bindCorrespondent(home, h.addrB);
                client.send(utf8("ping"), new InetSocketAddress(home, 7000));
                ByteBuffer in = ByteBuffer.allocate(100);
                server.configureBlocking(true);
                InetSocketAddress from = (InetSocketAddress) receiveWithin(server, in, 5);
                assertEquals(h.addrA, from.getAddress(), "server sees the client's own address");
                server.send(utf8("pong"), from);
                InetSocketAddress replyFrom = (InetSocketAddress) receiveWithin(client, ByteBuffer.allocate(100), 5);
                assertEquals(home, replyFrom.getAddress(), "reply from the care-of address appears to come from home");
                assertTrue(cn.listTable().contains("fd7e:ffff::a"), "map element listed");

                cn.unbindCorrespondent(home);
                assertTrue(cn.correspondentBindings().isEmpty());
            }
        }
    }

    @Test
    void shouldMakeMobileNodeAnswerFromCareOfAndAcceptTrafficToCareOfAsHome() throws Exception {
        try (TwoHosts h = new TwoHosts()) {
            Inet6Address home = TwoHosts.v6("fd7e:ffff::b");
            TwoHosts.sh("ip", "-n", h.b, "-6", "addr", "add", "fd7e:ffff::b/128", "dev", "lo");
            NftBindingTranslator mn = NetNs.call(h.b, () -> NftBindingTranslator.create("vc_test"));
            DatagramChannel server = NetNs.call(h.b, () -> DatagramChannel.open().bind(new InetSocketAddress(home, 7001)));
            DatagramChannel client = NetNs.call(h.a, () -> DatagramChannel.open().bind(new InetSocketAddress(h.addrA, 0)));
            try (server; client; mn) {
                mn.bindMobile(h.addrA, home, h.addrB);
                client.send(utf8("hi"), new InetSocketAddress(h.addrB, 7001));
                InetSocketAddress from = (InetSocketAddress) receiveWithin(server, ByteBuffer.allocate(100), 5);
                assertEquals(h.addrA, from.getAddress(), "socket bound to home receives traffic sent to the care-of address");
                server.send(utf8("back"), from);
                InetSocketAddress replyFrom = (InetSocketAddress) receiveWithin(client, ByteBuffer.allocate(100), 5);
                assertEquals(h.addrB, replyFrom.getAddress(), "reply leaves from the care-of address");
                mn.unbindMobile(h.addrA, home);
                client.send(utf8("hi again"), new InetSocketAddress(h.addrB, 7001));
                assertNull(receiveWithin(server, ByteBuffer.allocate(100), 1), "without binding nothing reaches the home socket");
            }
        }
    }

    static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Receives one datagram, polling until {@code seconds} pass; null if none came. */
    static java.net.SocketAddress receiveWithin(DatagramChannel ch, ByteBuffer buf, int seconds) throws Exception {
        ch.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try (java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
            ch.register(sel, java.nio.channels.SelectionKey.OP_READ);
            while (System.nanoTime() < deadline) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                sel.select(Math.max(1, left));
                java.net.SocketAddress from = ch.receive(buf);
                if (from != null) {
                    return from;
                }
            }
        }
        return null;
    }
}
