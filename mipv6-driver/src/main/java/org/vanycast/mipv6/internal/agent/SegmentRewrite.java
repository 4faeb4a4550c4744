package org.vanycast.mipv6.internal.agent;

import java.net.Inet6Address;
import java.util.Arrays;
import org.vanycast.mipv6.internal.kernel.Checksums;

/**
 * Rewrites the source address of a queued IPv6/TCP packet (TCP right behind the fixed header)
 * and recomputes the TCP checksum over the new pseudo-header: what the nftables translation
 * does to a segment from a care-of address, for a segment that passed the translation before
 * its binding existed.
 */
public final class SegmentRewrite {
    private static final int IPV6_HEADER = 40;
    private static final int TCP_CHECKSUM = 16;
    private static final int IPPROTO_TCP = 6;

    private SegmentRewrite() {
    }

    /** A copy of {@code packet} with source {@code source} and a correct TCP checksum. */
    public static byte[] withSource(byte[] packet, Inet6Address source) {
        if (packet.length < IPV6_HEADER + 20 || (packet[0] & 0xF0) != 0x60 || packet[6] != IPPROTO_TCP) {
            throw new IllegalArgumentException("not an IPv6 packet with TCP right behind the header");
        }
        int payload = ((packet[4] & 0xFF) << 8) | (packet[5] & 0xFF);
        if (payload < 20 || IPV6_HEADER + payload > packet.length) {
            throw new IllegalArgumentException("truncated packet: payload length " + payload + ", " + packet.length + " bytes");
        }
        byte[] out = Arrays.copyOf(packet, IPV6_HEADER + payload);
        System.arraycopy(source.getAddress(), 0, out, 8, 16);
        out[IPV6_HEADER + TCP_CHECKSUM] = 0;
        out[IPV6_HEADER + TCP_CHECKSUM + 1] = 0;
        int checksum = Checksums.checksum(source.getAddress(), Arrays.copyOfRange(out, 24, 40), IPPROTO_TCP,
                Arrays.copyOfRange(out, IPV6_HEADER, IPV6_HEADER + payload));
        out[IPV6_HEADER + TCP_CHECKSUM] = (byte) (checksum >>> 8);
        out[IPV6_HEADER + TCP_CHECKSUM + 1] = (byte) checksum;
        return out;
    }
}
