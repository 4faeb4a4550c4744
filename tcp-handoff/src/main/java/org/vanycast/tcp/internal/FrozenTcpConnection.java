package org.vanycast.tcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.SocketState;
import org.vanycast.tcp.internal.kernel.TcpRepair;

/** A donor socket in repair mode behind its freeze; owns the application's channel until resume or release. */
final class FrozenTcpConnection implements ConnectionMigrator.FrozenConnection {
    private enum Stage { FROZEN, RESUMED, RELEASED }

    private final TcpConnectionMigrator migrator;
    private final Freezer freezer;
    private final SocketChannel channel;
    private final int fd;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private Stage stage = Stage.FROZEN;

    FrozenTcpConnection(TcpConnectionMigrator migrator, Freezer freezer, SocketChannel channel, int fd,
            InetSocketAddress local, InetSocketAddress remote) {
        this.migrator = migrator;
        this.freezer = freezer;
        this.channel = channel;
        this.fd = fd;
        this.local = local;
        this.remote = remote;
    }

    @Override
    public synchronized SocketState extract() throws IOException {
        requireFrozen("extract");
        TcpConnectionState s = TcpStateExtractor.extract(fd, local, remote);
        return new SocketState(local, remote, TcpStateCodec.encode(s));
    }

    /** Thaw before leaving repair mode, so the peer's answer to the window probe gets in. */
    @Override
    public synchronized SocketChannel resume() throws IOException {
        requireFrozen("resume");
        TcpRepair.selectQueue(fd, TcpRepair.NO_QUEUE);
        freezer.thaw(fd, local, remote);
        TcpRepair.leave(fd);
        stage = Stage.RESUMED;
        return channel;
    }

    @Override
    public synchronized void release() throws IOException {
        requireFrozen("release");
        stage = Stage.RELEASED;
        migrator.scheduleRelease(new TcpConnectionMigrator.ConnectionKey(local, remote), channel);
    }

    @Override
    public synchronized void close() throws IOException {
        if (stage == Stage.FROZEN) {
            release();
        }
    }

    private void requireFrozen(String verb) {
        if (stage != Stage.FROZEN) {
            throw new IllegalStateException(verb + " on a connection already " + stage.name().toLowerCase());
        }
    }
}
