package org.vanycast.mipv6.internal.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.vanycast.mipv6.api.HomeTestInit;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.MobilityHeaderCodec;

class HomeTestRelayTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

    private static Ipv6Packet hoti() throws Exception {
        Inet6Address x = (Inet6Address) InetAddress.getByName("fd00:1::100");
        Inet6Address client = (Inet6Address) InetAddress.getByName("fd00:2::2");
        byte[] mh = MobilityHeaderCodec.encode(new HomeTestInit(0x1122334455667788L, java.util.List.of()), x, client);
        return new Ipv6Packet(0, 0, 64, x, client, null, null, MobilityHeader.IPPROTO_MH, mh);
    }

    private static final class Recording implements HomeTestRelay.Handler {
        final BlockingQueue<Ipv6Packet> inits = new LinkedBlockingQueue<>();
        final BlockingQueue<Ipv6Packet> tests = new LinkedBlockingQueue<>();

        @Override
        public void onHomeTestInit(Ipv6Packet hoti, InetSocketAddress from) {
            inits.add(hoti);
        }

        @Override
        public void onHomeTest(Ipv6Packet hot) {
            tests.add(hot);
        }
    }

    @Test
    void shouldCarryHomeTestInitBetweenNodesOverLoopback() throws Exception {
        Recording contactSide = new Recording();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        try (HomeTestRelay contact = HomeTestRelay.start(any, SECRET, List.of(), contactSide, System::currentTimeMillis);
             HomeTestRelay acceptor = HomeTestRelay.start(any, SECRET, List.of(contactLocal(contact)), new Recording(),
                     System::currentTimeMillis)) {
            Ipv6Packet sent = hoti();
            acceptor.sendHomeTestInit(sent);
            Ipv6Packet got = contactSide.inits.poll(10, TimeUnit.SECONDS);
            assertArrayEquals(Ipv6PacketCodec.encode(sent), Ipv6PacketCodec.encode(got));
            assertEquals(1L, contact.counters().get("home-test-init"));
        }
    }

    private static InetSocketAddress contactLocal(HomeTestRelay r) throws IOException {
        return r.localAddress();
    }

    @Test
    void shouldDropForgedReplayedStaleAndTruncatedDatagrams() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        Recording h = new Recording();
        InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("::1"), 9);
        try (HomeTestRelay r = HomeTestRelay.start(new InetSocketAddress(InetAddress.getByName("::1"), 0), SECRET, List.of(),
                h, now::get)) {
            byte[] good = new RelayFrame(RelayFrame.HOME_TEST_INIT, now.get(), 42, Ipv6PacketCodec.encode(hoti()))
                    .encode(RelayFrame.key(SECRET));
            byte[] forged = new RelayFrame(RelayFrame.HOME_TEST_INIT, now.get(), 43, Ipv6PacketCodec.encode(hoti()))
                    .encode(RelayFrame.key("another group's secret.........".getBytes()));
            byte[] stale = new RelayFrame(RelayFrame.HOME_TEST_INIT, now.get() - 60_000, 44, Ipv6PacketCodec.encode(hoti()))
                    .encode(RelayFrame.key(SECRET));
            r.accept(good, good.length, from);
            r.accept(good, good.length, from);
            r.accept(forged, forged.length, from);
            r.accept(stale, stale.length, from);
            r.accept(good, 30, from);
            byte[] flipped = good.clone();
            flipped[RelayFrame.HEADER + 3] ^= 1;
            r.accept(flipped, flipped.length, from);
            assertEquals(1, h.inits.size());
            assertEquals(1L, r.counters().get("replayed"));
            assertEquals(2L, r.counters().get("bad-mac"));
            assertEquals(1L, r.counters().get("stale"));
            assertEquals(1L, r.counters().get("truncated"));
            assertTrue(h.tests.isEmpty());
        }
    }
}
