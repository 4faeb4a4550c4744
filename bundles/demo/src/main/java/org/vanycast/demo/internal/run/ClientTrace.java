package org.vanycast.demo.internal.run;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.vanycast.testbed.Capture;

/**
 * What the client's own interface saw of one TCP connection to [X]:port, from a packet
 * capture: every data segment towards the client with its time and the address it came
 * from on the wire (X while the home agent forwards it; a node's care-of address once the
 * client's binding points there), and every reset in either direction.
 */
final class ClientTrace {
    private static final int TCP = 6;

    /** A data segment to the client: capture time, wire source, sequence number and payload size. */
    record Segment(long nanos, Inet6Address source, long seq, int bytes) {
    }

    /** The switch from one sender to the next, seen by the client. */
    record Switch(Inet6Address from, Inet6Address to, long lastFromNanos, long firstToNanos) {
        double gapMillis() {
            return (firstToNanos - lastFromNanos) / 1e6;
        }
    }

    final List<Segment> segments = new ArrayList<>();
    int resets;
    int retransmissions;

    /**
     * @param frames     captured IPv6 packets with their capture times
     * @param clientPort the client's port of the connection; the server port is {@code serverPort}
     */
    static ClientTrace of(List<Capture.Frame> frames, int serverPort, int clientPort) {
        ClientTrace t = new ClientTrace();
        long highest = -1;
        for (int i = 0; i < frames.size(); i++) {
            byte[] p = frames.get(i).packet();
            if (p.length < 40 + 20 || (p[0] >> 4 & 0xf) != 6 || (p[6] & 0xff) != TCP) {
                continue;
            }
            int payloadLength = u16(p, 4);
            int tcp = 40;
            int sport = u16(p, tcp);
            int dport = u16(p, tcp + 2);
            boolean toClient = sport == serverPort && dport == clientPort;
            boolean fromClient = sport == clientPort && dport == serverPort;
            if (!toClient && !fromClient) {
                continue;
            }
            int flags = p[tcp + 13] & 0xff;
            if ((flags & 0x04) != 0) {
                t.resets++;
            }
            int dataOffset = (p[tcp + 12] >> 4 & 0xf) * 4;
            int bytes = payloadLength - dataOffset;
            if (toClient && bytes > 0) {
                long seq = u32(p, tcp + 4);
                if (seq < highest) {
                    t.retransmissions++;
                }
                highest = Math.max(highest, seq);
                t.segments.add(new Segment(frames.get(i).timestampNanos(), source(p), seq, bytes));
            }
        }
        return t;
    }

    /** Each change of sender, in order. */
    List<Switch> switches() {
        List<Switch> out = new ArrayList<>();
        for (int i = 1; i < segments.size(); i++) {
            Segment a = segments.get(i - 1);
            Segment b = segments.get(i);
            if (!a.source().equals(b.source())) {
                out.add(new Switch(a.source(), b.source(), a.nanos(), b.nanos()));
            }
        }
        return out;
    }

    /** Payload bytes by wire source, in order of first appearance. */
    Map<Inet6Address, Long> bytesBySource() {
        Map<Inet6Address, Long> m = new java.util.LinkedHashMap<>();
        for (Segment s : segments) {
            m.merge(s.source(), (long) s.bytes(), Long::sum);
        }
        return m;
    }

    private static Inet6Address source(byte[] p) {
        try {
            return (Inet6Address) InetAddress.getByAddress(Arrays.copyOfRange(p, 8, 24));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int u16(byte[] p, int o) {
        return (p[o] & 0xff) << 8 | (p[o + 1] & 0xff);
    }

    private static long u32(byte[] p, int o) {
        return (long) u16(p, o) << 16 | u16(p, o + 2);
    }
}
