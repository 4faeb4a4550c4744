package org.vanycast.mipv6.api;

import java.net.Inet6Address;

/**
 * One binding (RFC 6275 §9.1): home address → care-of address until {@code expiresNanos}.
 *
 * @param homeAddress the mobile node's home address (the key)
 * @param careOfAddress where packets for the home address go now
 * @param sequence the highest accepted Sequence #
 * @param expiresNanos when the binding lapses, on the engine's clock
 * @param homeRegistration whether this is a home agent's entry (H bit)
 */
public record BindingCacheEntry(Inet6Address homeAddress, Inet6Address careOfAddress, int sequence,
        long expiresNanos, boolean homeRegistration) {
    public BindingCacheEntry {
        Fields.requireAddress("home address", homeAddress);
        Fields.requireAddress("care-of address", careOfAddress);
        Fields.check16("sequence", sequence);
    }

    /** Remaining lifetime at {@code nowNanos}, at least 0. */
    public long remainingNanos(long nowNanos) {
        return Math.max(0, expiresNanos - nowNanos);
    }
}
