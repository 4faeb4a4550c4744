package org.vanycast.core.internal.channel;

import java.io.IOException;
import org.vanycast.core.internal.wire.NodeMessage;

/** Sends a message to a named group member; the TLS channel in production, in memory in tests. */
public interface NodeTransport {
    void send(String peer, NodeMessage message) throws IOException;

    /** Drops the connection to {@code peer} (a stalled peer); the next send reconnects. */
    default void disconnect(String peer) {
    }

    /** Receives messages from authenticated members; {@code peer} is the name in their certificate. */
    @FunctionalInterface
    interface Inbound {
        void onMessage(String peer, NodeMessage message);
    }
}
