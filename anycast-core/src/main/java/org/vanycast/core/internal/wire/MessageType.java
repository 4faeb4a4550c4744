package org.vanycast.core.internal.wire;

/**
 * Message type codes, an "open enum": {@link #valueOf(int)} keeps unknown codes so a reader
 * can name them in its error and skip the frame.
 */
public record MessageType(int code, String name) {
    public static final MessageType PREPARE = new MessageType(1, "Prepare");
    public static final MessageType INIT = new MessageType(2, "Init");
    public static final MessageType DONE = new MessageType(3, "Done");
    public static final MessageType ABORT = new MessageType(4, "Abort");
    public static final MessageType HANDOFF_REQUEST = new MessageType(5, "HandoffRequest");
    public static final MessageType HANDOFF_REPLY = new MessageType(6, "HandoffReply");
    public static final MessageType STATE_AHEAD = new MessageType(7, "StateAhead");

    public static MessageType valueOf(int code) {
        return switch (code) {
            case 1 -> PREPARE;
            case 2 -> INIT;
            case 3 -> DONE;
            case 4 -> ABORT;
            case 5 -> HANDOFF_REQUEST;
            case 6 -> HANDOFF_REPLY;
            case 7 -> STATE_AHEAD;
            default -> new MessageType(code, "unknown(" + code + ")");
        };
    }

    public boolean isKnown() {
        return code >= 1 && code <= 7;
    }

    @Override
    public String toString() {
        return name;
    }
}
