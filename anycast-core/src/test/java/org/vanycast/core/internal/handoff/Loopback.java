package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** Real TCP connections over loopback, so the coordinator handles real SocketChannels. */
public final class Loopback implements AutoCloseable {
    public record Pair(SocketChannel client, SocketChannel server) {
    }

    private final ServerSocketChannel server;
    private final List<SocketChannel> opened = new ArrayList<>();

    public Loopback() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    public synchronized Pair pair() throws IOException {
        return pair(InetAddress.getLoopbackAddress());
    }

    /** A connection whose client end has its own address (any of 127.0.0.0/8 works on lo). */
    public synchronized Pair pair(InetAddress clientAddress) throws IOException {
        SocketChannel c = SocketChannel.open();
        c.bind(new InetSocketAddress(clientAddress, 0));
        c.connect(server.getLocalAddress());
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
