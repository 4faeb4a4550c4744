package org.vanycast.core.internal.channel;

import java.io.IOException;
import java.time.Duration;
import org.vanycast.core.internal.wire.NodeMessage;

/** Sends a message to a named group member; the TLS channel in production, in memory in tests. */
public interface NodeTransport {
    /** {@link #send(String, NodeMessage, Duration)} within the transport's own write timeout. */
    void send(String peer, NodeMessage message) throws IOException;

    /**
     * Sends on the caller's thread, giving up when the message is not written within
     * {@code writeTimeout} (opening the connection included): a peer that stopped reading fills
     * the buffers and would block the write for good. The connection to {@code peer} is then
     * dropped and {@link WriteTimeoutException} thrown; the next send reconnects.
     */
    void send(String peer, NodeMessage message, Duration writeTimeout) throws IOException;

    /** Drops the connection to {@code peer} (a stalled peer); the next send reconnects. */
    default void disconnect(String peer) {
    }

    /** Receives messages from authenticated members; {@code peer} is the name in their certificate. */
    @FunctionalInterface
    interface Inbound {
        void onMessage(String peer, NodeMessage message);
    }
}
