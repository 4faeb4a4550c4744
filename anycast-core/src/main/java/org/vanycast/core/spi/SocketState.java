package org.vanycast.core.spi;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * The transport state of one TCP connection as shipped from donor to acceptor inside
 * {@code Init}. The core treats the record as opaque bytes; the {@link ConnectionMigrator}
 * that produced it defines (and versions) the format. The addresses are copied out so the
 * coordinator can route and log without decoding.
 */
public final class SocketState {
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final byte[] encoded;

    public SocketState(InetSocketAddress local, InetSocketAddress remote, byte[] encoded) {
        this.local = Objects.requireNonNull(local, "local");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.encoded = Objects.requireNonNull(encoded, "encoded").clone();
    }

    /** The server side of the connection: the logical address X and the service port. */
    public InetSocketAddress local() {
        return local;
    }

    /** The client side of the connection. */
    public InetSocketAddress remote() {
        return remote;
    }

    /** The migrator's versioned, size-prefixed record. */
    public byte[] encoded() {
        return encoded.clone();
    }

    public int size() {
        return encoded.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SocketState s && local.equals(s.local) && remote.equals(s.remote)
                && Arrays.equals(encoded, s.encoded);
    }

    @Override
    public int hashCode() {
        return Objects.hash(local, remote, Arrays.hashCode(encoded));
    }

    @Override
    public String toString() {
        return "SocketState[" + remote + " -> " + local + ", " + encoded.length + " bytes]";
    }
}
