package org.vanycast.mipv6.internal.node;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Refuses relay datagrams outside a time window around now or seen before within it. Time
 * is passed in; not thread-safe (the relay's receive loop owns it).
 */
final class ReplayWindow {
    private final long windowMillis;
    private final int capacity;
    private final Set<Long> seen = new HashSet<>();
    private final Deque<long[]> order = new ArrayDeque<>();

    ReplayWindow(long windowMillis, int capacity) {
        this.windowMillis = windowMillis;
        this.capacity = capacity;
    }

    /** @return null when fresh (and now remembered), otherwise the counter name of the refusal */
    String check(long timeMillis, long nonce, long nowMillis) {
        while (!order.isEmpty() && (order.peekFirst()[0] < nowMillis - windowMillis || order.size() >= capacity)) {
            seen.remove(order.pollFirst()[1]);
        }
        if (Math.abs(nowMillis - timeMillis) > windowMillis) {
            return "stale";
        }
        if (!seen.add(nonce)) {
            return "replayed";
        }
        order.addLast(new long[] {timeMillis, nonce});
        return null;
    }
}
