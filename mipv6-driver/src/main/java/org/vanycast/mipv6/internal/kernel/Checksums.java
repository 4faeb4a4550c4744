package org.vanycast.mipv6.internal.kernel;

/** The Internet checksum over the IPv6 pseudo-header (RFC 8200 §8.1) and an upper-layer payload. */
public final class Checksums {
    private Checksums() {
    }

    /**
     * One's-complement sum (folded to 16 bits, not inverted) of the pseudo-header and
     * {@code payload}; a payload whose checksum field is correct sums to {@code 0xffff}.
     */
    public static int pseudoHeaderSum(byte[] src, byte[] dst, int nextHeader, byte[] payload) {
        long sum = 0;
        sum += sum16(src, 0, 16);
        sum += sum16(dst, 0, 16);
        sum += (payload.length >>> 16) + (payload.length & 0xffff);
        sum += nextHeader & 0xff;
        sum += sum16(payload, 0, payload.length);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for {@code payload} whose own checksum field is zero. */
    public static int checksum(byte[] src, byte[] dst, int nextHeader, byte[] payload) {
        int c = ~pseudoHeaderSum(src, dst, nextHeader, payload) & 0xffff;
        return c == 0 ? 0xffff : c;
    }

    private static long sum16(byte[] b, int off, int len) {
        long s = 0;
        int i = off;
        for (; i + 1 < off + len; i += 2) {
            s += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < off + len) {
            s += (b[i] & 0xff) << 8;
        }
        return s;
    }
}
