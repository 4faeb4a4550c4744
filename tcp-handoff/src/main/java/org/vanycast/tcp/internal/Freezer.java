package org.vanycast.tcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;

/** One way of silencing a connection on the donor (see {@link org.vanycast.tcp.api.FreezeMode}). */
interface Freezer extends AutoCloseable {

    /** Before repair mode: from now on no segment of the connection reaches TCP. */
    void freeze(int fd, InetSocketAddress local, InetSocketAddress remote) throws IOException;

    /** Rollback, socket still open and still in repair mode: let segments through again. */
    void thaw(int fd, InetSocketAddress local, InetSocketAddress remote) throws IOException;

    /** The released socket is closed and the grace period has passed: drop any remaining state. */
    void forget(InetSocketAddress local, InetSocketAddress remote) throws IOException;

    @Override
    void close();
}
