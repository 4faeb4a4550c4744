package org.vanycast.core.internal.handoff;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts of the handoff steps. Every step has one, so a silent or crashed peer always
 * ends in a rollback that leaves the client with the donor.
 *
 * @param initTimeout    acceptor: how long a Prepare waits for its Init
 * @param captureTimeout donor: how long the application may take to become quiescent
 * @param drainTimeout   donor: how long to wait for the client to acknowledge the send queue
 * @param commitTimeout  acceptor: how long the redirector may wait for return routability
 * @param doneTimeout    donor: from sending Init until Done must have arrived
 * @param replayWindow   acceptor: Init timestamps further off than this are refused
 */
public record HandoffConfig(Duration initTimeout, Duration captureTimeout, Duration drainTimeout,
        Duration commitTimeout, Duration doneTimeout, Duration replayWindow) {

    public static final HandoffConfig DEFAULTS = new HandoffConfig(Duration.ofSeconds(10), Duration.ofSeconds(2),
            Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(30));

    public HandoffConfig {
        for (Duration d : new Duration[] {initTimeout, captureTimeout, drainTimeout, commitTimeout, doneTimeout, replayWindow}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
        if (doneTimeout.compareTo(commitTimeout) <= 0) {
            // the donor must outwait the acceptor's own commit timeout, or it would resume while
            // the acceptor may still move the binding
            throw new IllegalArgumentException("doneTimeout (" + doneTimeout + ") must exceed commitTimeout (" + commitTimeout + ")");
        }
    }
}
