package org.vanycast.core.internal.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Donor → acceptor: "a handoff of this client is coming; run return routability now"
 * (paper §5.4). Sent when the donor has written its last data and starts draining.
 *
 * <pre>
 *  body: handoff id (8) | logical address (addr) | client (addr, port u16) | init timeout ms (u32)
 *  addr: length u8 (4 or 16) | address bytes
 * </pre>
 *
 * @param initTimeoutMillis how long the acceptor keeps the preparation waiting for Init
 */
public record Prepare(long handoffId, InetAddress logicalAddress, InetSocketAddress client,
        long initTimeoutMillis) implements NodeMessage {
    public Prepare {
        Objects.requireNonNull(logicalAddress, "logicalAddress");
        Objects.requireNonNull(client, "client");
        if (initTimeoutMillis < 0 || initTimeoutMillis > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("initTimeoutMillis out of range: " + initTimeoutMillis);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.PREPARE;
    }
}
