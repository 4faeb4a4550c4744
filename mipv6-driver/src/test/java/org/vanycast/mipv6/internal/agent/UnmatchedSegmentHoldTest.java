package org.vanycast.mipv6.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.NfQueue;
import org.vanycast.mipv6.internal.kernel.NftBindingTranslator;
import org.vanycast.mipv6.internal.kernel.TwoHosts;

/**
 * The kernel half of the cn-agent's hold (see {@link HeldSegments}): a segment from a care-of
 * address the client has no binding for yet is queued instead of answered with a RST, and,
 * rewritten once the binding exists, it reaches the connection, which carries on.
 */
@Tag("netns")
class UnmatchedSegmentHoldTest {

    @Test
    void shouldHoldSegmentsFromAnUnboundCareOfAndDeliverThemRewrittenOnceBound() throws Exception {
        try (TwoHosts h = new TwoHosts()) {
            Inet6Address home = TwoHosts.v6("fd7e:ffff::e");
            TwoHosts.sh("ip", "-n", h.b, "-6", "addr", "add", "fd7e:ffff::e/128", "dev", "lo");
            TwoHosts.sh("ip", "-n", h.a, "-6", "route", "add", "fd7e:ffff::/64", "via", h.addrB.getHostAddress(), "dev", "eth0");
            int queue = 41000 + (int) (ProcessHandle.current().pid() % 1000);
            NftBindingTranslator cn = NetNs.call(h.a, () -> NftBindingTranslator.create("vc_test"));
            NftBindingTranslator mn = NetNs.call(h.b, () -> NftBindingTranslator.create("vc_test"));
            NfQueue q = NetNs.call(h.a, () -> NfQueue.open(queue, 0xffff, 64));
            ServerSocketChannel listener = NetNs.call(h.b, () -> ServerSocketChannel.open().bind(new InetSocketAddress(home, 7004)));
            try (cn; mn; q; listener; SocketChannel client = NetNs.call(h.a, () -> SocketChannel.open(new InetSocketAddress(home, 7004)));
                    SocketChannel server = listener.accept()) {
                CorrespondentAgent.holdUnmatchedSegments(h.a, queue, true);
                client.write(utf8("hello"));
                assertEquals("hello", read(server, 5));
                server.write(utf8("hi"));
                assertEquals("hi", read(client, 5));
                assertTrue(q.poll(200).isEmpty(), "segments of a known connection are not queued");

                // b now answers from its care-of address, before a has taken the binding
                mn.bindMobile(h.addrA, home, h.addrB);
                server.write(utf8("moved"));
                List<NfQueue.QueuedPacket> got = pollUntilSome(q, 5);
                assertEquals(1, got.size(), "the early segment waits in the queue");
                byte[] packet = got.get(0).packet();
                assertEquals(h.addrB, InetAddress.getByAddress(Arrays.copyOfRange(packet, 8, 24)), "from the care-of address");
                assertEquals(6, packet[6], "a TCP segment");
                assertEquals("", read(client, 0), "nothing reached the client's socket yet");

                cn.bindCorrespondent(home, h.addrB);
                q.acceptModified(got.get(0).id(), SegmentRewrite.withSource(packet, home));
                assertEquals("moved", read(client, 5), "rewritten as from the home address, the segment is delivered");
                client.write(utf8("still here"));
                assertEquals("still here", read(server, 5), "the connection survived (no RST)");
            }
        }
    }

    private static List<NfQueue.QueuedPacket> pollUntilSome(NfQueue q, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<NfQueue.QueuedPacket> got = List.of();
        while (got.isEmpty() && System.nanoTime() < deadline) {
            got = q.poll(100);
        }
        return got;
    }

    /** Reads what arrives within {@code seconds} (0: only what is there now) as text. */
    private static String read(SocketChannel ch, int seconds) throws Exception {
        ch.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(1000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        do {
            if (ch.read(buf) > 0) {
                break;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
