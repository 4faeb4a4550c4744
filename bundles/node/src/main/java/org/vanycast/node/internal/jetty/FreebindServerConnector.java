package org.vanycast.node.internal.jetty;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.BiConsumer;

import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.vanycast.node.internal.util.Addresses;

/**
 * A Jetty connector that Vanycast controls: it binds with free-bind (so the logical address X
 * need not be configured on an interface) and accepts connections it did not accept itself
 * ({@link #adopt}) — the migrated ones.
 */
final class FreebindServerConnector extends ServerConnector {

    private final InetAddress address;
    private final BiConsumer<FreebindServerConnector, Exception> startListener;

    FreebindServerConnector(Server server, InetAddress address, int port,
            BiConsumer<FreebindServerConnector, Exception> startListener) {
        super(server, new HttpConnectionFactory());
        this.address = address;
        this.startListener = startListener;
        setHost(org.vanycast.node.internal.util.Addresses.format(address));
        setPort(port);
        setName("vanycast-" + org.vanycast.node.internal.util.Addresses.format(address));
    }

    InetSocketAddress bindAddress() {
        return new InetSocketAddress(address, getPort());
    }

    @Override
    protected ServerSocketChannel openAcceptChannel() throws IOException {
        boolean ipv6 = address instanceof Inet6Address;
        ServerSocketChannel channel = ServerSocketChannel.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, getReuseAddress());
            Freebind.enable(channel, ipv6);
            channel.bind(bindAddress(), getAcceptQueueSize());
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot listen on " + format(bindAddress()) + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void doStart() throws Exception {
        try {
            super.doStart();
        } catch (Exception e) {
            // Reported once through the listener (the launcher prints it as one line); not
            // rethrown, so the HTTP service does not log a stack trace for a busy port.
            startListener.accept(this, e);
            return;
        }
        startListener.accept(this, null);
    }

    /** Serves a connection accepted elsewhere, like one from {@code accept(2)} on this listener. */
    void adopt(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, getAcceptedTcpNoDelay());
        getSelectorManager().accept(channel);
    }

    static String format(InetSocketAddress address) {
        return Addresses.format(address);
    }
}
