package org.vanycast.core.internal.wire;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Operator → node: hand the connection from {@code client} to {@code acceptor} (or to the
 * policy's choice). Only a holder of a group certificate can send it, like every message.
 *
 * <pre>
 *  body: request id (8) | client (addr, port u16) | acceptor length (u8, 0 = policy) | acceptor (UTF-8)
 * </pre>
 */
public record HandoffRequest(long handoffId, InetSocketAddress client, Optional<String> acceptor) implements NodeMessage {
    public HandoffRequest {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(acceptor, "acceptor");
        if (acceptor.isPresent() && (acceptor.get().isEmpty() || acceptor.get().getBytes(StandardCharsets.UTF_8).length > 255)) {
            throw new IllegalArgumentException("acceptor name must be 1..255 bytes");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.HANDOFF_REQUEST;
    }
}
