package org.vanycast.demo.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vanycast.testbed.Capture;

class ClientTraceTest {
    static final int SERVER = 8080;
    private static final int CLIENT = 40000;

    static Inet6Address a(String s) throws Exception {
        return (Inet6Address) InetAddress.getByName(s);
    }

    /** An IPv6 + TCP segment as the client's interface sees it. */
    static Capture.Frame segment(long ms, Inet6Address src, Inet6Address dst, int sport, int dport, long seq,
                                         int flags, int payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + 20 + payload);
        b.putInt(6 << 28).putShort((short) (20 + payload)).put((byte) 6).put((byte) 64).put(src.getAddress())
                .put(dst.getAddress());
        b.putShort((short) sport).putShort((short) dport).putInt((int) seq).putInt(0).put((byte) (5 << 4))
                .put((byte) flags).putShort((short) 65535).putInt(0);
        return new Capture.Frame(ms * 1_000_000, b.array());
    }

    @Test
    void shouldMeasureTheGapBetweenTheLastByteFromTheDonorAndTheFirstFromTheAcceptor() throws Exception {
        Inet6Address x = a("fd00:1:2:100::a");
        Inet6Address node2 = a("fd00:1:2:12::2");
        Inet6Address client = a("fd00:1:2:1::2");
        List<Capture.Frame> f = new ArrayList<>();
        f.add(segment(0, x, client, SERVER, CLIENT, 1000, 0x10, 1000));
        f.add(segment(5, client, x, CLIENT, SERVER, 1, 0x10, 0));
        f.add(segment(10, x, client, SERVER, CLIENT, 2000, 0x10, 1000));
        f.add(segment(11, x, client, SERVER + 1, CLIENT, 2000, 0x04, 0)); // another connection: ignored
        f.add(segment(95, node2, client, SERVER, CLIENT, 3000, 0x10, 1000));
        f.add(segment(96, node2, client, SERVER, CLIENT, 2500, 0x10, 500)); // a retransmission

        ClientTrace t = ClientTrace.of(f, SERVER, CLIENT);

        assertEquals(1, t.switches().size());
        assertEquals(85.0, t.switches().get(0).gapMillis(), 1e-9);
        assertEquals(2000L, t.bytesBySource().get(x));
        assertEquals(1500L, t.bytesBySource().get(node2));
        assertEquals(0, t.resets);
        assertEquals(1, t.retransmissions);
    }

    @Test
    void shouldCountResetsInEitherDirectionOfTheConnection() throws Exception {
        Inet6Address x = a("fd00:1:2:100::a");
        Inet6Address client = a("fd00:1:2:1::2");
        List<Capture.Frame> f = List.of(segment(0, x, client, SERVER, CLIENT, 1, 0x14, 0),
                segment(1, client, x, CLIENT, SERVER, 1, 0x04, 0), segment(2, new byte[7]));
        assertEquals(2, ClientTrace.of(f, SERVER, CLIENT).resets);
    }

    private static Capture.Frame segment(long ms, byte[] garbage) {
        return new Capture.Frame(ms, garbage);
    }
}
