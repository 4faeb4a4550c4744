package org.vanycast.core.internal.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.vanycast.core.spi.SocketState;

/**
 * Donor → acceptor: everything needed to take the client over (paper §4.4: the MIPv6
 * sequence number, the TCP socket state and the application state). A binding moves every
 * connection of the client (paper §6.2), so one Init carries all of them.
 *
 * <pre>
 *  body: handoff id (8) | nonce (16) | timestamp ms since epoch (8) | MIPv6 sequence (u16)
 *        | logical address (addr) | connection count (u16, 1..1024)
 *        | per connection: local (addr, port) | remote (addr, port)
 *                          | socket state length (u32) | socket state | app state length (u32) | app state
 * </pre>
 *
 * The nonce and timestamp let the acceptor reject a replayed Init. All connections belong to
 * one client host.
 */
public record Init(long handoffId, byte[] nonce, long timestampMillis, int mipv6Sequence,
        InetAddress logicalAddress, List<Migrated> connections) implements NodeMessage {
    public static final int NONCE_BYTES = 16;
    public static final int MAX_CONNECTIONS = 1024;

    /** One connection of the client: its transport state and its application state. */
    public record Migrated(SocketState socketState, byte[] appState) {
        public Migrated {
            Objects.requireNonNull(socketState, "socketState");
            appState = appState.clone();
        }

        @Override
        public byte[] appState() {
            return appState.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Migrated m && m.socketState.equals(socketState) && Arrays.equals(m.appState, appState);
        }

        @Override
        public int hashCode() {
            return socketState.hashCode() * 31 + Arrays.hashCode(appState);
        }

        int appStateSize() {
            return appState.length;
        }
    }

    public Init {
        Objects.requireNonNull(logicalAddress, "logicalAddress");
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be " + NONCE_BYTES + " bytes");
        }
        if (mipv6Sequence < 0 || mipv6Sequence > 0xFFFF) {
            throw new IllegalArgumentException("MIPv6 sequence is 16 bits: " + mipv6Sequence);
        }
        connections = List.copyOf(connections);
        String problem = checkConnections(connections);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        nonce = nonce.clone();
    }

    /** A single-connection Init. */
    public Init(long handoffId, byte[] nonce, long timestampMillis, int mipv6Sequence, InetAddress logicalAddress,
            SocketState socketState, byte[] appState) {
        this(handoffId, nonce, timestampMillis, mipv6Sequence, logicalAddress, List.of(new Migrated(socketState, appState)));
    }

    /** @return why the list is unacceptable, or null */
    static String checkConnections(List<Migrated> connections) {
        if (connections.isEmpty() || connections.size() > MAX_CONNECTIONS) {
            return "an Init carries 1.." + MAX_CONNECTIONS + " connections, not " + connections.size();
        }
        InetAddress client = connections.get(0).socketState().remote().getAddress();
        for (Migrated m : connections) {
            if (!m.socketState().remote().getAddress().equals(client)) {
                return "connections of one Init must share one client host";
            }
        }
        return null;
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** The client end of the first connection (all share its host). */
    public InetSocketAddress client() {
        return connections.get(0).socketState().remote();
    }

    public int socketStateBytes() {
        return connections.stream().mapToInt(m -> m.socketState().size()).sum();
    }

    public int appStateBytes() {
        return connections.stream().mapToInt(Migrated::appStateSize).sum();
    }

    @Override
    public MessageType type() {
        return MessageType.INIT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Init i && i.handoffId == handoffId && Arrays.equals(i.nonce, nonce)
                && i.timestampMillis == timestampMillis && i.mipv6Sequence == mipv6Sequence
                && i.logicalAddress.equals(logicalAddress) && i.connections.equals(connections);
    }

    @Override
    public int hashCode() {
        return Objects.hash(handoffId, Arrays.hashCode(nonce), timestampMillis, connections);
    }

    @Override
    public String toString() {
        return "Init[" + Long.toUnsignedString(handoffId, 16) + ", seq " + mipv6Sequence + ", " + connections.size()
                + " connection(s) of " + client().getAddress().getHostAddress() + ", " + socketStateBytes()
                + " + " + appStateBytes() + " bytes]";
    }
}
