package org.vanycast.mipv6.internal.agent;

/** RFC 6275 §9.5.1: Binding Update sequence numbers compare modulo 2^16. */
final class Sequences {
    private Sequences() {
    }

    /** Whether {@code next} is newer than {@code last} (half the number space ahead). */
    static boolean newer(int next, int last) {
        int d = (next - last) & 0xffff;
        return d != 0 && d < 0x8000;
    }
}
