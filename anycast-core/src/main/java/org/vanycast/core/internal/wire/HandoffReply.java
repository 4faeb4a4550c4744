package org.vanycast.core.internal.wire;

import java.util.Objects;

/**
 * Node → operator: how the requested handoff ended; {@code text} is the handoff's log line or
 * the failure.
 *
 * <pre>
 *  body: request id (8) | completed (u8: 1 yes, 0 no) | text length (u16) | text (UTF-8)
 * </pre>
 */
public record HandoffReply(long handoffId, boolean completed, String text) implements NodeMessage {
    public static final int MAX_TEXT_CHARS = 4000;

    public HandoffReply {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_TEXT_CHARS) {
            text = text.substring(0, MAX_TEXT_CHARS);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.HANDOFF_REPLY;
    }
}
