package org.vanycast.core.internal.wire;

import java.io.IOException;

/** A frame between nodes is truncated, corrupt, too large or of an unknown version or type. */
public final class MalformedMessageException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    public MalformedMessageException(String message, int offset) {
        super(message + " (at byte " + offset + ")");
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
