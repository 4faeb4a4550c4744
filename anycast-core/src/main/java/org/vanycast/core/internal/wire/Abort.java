package org.vanycast.core.internal.wire;

import java.util.Objects;

/**
 * Either side: the handoff is off. From the acceptor, {@code bindingMoved} says it already
 * sent the binding with {@code sequenceUsed}, so the donor must take the binding back with a
 * higher sequence number before it resumes.
 *
 * <pre>
 *  body: handoff id (8) | reason (u8) | flags (u8, bit 0 = binding moved) | sequence used (u16)
 *        | message length (u16) | message (UTF-8)
 * </pre>
 */
public record Abort(long handoffId, AbortReason reason, boolean bindingMoved, int sequenceUsed,
        String message) implements NodeMessage {
    public static final int MAX_MESSAGE_BYTES = 1024;

    public Abort {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        if (reason.code() < 0 || reason.code() > 255) {
            throw new IllegalArgumentException("reason code is 8 bits: " + reason.code());
        }
        if (sequenceUsed < 0 || sequenceUsed > 0xFFFF) {
            throw new IllegalArgumentException("MIPv6 sequence is 16 bits: " + sequenceUsed);
        }
        if (message.length() > MAX_MESSAGE_BYTES / 3) {
            message = message.substring(0, MAX_MESSAGE_BYTES / 3);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.ABORT;
    }
}
