package org.vanycast.core.api;

/** A graceful leave was refused: this is the last node and it still serves clients. */
public class LeaveRefusedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public LeaveRefusedException(String message) {
        super(message);
    }
}
