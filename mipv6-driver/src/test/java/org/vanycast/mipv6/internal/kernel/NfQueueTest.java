package org.vanycast.mipv6.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("netns")
class NfQueueTest {

    @Test
    void shouldDeliverQueuedPacketOnAcceptAndSwallowItOnDrop() throws Exception {
        try (TwoHosts h = new TwoHosts()) {
            TwoHosts.sh("ip", "netns", "exec", h.b, "ip6tables-legacy", "-t", "raw", "-A", "PREROUTING",
                    "-p", "udp", "--dport", "7100", "-j", "NFQUEUE", "--queue-num", "7");
            NfQueue q = NetNs.call(h.b, () -> NfQueue.open(7, 0xffff, 100));
            DatagramChannel server = NetNs.call(h.b, () -> DatagramChannel.open().bind(new InetSocketAddress(h.addrB, 7100)));
            DatagramChannel client = NetNs.call(h.a, () -> DatagramChannel.open().bind(new InetSocketAddress(h.addrA, 0)));
            try (q; server; client) {
                client.send(NftBindingTranslatorTest.utf8("first"), new InetSocketAddress(h.addrB, 7100));
                NfQueue.QueuedPacket p = pollOne(q);
                assertNotNull(p, "packet queued");
                assertEquals(6, p.packet()[0] >> 4 & 0xf, "an IPv6 packet");
                assertEquals(17, p.packet()[6], "UDP next header");
                assertTrue(p.inIfindex() > 0, "input interface known");
                q.drop(p.id());
                assertNull(NftBindingTranslatorTest.receiveWithin(server, ByteBuffer.allocate(64), 1), "dropped packet never arrives");

                client.send(NftBindingTranslatorTest.utf8("second"), new InetSocketAddress(h.addrB, 7100));
                NfQueue.QueuedPacket p2 = pollOne(q);
                assertNotNull(p2);
                q.accept(p2.id());
                ByteBuffer in = ByteBuffer.allocate(64);
                assertNotNull(NftBindingTranslatorTest.receiveWithin(server, in, 5), "accepted packet arrives");
                in.flip();
                byte[] got = new byte[in.remaining()];
                in.get(got);
                assertArrayEquals("second".getBytes(), got);
            }
        }
    }

    @Test
    void shouldReportWhyUnavailableOnlyWhenUnavailable() {
        assertEquals(NfQueue.isAvailable(), NfQueue.unavailabilityCause() == null);
        assertFalse(XfrmRouteOptimization.isAvailable() && XfrmRouteOptimization.unavailabilityCause() != null);
    }

    static NfQueue.QueuedPacket pollOne(NfQueue q) throws NativeException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<NfQueue.QueuedPacket> got = new ArrayList<>();
        while (got.isEmpty() && System.nanoTime() < deadline) {
            got.addAll(q.poll(200));
        }
        return got.isEmpty() ? null : got.get(0);
    }
}
