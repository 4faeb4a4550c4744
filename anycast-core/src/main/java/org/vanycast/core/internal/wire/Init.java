package org.vanycast.core.internal.wire;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import org.vanycast.core.spi.SocketState;

/**
 * Donor → acceptor: everything needed to take the client over (paper §4.4: the MIPv6
 * sequence number, the TCP socket state and the application state).
 *
 * <pre>
 *  body: handoff id (8) | nonce (16) | timestamp ms since epoch (8) | MIPv6 sequence (u16)
 *        | logical address (addr) | socket local (addr, port) | socket remote (addr, port)
 *        | socket state length (u32) | socket state | app state length (u32) | app state
 * </pre>
 *
 * The nonce and timestamp let the acceptor reject a replayed Init.
 */
public record Init(long handoffId, byte[] nonce, long timestampMillis, int mipv6Sequence,
        InetAddress logicalAddress, SocketState socketState, byte[] appState) implements NodeMessage {
    public static final int NONCE_BYTES = 16;

    public Init {
        Objects.requireNonNull(logicalAddress, "logicalAddress");
        Objects.requireNonNull(socketState, "socketState");
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be " + NONCE_BYTES + " bytes");
        }
        if (mipv6Sequence < 0 || mipv6Sequence > 0xFFFF) {
            throw new IllegalArgumentException("MIPv6 sequence is 16 bits: " + mipv6Sequence);
        }
        nonce = nonce.clone();
        appState = appState.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] appState() {
        return appState.clone();
    }

    public int appStateSize() {
        return appState.length;
    }

    @Override
    public MessageType type() {
        return MessageType.INIT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Init i && i.handoffId == handoffId && Arrays.equals(i.nonce, nonce)
                && i.timestampMillis == timestampMillis && i.mipv6Sequence == mipv6Sequence
                && i.logicalAddress.equals(logicalAddress) && i.socketState.equals(socketState)
                && Arrays.equals(i.appState, appState);
    }

    @Override
    public int hashCode() {
        return Objects.hash(handoffId, Arrays.hashCode(nonce), timestampMillis, socketState);
    }

    @Override
    public String toString() {
        return "Init[" + Long.toUnsignedString(handoffId, 16) + ", seq " + mipv6Sequence + ", " + socketState
                + ", app " + appState.length + " bytes]";
    }
}
