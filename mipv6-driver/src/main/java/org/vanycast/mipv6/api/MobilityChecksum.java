package org.vanycast.mipv6.api;

import java.net.Inet6Address;

/**
 * The Mobility Header checksum (RFC 6275 §6.1.1): the Internet checksum (RFC 1071) over the
 * IPv6 pseudo-header (RFC 8200 §8.1, Next Header 135) followed by the Mobility Header.
 *
 * <p>Addresses in the pseudo-header: the source is the home address when the packet carries a
 * Home Address destination option, and the destination is the final destination, i.e. the
 * mobile node's home address carried in a type 2 routing header when there is one.
 * {@link Ipv6Packet#pseudoSource()} and {@link Ipv6Packet#pseudoDestination()} pick them.
 */
public final class MobilityChecksum {
    private MobilityChecksum() {
    }

    /**
     * The checksum to put in the header, computed as if the Checksum field were zero.
     *
     * @throws IllegalArgumentException if the range is shorter than the 6-octet common header
     */
    public static int compute(Inet6Address source, Inet6Address destination, byte[] mh, int offset, int length) {
        if (length < 6 || offset < 0 || offset + length > mh.length) {
            throw new IllegalArgumentException("no Mobility Header checksum field in " + length + " octets");
        }
        long sum = pseudoHeaderSum(source, destination, length) + sum(mh, offset, length);
        sum -= ((mh[offset + MobilityHeader.OFFSET_CHECKSUM] & 0xff) << 8)
                | (mh[offset + MobilityHeader.OFFSET_CHECKSUM + 1] & 0xff);
        int c = ~fold(sum) & 0xffff;
        return c;
    }

    /** {@link #compute(Inet6Address, Inet6Address, byte[], int, int)} over the whole array. */
    public static int compute(Inet6Address source, Inet6Address destination, byte[] mh) {
        return compute(source, destination, mh, 0, mh.length);
    }

    /** Whether the Checksum field carried in {@code mh} is correct. */
    public static boolean verify(Inet6Address source, Inet6Address destination, byte[] mh, int offset, int length) {
        if (length < 6 || offset < 0 || offset + length > mh.length) {
            return false;
        }
        long sum = pseudoHeaderSum(source, destination, length) + sum(mh, offset, length);
        return fold(sum) == 0xffff;
    }

    /** {@link #verify(Inet6Address, Inet6Address, byte[], int, int)} over the whole array. */
    public static boolean verify(Inet6Address source, Inet6Address destination, byte[] mh) {
        return verify(source, destination, mh, 0, mh.length);
    }

    /** Writes the computed checksum into {@code mh} in place. */
    public static void fill(Inet6Address source, Inet6Address destination, byte[] mh, int offset, int length) {
        if (length < 6 || offset < 0 || offset + length > mh.length) {
            throw new IllegalArgumentException("no Mobility Header checksum field in " + length + " octets");
        }
        mh[offset + MobilityHeader.OFFSET_CHECKSUM] = 0;
        mh[offset + MobilityHeader.OFFSET_CHECKSUM + 1] = 0;
        int c = compute(source, destination, mh, offset, length);
        mh[offset + MobilityHeader.OFFSET_CHECKSUM] = (byte) (c >>> 8);
        mh[offset + MobilityHeader.OFFSET_CHECKSUM + 1] = (byte) c;
    }

    private static long pseudoHeaderSum(Inet6Address source, Inet6Address destination, int length) {
        byte[] s = source.getAddress();
        byte[] d = destination.getAddress();
        return sum(s, 0, 16) + sum(d, 0, 16) + (length >>> 16) + (length & 0xffff) + MobilityHeader.IPPROTO_MH;
    }

    private static long sum(byte[] b, int off, int len) {
        long sum = 0;
        int end = off + (len & ~1);
        for (int i = off; i < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (b[off + len - 1] & 0xff) << 8;
        }
        return sum;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
