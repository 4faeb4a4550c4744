package org.vanycast.mipv6.internal.agent;

import java.net.Inet6Address;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The cn-agent's waiting room for TCP segments that reach the client from a care-of address
 * before the Binding Update that makes them belong to a connection has been processed.
 *
 * <p>A service node hands a connection over by sending the Binding Update and, right after
 * it, the connection's data from its care-of address (RFC 6275 lets a mobile node send
 * without waiting for the acknowledgement). The update takes a detour through this agent
 * (queue, verification, a map element) while the data goes straight to the client's TCP,
 * which would find no socket for the care-of address and answer with a RST. So segments
 * that match no socket and come from an address that ran the care-of test with us or was
 * bound here recently (within the tokens' lifetime) are held here until that address's binding is in place, then delivered as if from the home
 * address (what the translation would have made of them). Held segments of an address whose binding never comes are dropped at their deadline
 * (TCP retransmits them), never answered with a RST; segments from any other address pass
 * at once, as without this agent. Plain Java, driven by the queue thread with its clock.
 */
final class HeldSegments {
    /** What to do with one segment that matched no socket. */
    enum Decision { HOLD, PASS, OVERFLOW }

    private final long careOfWindowNanos;
    private final long holdNanos;
    private final int capacity;
    /** Care-of addresses that were sent a Care-of Test or bound, with the time of the latest. */
    private final Map<Inet6Address, Long> testedCareOfs = new HashMap<>();
    private final Map<Inet6Address, Deque<Held>> held = new HashMap<>();
    private int size;

    /** A held segment: its queue id and the packet as queued. */
    record Held(int id, byte[] packet, long deadlineNanos) {
    }

    /**
     * @param careOfWindowNanos how long after its care-of test an address counts as moving here
     * @param holdNanos         how long one segment may wait for its binding
     * @param capacity          most segments held at once; more pass at once (counted)
     */
    HeldSegments(long careOfWindowNanos, long holdNanos, int capacity) {
        if (careOfWindowNanos <= 0 || holdNanos <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("window, hold time and capacity must be positive");
        }
        this.careOfWindowNanos = careOfWindowNanos;
        this.holdNanos = holdNanos;
        this.capacity = capacity;
    }

    /** The engine answered a Care-of Test Init from {@code careOf}: a binding from there may follow (also later, with the same tokens). */
    void careOfTested(Inet6Address careOf, long nowNanos) {
        testedCareOfs.put(careOf, nowNanos);
    }

    /** Decides about segment {@code id} from {@code source} that matched no socket. */
    Decision offer(int id, byte[] packet, Inet6Address source, long nowNanos) {
        Long tested = testedCareOfs.get(source);
        if (tested == null || nowNanos - tested > careOfWindowNanos) {
            return Decision.PASS;
        }
        if (size >= capacity) {
            return Decision.OVERFLOW;
        }
        held.computeIfAbsent(source, s -> new ArrayDeque<>()).add(new Held(id, packet, nowNanos + holdNanos));
        size++;
        return Decision.HOLD;
    }

    /**
     * The binding from {@code careOf} is in place: its held segments, oldest first, may go on.
     * The address stays known for the window: a node that held a client before comes back with
     * the same care-of address and, its tokens still valid, without a new care-of test.
     */
    List<Held> bound(Inet6Address careOf, long nowNanos) {
        testedCareOfs.put(careOf, nowNanos);
        Deque<Held> q = held.remove(careOf);
        if (q == null) {
            return List.of();
        }
        size -= q.size();
        return new ArrayList<>(q);
    }

    /** Segments whose wait is over; forgets care-of tests older than the window. */
    List<Integer> expired(long nowNanos) {
        testedCareOfs.values().removeIf(t -> nowNanos - t > careOfWindowNanos);
        List<Integer> ids = new ArrayList<>();
        for (Iterator<Deque<Held>> it = held.values().iterator(); it.hasNext();) {
            Deque<Held> q = it.next();
            while (!q.isEmpty() && nowNanos - q.peekFirst().deadlineNanos() >= 0) {
                ids.add(q.removeFirst().id());
                size--;
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
        return ids;
    }

    int size() {
        return size;
    }
}
