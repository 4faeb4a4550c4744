package org.vanycast.mipv6.api;

import java.net.Inet6Address;

/**
 * What a role state machine asks its caller to do. Engines never do I/O; the agent that owns
 * the raw sockets / kernel backends carries these out in list order.
 */
public sealed interface MobilityAction {

    /**
     * Put {@code packet} on the wire (encode with {@link Ipv6PacketCodec#encode}, or hand its
     * fields to a raw socket). {@code message} is the Mobility Header inside, for logging; it is
     * null when the packet carries ESP.
     */
    record Send(Ipv6Packet packet, MobilityMessage message) implements MobilityAction {
    }

    /**
     * Send an ICMPv6 Parameter Problem, Code 0, about {@code offending} to its source (§9.2).
     * The pointer is the offset of the Mobility Header in the original packet plus
     * {@code mobilityHeaderOffset}.
     */
    record SendParameterProblem(Ipv6Packet offending, int mobilityHeaderOffset) implements MobilityAction {
    }

    /** A binding was created or changed: program the data path for it. */
    record BindingAdded(BindingCacheEntry entry) implements MobilityAction {
    }

    /** A binding was deleted (lifetime 0, care-of = home, expiry): remove it from the data path. */
    record BindingRemoved(BindingCacheEntry entry, Cause cause) implements MobilityAction {
        /** Why the binding went away. */
        public enum Cause { DEREGISTERED, EXPIRED }
    }

    /** The packet was dropped; counted by the engine, reported for logs/metrics. */
    record Dropped(DropReason reason, String detail) implements MobilityAction {
    }

    /**
     * Mobile node side: the binding at {@code correspondent} changed state. {@link State#SENT}
     * means the Binding Update left (route optimization may start now — data is never held
     * back for the acknowledgement); {@link State#ACKNOWLEDGED} carries the granted lifetime.
     */
    record BindingStateChanged(Inet6Address correspondent, Inet6Address homeAddress, Inet6Address careOfAddress,
            int sequence, State state, BindingAckStatus status, long lifetimeNanos) implements MobilityAction {
        /** Mobile-node view of one binding. */
        public enum State { SENT, ACKNOWLEDGED, FAILED, DEREGISTERED }
    }

    /** Mobile node side: both keygen tokens arrived; the result can drive a Binding Update. */
    record ReturnRoutabilityComplete(ReturnRoutabilityResult result) implements MobilityAction {
    }
}
