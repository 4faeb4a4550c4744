package org.vanycast.tcp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.tcp.internal.kernel.ChannelFds;
import org.vanycast.tcp.internal.kernel.SocketFilter;
import org.vanycast.tcp.internal.kernel.TcpRepair;

/** An acceptor socket in repair mode, filtered, waiting for the traffic switch. */
final class RecreatedTcpConnection implements ConnectionMigrator.RecreatedConnection {
    private final TcpConnectionState state;
    private int fd;

    RecreatedTcpConnection(int fd, TcpConnectionState state) {
        this.fd = fd;
        this.state = state;
    }

    @Override
    public synchronized SocketChannel activate() throws IOException {
        if (fd < 0) {
            throw new IllegalStateException("connection already activated or closed");
        }
        int f = fd;
        SocketChannel channel;
        try {
            SocketFilter.setMark(f, 0);
            SocketFilter.detach(f);
            TcpRepair.leave(f); // sends the window probe: mark and filter must be gone by now
            channel = ChannelFds.adopt(f, state.remote());
        } catch (IOException | RuntimeException e) {
            fd = -1;
            TcpRepair.closeQuietly(f);
            throw e;
        }
        fd = -1; // the channel owns it now
        ByteBuffer unsent = ByteBuffer.wrap(state.unsent());
        while (unsent.hasRemaining()) {
            channel.write(unsent);
        }
        return channel;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            TcpRepair.closeQuietly(fd);
            fd = -1;
        }
    }
}
