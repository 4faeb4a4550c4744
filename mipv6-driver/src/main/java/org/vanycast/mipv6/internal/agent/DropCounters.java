package org.vanycast.mipv6.internal.agent;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Per-reason counters of what an agent accepted and dropped, for tests, status and logs. */
public final class DropCounters {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void count(String reason) {
        counts.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    public long get(String reason) {
        AtomicLong c = counts.get(reason);
        return c == null ? 0 : c.get();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
