package org.vanycast.core.internal.wire;

/**
 * Acceptor → donor: the client is served here now; release the frozen socket (paper §4.3.2).
 * Carries the acceptor's phase times so the donor can report the whole handoff.
 *
 * <pre>
 *  body: handoff id (8) | MIPv6 sequence used (u16) | recreate ns (8) | redirect ns (8) | activate ns (8)
 * </pre>
 */
public record Done(long handoffId, int sequenceUsed, long recreateNanos, long redirectNanos,
        long activateNanos) implements NodeMessage {
    public Done {
        if (sequenceUsed < 0 || sequenceUsed > 0xFFFF) {
            throw new IllegalArgumentException("MIPv6 sequence is 16 bits: " + sequenceUsed);
        }
        if (recreateNanos < 0 || redirectNanos < 0 || activateNanos < 0) {
            throw new IllegalArgumentException("phase times must not be negative");
        }
    }

    public long acceptorNanos() {
        return recreateNanos + redirectNanos + activateNanos;
    }

    @Override
    public MessageType type() {
        return MessageType.DONE;
    }
}
