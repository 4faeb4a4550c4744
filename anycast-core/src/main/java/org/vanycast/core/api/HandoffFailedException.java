package org.vanycast.core.api;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Optional;

/**
 * A handoff did not complete. When {@link #connection()} is present the donor still serves
 * the client over it (the socket was resumed and the binding points at the donor).
 */
public class HandoffFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Where the handoff stopped. */
    public enum Reason {
        NO_ACCEPTOR, NOT_AVAILABLE, PREPARE_FAILED, APP_STATE_UNAVAILABLE, DRAIN_FAILED,
        FREEZE_FAILED, SEND_FAILED, ACCEPTOR_ABORTED, DONE_TIMEOUT, CHANNEL_CLOSED, CLIENT_HAS_OTHER_CONNECTIONS, CANCELLED
    }

    private final Reason reason;
    private final transient SocketChannel connection;
    private final transient HandoffEvent event;

    public HandoffFailedException(Reason reason, String message, SocketChannel connection,
            HandoffEvent event, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.connection = connection;
        this.event = event;
    }

    public Reason reason() {
        return reason;
    }

    /** The connection the donor keeps serving, when it could be kept. */
    public Optional<SocketChannel> connection() {
        return Optional.ofNullable(connection);
    }

    /** The event recorded for the failed handoff, when it got far enough to have one. */
    public Optional<HandoffEvent> event() {
        return Optional.ofNullable(event);
    }
}
