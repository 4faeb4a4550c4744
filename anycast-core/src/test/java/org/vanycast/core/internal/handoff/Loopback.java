package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** Real TCP connections over loopback, so the coordinator handles real SocketChannels. */
final class Loopback implements AutoCloseable {
    record Pair(SocketChannel client, SocketChannel server) {
    }

    private final ServerSocketChannel server;
    private final List<SocketChannel> opened = new ArrayList<>();

    Loopback() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    synchronized Pair pair() throws IOException {
        SocketChannel c = SocketChannel.open(server.getLocalAddress());
        SocketChannel s = server.accept();
        opened.add(c);
        opened.add(s);
        return new Pair(c, s);
    }

    @Override
    public synchronized void close() throws IOException {
        for (SocketChannel ch : opened) {
            ch.close();
        }
        server.close();
    }
}
