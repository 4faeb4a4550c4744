package org.vanycast.mipv6.internal.agent;

import java.net.Inet6Address;

/**
 * Rewrites the source address of a queued IPv6/TCP packet (TCP right behind the fixed header)
 * and recomputes the TCP checksum over the new pseudo-header: what the nftables translation
 * does to a segment from a care-of address, for a segment that passed the translation before
 * its binding existed.
 */
public final class SegmentRewrite {
    private static final int IPV6_HEADER = 40;
    private static final int TCP_CHECKSUM = 16;

    private SegmentRewrite() {
    }

    /** A copy of {@code packet} with source {@code source} and a correct TCP checksum. */
    public static byte[] withSource(byte[] packet, Inet6Address source) {
        if (packet.length < IPV6_HEADER + 20 || (packet[0] & 0xF0) != 0x60 || packet[6] != 6) {
            throw new IllegalArgumentException("not an IPv6 packet with TCP right behind the header");
        }
        int payload = ((packet[4] & 0xFF) << 8) | (packet[5] & 0xFF);
        if (payload < 20 || IPV6_HEADER + payload > packet.length) {
            throw new IllegalArgumentException("truncated packet: payload length " + payload + ", " + packet.length + " bytes");
        }
        byte[] out = packet.clone();
        System.arraycopy(source.getAddress(), 0, out, 8, 16);
        out[IPV6_HEADER + TCP_CHECKSUM] = 0;
        out[IPV6_HEADER + TCP_CHECKSUM + 1] = 0;
        long sum = 0;
        for (int i = 8; i < IPV6_HEADER; i += 2) { // source and destination addresses
            sum += ((out[i] & 0xFF) << 8) | (out[i + 1] & 0xFF);
        }
        sum += payload + 6; // upper-layer length and next header
        for (int i = IPV6_HEADER; i < IPV6_HEADER + payload; i += 2) {
            int hi = out[i] & 0xFF;
            int lo = i + 1 < IPV6_HEADER + payload ? out[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        int checksum = (int) (~sum & 0xFFFF);
        out[IPV6_HEADER + TCP_CHECKSUM] = (byte) (checksum >>> 8);
        out[IPV6_HEADER + TCP_CHECKSUM + 1] = (byte) checksum;
        return IPV6_HEADER + payload == packet.length ? out : java.util.Arrays.copyOf(out, IPV6_HEADER + payload);
    }
}
