package org.vanycast.core.internal.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.vanycast.core.spi.SocketState;

/**
 * The made-up handoff the warm-ups and rehearsals send or decode, of a drained download's size
 * (bench handoff: 104 bytes of socket state; a document position and its request, 320 bytes of
 * application state), between made-up ULA addresses ({@code fd00::1}, {@code fd00::2}); its
 * messages only travel over a node's own loopback channels or are only decoded, so nothing is
 * ever sent to those addresses.
 */
public final class MadeUpHandoff {
    public static final int SOCKET_STATE_BYTES = 104;
    public static final int APP_STATE_BYTES = 320;
    public static final InetAddress LOGICAL = literal("fd00::1");
    public static final InetSocketAddress CLIENT = new InetSocketAddress(literal("fd00::2"), 40000);
    public static final InetSocketAddress SERVICE = new InetSocketAddress(LOGICAL, 8080);

    private MadeUpHandoff() {
    }

    /** An Init of one connection with zeroed socket state and the given application state. */
    public static Init init(long id, byte[] nonce, long timestampMillis, int mipv6Sequence, byte[] appState) {
        return new Init(id, nonce, timestampMillis, mipv6Sequence, LOGICAL,
                new SocketState(SERVICE, CLIENT, new byte[SOCKET_STATE_BYTES]), appState);
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a literal: never thrown
        }
    }
}
