package org.vanycast.core.internal.handoff;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last Binding Update sequence number used towards each client (RFC 6275 §9.5.1: a
 * correspondent accepts only increasing numbers, modulo 2^16). It travels in Init and Done so
 * every node that takes the client over continues the series.
 */
final class SequenceTable {
    private final Map<InetAddress, Integer> last = new ConcurrentHashMap<>();

    int current(InetAddress client) {
        return last.getOrDefault(client, 0);
    }

    void update(InetAddress client, int used) {
        last.merge(client, used & 0xFFFF, (old, neu) -> newer(neu, old) ? neu : old);
    }

    /** RFC 6275 §9.5.1 comparison: {@code a} is newer when (a - b) mod 2^16 is in (0, 2^15). */
    static boolean newer(int a, int b) {
        int d = (a - b) & 0xFFFF;
        return d != 0 && d < 0x8000;
    }
}
