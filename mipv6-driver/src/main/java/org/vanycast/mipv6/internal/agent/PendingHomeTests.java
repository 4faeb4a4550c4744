package org.vanycast.mipv6.internal.agent;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.vanycast.mipv6.api.Ipv6Packet;

/**
 * The contact node's pending-handoff table for return routability (paper §5.4): Home Test
 * Init cookies this node sent on behalf of an acceptor, and where the matching Home Test
 * must go. Entries not answered within {@link #TTL_NANOS} are forgotten.
 */
final class PendingHomeTests {
    static final long TTL_NANOS = 30_000_000_000L;

    private record Entry(Consumer<Ipv6Packet> sink, long sinceNanos) {
    }

    private final Map<Long, Entry> byCookie = new ConcurrentHashMap<>();

    void expect(long homeInitCookie, Consumer<Ipv6Packet> sink, long nowNanos) {
        byCookie.put(homeInitCookie, new Entry(sink, nowNanos));
    }

    /** The sink waiting for the Home Test with {@code homeInitCookie}, removed from the table; null if none. */
    Consumer<Ipv6Packet> take(long homeInitCookie) {
        Entry e = byCookie.remove(homeInitCookie);
        return e == null ? null : e.sink();
    }

    boolean isEmpty() {
        return byCookie.isEmpty();
    }

    void expire(long nowNanos) {
        byCookie.values().removeIf(e -> nowNanos - e.sinceNanos() > TTL_NANOS);
    }
}
