package org.vanycast.core.api;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A connection this node accepted in a handoff (result of {@code client_receive}): the
 * re-created, active connection and the application state the donor sent with it.
 */
public record ReceivedClient(long handoffId, String donor, InetSocketAddress client,
        SocketChannel connection, byte[] appState) {
    public ReceivedClient {
        Objects.requireNonNull(donor, "donor");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(connection, "connection");
        appState = appState.clone();
    }

    @Override
    public byte[] appState() {
        return appState.clone();
    }
}
