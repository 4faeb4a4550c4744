package org.vanycast.tcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.vanycast.tcp.internal.kernel.SocketFilter;

/** Freeze by a drop-all socket filter: one setsockopt each way, nothing outlives the socket. */
final class SocketFilterFreezer implements Freezer {
    @Override
    public void freeze(int fd, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        SocketFilter.attachDropAll(fd);
    }

    @Override
    public void thaw(int fd, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        SocketFilter.detach(fd);
    }

    @Override
    public void forget(InetSocketAddress local, InetSocketAddress remote) {
        // the filter went away with the socket
    }

    @Override
    public void close() {
        // nothing held
    }
}
