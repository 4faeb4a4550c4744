package org.vanycast.tcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.vanycast.tcp.internal.kernel.SocketFilter;

/**
 * Freeze by a drop-all socket filter for what comes in, and a socket mark routed to a
 * blackhole for what goes out: a socket in repair mode still runs its timers, and a
 * retransmission or tail-loss probe from the donor after the switch would reach the client
 * (measured here: about one run in three). Two setsockopts each way; nothing outlives the
 * socket. The blackhole rule ({@link FreezeMark}) is installed when the migrator starts.
 */
final class SocketFilterFreezer implements Freezer {
    private final Map<List<InetSocketAddress>, Integer> savedMarks = new ConcurrentHashMap<>();

    @Override
    public void freeze(int fd, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        SocketFilter.attachDropAll(fd);
        int mark = SocketFilter.mark(fd);
        SocketFilter.setMark(fd, FreezeMark.MARK);
        savedMarks.put(List.of(local, remote), mark);
    }

    @Override
    public void thaw(int fd, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        Integer mark = savedMarks.remove(List.of(local, remote));
        SocketFilter.setMark(fd, mark == null ? 0 : mark);
        SocketFilter.detach(fd);
    }

    @Override
    public void forget(InetSocketAddress local, InetSocketAddress remote) {
        // the filter and the mark went away with the socket
        savedMarks.remove(List.of(local, remote));
    }

    @Override
    public void close() {
        // the rule stays: it matches nothing once no socket carries the mark
    }
}
