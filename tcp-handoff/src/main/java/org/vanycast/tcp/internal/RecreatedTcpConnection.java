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
            // mark and filter must be gone by now: the window probe, or the first data, follows
            if (needsWindowProbe(state)) {
                TcpRepair.leave(f);
            } else {
                TcpRepair.leaveWithoutProbe(f);
            }
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

    /**
     * The window probe makes the client answer with an acknowledgement at once. That is worth a
     * packet when data is in flight: the donor's freeze may have dropped the client's
     * acknowledgements of it, which would otherwise wait for a retransmission timeout. A drained
     * connection has nothing in flight and the client knows its window: without the probe the
     * service's next bytes are the acceptor's first packet (one packet less per handoff; no
     * measurable time in the local bench). A window that opens later is announced by the kernel
     * when the service reads, probe or not.
     */
    static boolean needsWindowProbe(TcpConnectionState s) {
        return s.unacked().length > 0;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            TcpRepair.closeQuietly(fd);
            fd = -1;
        }
    }
}
