package org.vanycast.core.internal.handoff;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.vanycast.core.api.PendingHandoffTable;

/**
 * The contact node's pending-handoff table. Entries live {@code ttl} (a return routability
 * exchange that has not finished by then is retried by the acceptor with a fresh cookie);
 * the table is bounded so a flood of HoTIs cannot exhaust memory: when full, new entries are
 * refused and counted.
 */
public final class PendingHandoffs implements PendingHandoffTable {
    private record Key(InetAddress client, long cookie) {
    }

    private record Entry(InetAddress acceptor, long expiresNanos) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int capacity;
    private final AtomicLong refused = new AtomicLong();

    public PendingHandoffs(Duration ttl, int capacity) {
        this.ttlNanos = ttl.toNanos();
        this.capacity = capacity;
    }

    @Override
    public void expect(InetAddress client, long homeInitCookie, InetAddress acceptorCareOf, long nowNanos) {
        if (entries.size() >= capacity) {
            expire(nowNanos);
            if (entries.size() >= capacity) {
                refused.incrementAndGet();
                return;
            }
        }
        entries.put(new Key(client, homeInitCookie), new Entry(acceptorCareOf, nowNanos + ttlNanos));
    }

    @Override
    public Optional<InetAddress> acceptorFor(InetAddress client, long homeInitCookie, long nowNanos) {
        Key k = new Key(client, homeInitCookie);
        Entry e = entries.get(k);
        if (e == null) {
            return Optional.empty();
        }
        if (nowNanos - e.expiresNanos() > 0) {
            entries.remove(k, e);
            return Optional.empty();
        }
        return Optional.of(e.acceptor());
    }

    @Override
    public void forget(InetAddress client, long homeInitCookie) {
        entries.remove(new Key(client, homeInitCookie));
    }

    @Override
    public int size(long nowNanos) {
        expire(nowNanos);
        return entries.size();
    }

    /** Entries refused because the table was full. */
    public long refused() {
        return refused.get();
    }

    private void expire(long nowNanos) {
        entries.values().removeIf(e -> nowNanos - e.expiresNanos() > 0);
    }
}
