package org.vanycast.core.spi;

import java.io.IOException;

/** A serialized state record (socket or application) is truncated, corrupt or of an unknown version. */
public class MalformedStateException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    public MalformedStateException(String message, int offset) {
        super(message + " (at byte " + offset + ")");
        this.offset = offset;
    }

    /** Where in the record the problem was found. */
    public int offset() {
        return offset;
    }
}
