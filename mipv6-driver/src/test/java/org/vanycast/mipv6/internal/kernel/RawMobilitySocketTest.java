package org.vanycast.mipv6.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("netns")
class RawMobilitySocketTest {

    /** A Binding Refresh Request (RFC 6275 §6.1.2): 8 bytes, MH type 0, header length 0. */
    private static byte[] bindingRefreshRequest() {
        return new byte[] {59, 0, 0, 0, 0, 0, 0, 0};
    }

    @Test
    void shouldCarryMobilityHeaderWithKernelComputedChecksum() throws Exception {
        try (TwoHosts h = new TwoHosts();
             RawMobilitySocket rx = NetNs.call(h.b, () -> RawMobilitySocket.open(null));
             RawMobilitySocket tx = NetNs.call(h.a, () -> RawMobilitySocket.open(h.addrA))) {
            tx.send(bindingRefreshRequest(), h.addrB);
            RawMobilitySocket.Received r = null;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (r == null && System.nanoTime() < deadline) {
                r = rx.receive(200);
            }
            assertNotNull(r, "MH arrived");
            assertEquals(h.addrA, r.source());
            assertEquals(8, r.mobilityHeader().length);
            int sum = Checksums.pseudoHeaderSum(h.addrA.getAddress(), h.addrB.getAddress(), 135, r.mobilityHeader());
            assertEquals(0xffff, sum, "checksum verifies against the IPv6 pseudo-header");
        }
    }

    @Test
    void shouldSendWholeIpv6PacketThroughHeaderIncludedSocket() throws Exception {
        try (TwoHosts h = new TwoHosts();
             RawMobilitySocket rx = NetNs.call(h.b, () -> RawMobilitySocket.open(null));
             RawMobilitySocket tx = NetNs.call(h.a, () -> RawMobilitySocket.open(null))) {
            byte[] mh = bindingRefreshRequest();
            int sum = Checksums.pseudoHeaderSum(h.addrA.getAddress(), h.addrB.getAddress(), 135, mh);
            int c = ~sum & 0xffff;
            mh[4] = (byte) (c >> 8);
            mh[5] = (byte) c;
            byte[] pkt = new byte[40 + mh.length];
            pkt[0] = 0x60;
            pkt[5] = (byte) mh.length;
            pkt[6] = (byte) 135;
            pkt[7] = 64;
            System.arraycopy(h.addrA.getAddress(), 0, pkt, 8, 16);
            System.arraycopy(h.addrB.getAddress(), 0, pkt, 24, 16);
            System.arraycopy(mh, 0, pkt, 40, mh.length);
            tx.sendPacket(pkt, null);
            RawMobilitySocket.Received r = null;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (r == null && System.nanoTime() < deadline) {
                r = rx.receive(200);
            }
            assertNotNull(r, "kernel accepted our checksum and delivered the MH");
            assertEquals(h.addrA, r.source());
        }
    }

    @Test
    void shouldRehearseTheSendOnLoopbackOnly() throws Exception {
        try (TwoHosts h = new TwoHosts()) {
            // count packets without an upper layer (next header 59) leaving by each interface;
            // the link's own chatter (router solicitations, MLD) is not counted
            TwoHosts.sh("ip", "netns", "exec", h.a, "nft", "add table ip6 vct_rehearsal; "
                    + "add chain ip6 vct_rehearsal out { type filter hook output priority 0; }; "
                    + "add rule ip6 vct_rehearsal out oifname \"eth0\" meta l4proto 59 counter; "
                    + "add rule ip6 vct_rehearsal out oifname \"lo\" meta l4proto 59 counter");
            RawMobilitySocket tx = NetNs.call(h.a, () -> RawMobilitySocket.open(null));
            for (int i = 0; i < 5; i++) {
                assertTrue(tx.rehearseSend(), "rehearsal " + i + " sent");
            }
            List<Long> counted = counters(h.a);
            assertEquals(List.of(0L, 5L), counted, "packets to eth0, to lo");
            tx.close();
            assertFalse(tx.rehearseSend(), "a closed socket sends nothing, and says so");
            assertEquals(counted, counters(h.a));
        }
    }

    /** The packet counters of the rules above, in order. */
    private static List<Long> counters(String ns) throws Exception {
        String out = TwoHosts.sh("ip", "netns", "exec", ns, "nft", "list", "chain", "ip6", "vct_rehearsal", "out");
        List<Long> n = new ArrayList<>();
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(out);
        while (m.find()) {
            n.add(Long.parseLong(m.group(1)));
        }
        return n;
    }
}
