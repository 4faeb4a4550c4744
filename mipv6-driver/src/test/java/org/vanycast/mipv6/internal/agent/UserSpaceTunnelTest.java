package org.vanycast.mipv6.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.TunnelSocket;
import org.vanycast.mipv6.internal.kernel.TwoHosts;

/**
 * Two namespaces, each with an address on lo that only the other end of a user-space
 * IPv6-in-IPv6 tunnel can reach: traffic between them must be wrapped, carried over the veth
 * link as protocol 41 and unwrapped, both ways; what the policy refuses never gets in.
 */
@Tag("netns")
class UserSpaceTunnelTest {

    @Test
    void shouldCarryTrafficBothWaysAndRefuseWhatThePolicyRefuses() throws Exception {
        try (TwoHosts h = new TwoHosts()) {
            Inet6Address innerA = TwoHosts.v6("fd7e:aaaa::1");
            Inet6Address innerB = TwoHosts.v6("fd7e:bbbb::1");
            TwoHosts.sh("ip", "-n", h.a, "-6", "addr", "add", "fd7e:aaaa::1/128", "dev", "lo");
            TwoHosts.sh("ip", "-n", h.b, "-6", "addr", "add", "fd7e:bbbb::1/128", "dev", "lo");
            DropCounters countersA = new DropCounters();
            DropCounters countersB = new DropCounters();
            try (UserSpaceTunnel a = UserSpaceTunnel.start(h.a, "vctun0", h.addrA, policy(innerA, h.addrB), countersA);
                    UserSpaceTunnel b = UserSpaceTunnel.start(h.b, "vctun0", h.addrB, policy(innerB, h.addrA), countersB)) {
                TwoHosts.sh("ip", "-n", h.a, "-6", "route", "add", "fd7e:bbbb::1/128", "dev", "vctun0");
                TwoHosts.sh("ip", "-n", h.b, "-6", "route", "add", "fd7e:aaaa::1/128", "dev", "vctun0");

                Process capture = new ProcessBuilder("ip", "netns", "exec", h.b, "tcpdump", "-l", "-n", "-i", "eth0", "-c", "1",
                        "ip6 proto 41").redirectErrorStream(true).start();
                try (DatagramSocket echo = NetNs.call(h.b, () -> new DatagramSocket(new InetSocketAddress(innerB, 7)));
                        DatagramSocket client = NetNs.call(h.a, () -> new DatagramSocket(new InetSocketAddress(innerA, 0)))) {
                    Thread.sleep(500); // tcpdump attached
                    echo.setSoTimeout(5000);
                    client.setSoTimeout(5000);
                    for (int i = 0; i < 3; i++) {
                        byte[] m = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                        client.send(new DatagramPacket(m, m.length, innerB, 7));
                        DatagramPacket in = new DatagramPacket(new byte[100], 100);
                        echo.receive(in);
                        assertEquals(innerA, in.getAddress());
                        echo.send(new DatagramPacket(in.getData(), in.getLength(), in.getSocketAddress()));
                        DatagramPacket back = new DatagramPacket(new byte[100], 100);
                        client.receive(back);
                        assertEquals("hello " + i, new String(back.getData(), 0, back.getLength(), StandardCharsets.US_ASCII));
                    }
                    assertTrue(capture.waitFor(5, TimeUnit.SECONDS), "no protocol-41 packet on the link");
                } finally {
                    capture.destroyForcibly();
                }
                assertEquals(3, countersA.get("tunnel-vctun0-encapsulated"), countersA.toString());
                assertEquals(3, countersB.get("tunnel-vctun0-decapsulated"), countersB.toString());
                assertEquals(3, countersB.get("tunnel-vctun0-encapsulated"), countersB.toString());
                assertEquals(3, countersA.get("tunnel-vctun0-decapsulated"), countersA.toString());

                // a tunnelled packet whose inner destination the policy does not accept: counted, not delivered
                byte[] forged = echoRequest(h.addrA, TwoHosts.v6("fd7e:bbbb::99"));
                try (TunnelSocket s = NetNs.call(h.a, () -> TunnelSocket.open(h.addrA))) {
                    s.send(forged, 0, forged.length, h.addrB);
                }
                // and garbage that is not an IPv6 packet at all
                try (TunnelSocket s = NetNs.call(h.a, () -> TunnelSocket.open(h.addrA))) {
                    s.send(new byte[] {1, 2, 3}, 0, 3, h.addrB);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while ((countersB.get("tunnel-vctun0-refused") < 1 || countersB.get("tunnel-vctun0-malformed") < 1)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(1, countersB.get("tunnel-vctun0-refused"), countersB.toString());
                assertEquals(1, countersB.get("tunnel-vctun0-malformed"), countersB.toString());
                assertEquals(3, countersB.get("tunnel-vctun0-decapsulated"), countersB.toString());
            }
            String links = TwoHosts.sh("ip", "-n", h.a, "link", "show");
            assertTrue(!links.contains("vctun0"), "the TUN device vanishes with the tunnel: " + links);
        }
    }

    /** Packets from {@code inner} go to {@code peer}; only packets tunnelled by {@code peer} to {@code inner} enter. */
    private static UserSpaceTunnel.Policy policy(Inet6Address inner, Inet6Address peer) {
        return new UserSpaceTunnel.Policy() {
            @Override
            public Inet6Address outerDestination(Inet6Address innerSource, Inet6Address innerDestination) {
                return innerSource.equals(inner) ? peer : null;
            }

            @Override
            public boolean accept(Inet6Address outerSource, Inet6Address innerSource, Inet6Address innerDestination) {
                return outerSource.equals(peer) && innerDestination.equals(inner);
            }
        };
    }

    /** A minimal IPv6 packet (no payload, next header 59) from {@code src} to {@code dst}. */
    private static byte[] echoRequest(Inet6Address src, Inet6Address dst) {
        byte[] p = new byte[40];
        p[0] = 0x60;
        p[6] = 59;
        p[7] = 64;
        System.arraycopy(src.getAddress(), 0, p, 8, 16);
        System.arraycopy(dst.getAddress(), 0, p, 24, 16);
        return p;
    }
}
