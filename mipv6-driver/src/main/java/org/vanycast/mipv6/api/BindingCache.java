package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Binding cache (RFC 6275 §9.1) keyed by home address, with lifetimes on a caller-supplied
 * clock. After a binding is deleted its last sequence number is remembered for
 * {@code tombstoneNanos}, so a replayed older Binding Update cannot resurrect it while its
 * nonces are still valid (RFC 4225 §3.3 replay). Not thread-safe: owned by one engine.
 */
public final class BindingCache {
    private record Tombstone(int sequence, long untilNanos) {
    }

    private final Map<Inet6Address, BindingCacheEntry> entries = new HashMap<>();
    private final Map<Inet6Address, Tombstone> tombstones = new HashMap<>();
    private final int capacity;
    private final long tombstoneNanos;

    /**
     * @param capacity most bindings held at once (beyond it: status 130)
     * @param tombstoneNanos how long a deleted binding's sequence number is remembered
     */
    public BindingCache(int capacity, long tombstoneNanos) {
        this.capacity = capacity;
        this.tombstoneNanos = tombstoneNanos;
    }

    /** The live binding for {@code homeAddress}, or null (expired ones count as absent). */
    public BindingCacheEntry get(Inet6Address homeAddress, long nowNanos) {
        BindingCacheEntry e = entries.get(homeAddress);
        return e == null || nowNanos >= e.expiresNanos() ? null : e;
    }

    /** Last accepted sequence number for {@code homeAddress}, from a binding or a recent deletion. */
    public OptionalInt lastSequence(Inet6Address homeAddress, long nowNanos) {
        BindingCacheEntry e = entries.get(homeAddress);
        if (e != null) {
            return OptionalInt.of(e.sequence());
        }
        Tombstone t = tombstones.get(homeAddress);
        return t == null || nowNanos >= t.untilNanos() ? OptionalInt.empty() : OptionalInt.of(t.sequence());
    }

    /** Whether a new home address can be added. */
    public boolean hasRoomFor(Inet6Address homeAddress) {
        return entries.containsKey(homeAddress) || entries.size() < capacity;
    }

    /** Adds or replaces the binding of {@code entry.homeAddress()}. */
    public void put(BindingCacheEntry entry) {
        tombstones.remove(entry.homeAddress());
        entries.put(entry.homeAddress(), entry);
    }

    /** Deletes the binding, remembering its sequence number; returns the removed entry or null. */
    public BindingCacheEntry remove(Inet6Address homeAddress, int sequence, long nowNanos) {
        tombstones.put(homeAddress, new Tombstone(sequence, nowNanos + tombstoneNanos));
        return entries.remove(homeAddress);
    }

    /** Removes and returns bindings whose lifetime has passed; forgets old tombstones. */
    public List<BindingCacheEntry> expire(long nowNanos) {
        List<BindingCacheEntry> gone = new ArrayList<>(0);
        for (Iterator<BindingCacheEntry> it = entries.values().iterator(); it.hasNext();) {
            BindingCacheEntry e = it.next();
            if (nowNanos >= e.expiresNanos()) {
                it.remove();
                tombstones.put(e.homeAddress(), new Tombstone(e.sequence(), nowNanos + tombstoneNanos));
                gone.add(e);
            }
        }
        tombstones.values().removeIf(t -> nowNanos >= t.untilNanos());
        return gone;
    }

    /** Earliest expiry of a binding or tombstone, or {@link Long#MAX_VALUE}. */
    public long nextExpiry() {
        long next = Long.MAX_VALUE;
        for (BindingCacheEntry e : entries.values()) {
            next = Math.min(next, e.expiresNanos());
        }
        for (Tombstone t : tombstones.values()) {
            next = Math.min(next, t.untilNanos());
        }
        return next;
    }

    /** Snapshot of all entries (possibly including expired ones not yet collected). */
    public Collection<BindingCacheEntry> entries() {
        return List.copyOf(entries.values());
    }

    public int size() {
        return entries.size();
    }
}
