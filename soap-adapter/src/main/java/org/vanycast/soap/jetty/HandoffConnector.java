package org.vanycast.soap.jetty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.ChannelEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.soap.api.SoapHandoff;
import org.vanycast.soap.spi.AdoptionTarget;
import org.vanycast.soap.internal.DefaultSoapHandoff;
import org.vanycast.soap.internal.TrackedConnection;

/**
 * A plain HTTP/1.1 {@link ServerConnector} on the logical address that Vanycast controls: it
 * reports every connection to the node's {@link SoapHandoff}, lets a handoff hold a connection
 * at a point where it can move, and takes in connections re-created from another node
 * ({@link #adopt}) so that the same servlets and CXF endpoints serve them as any other.
 */
public class HandoffConnector extends ServerConnector implements AdoptionTarget {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffConnector.class);

    private final DefaultSoapHandoff handoff;
    private final Map<SocketChannel, ByteBuffer> adoptedPrefixes = new ConcurrentHashMap<>();
    private final Map<SocketChannel, HandoffEndPoint> open = new ConcurrentHashMap<>();
    private volatile boolean reusePort;

    public HandoffConnector(Server server, SoapHandoff handoff, ConnectionFactory... factories) {
        super(server, factories.length == 0 ? new ConnectionFactory[] {new HttpConnectionFactory()} : factories);
        this.handoff = (DefaultSoapHandoff) handoff;
        addBean(new RequestRecorder(handoff::settings));
    }

    /**
     * Lets several connectors listen on the same address and port (SO_REUSEPORT), e.g. the
     * connector of an updated bundle next to the old one, or two nodes in one test JVM.
     */
    public void setReusePort(boolean reusePort) {
        this.reusePort = reusePort;
    }

    @Override
    protected ServerSocketChannel openAcceptChannel() throws IOException {
        if (!reusePort) {
            return super.openAcceptChannel();
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, getReuseAddress());
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            String host = getHost();
            channel.bind(host == null ? new InetSocketAddress(getPort()) : new InetSocketAddress(host, getPort()),
                    getAcceptQueueSize());
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        handoff.addAdoptionTarget(this);
    }

    @Override
    protected void doStop() throws Exception {
        handoff.removeAdoptionTarget(this);
        // Handed-off endpoints left the selector (see HandoffEndPoint.abandon), so stopping the
        // selectors would not close them: close them here, failing what their threads wait for.
        for (HandoffEndPoint e : open.values()) {
            if (e.tracked().handoff() == TrackedConnection.Handoff.RELEASED) {
                e.close();
            }
        }
        super.doStop();
    }

    @Override
    protected ChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key)
            throws IOException {
        HandoffEndPoint endPoint = new HandoffEndPoint(channel, selector, key, getScheduler(), getExecutor(),
                adoptedPrefixes.remove(channel), handoff.settings().maxResponseHead());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    @Override
    protected void onEndPointOpened(EndPoint endpoint) {
        super.onEndPointOpened(endpoint);
        if (endpoint instanceof HandoffEndPoint e) {
            handoff.registry().put(e.tracked());
            open.put(e.getChannel(), e);
        }
    }

    @Override
    protected void onEndPointClosed(EndPoint endpoint) {
        if (endpoint instanceof HandoffEndPoint e) {
            open.remove(e.getChannel());
            handoff.registry().remove(e.tracked());
        }
        super.onEndPointClosed(endpoint);
    }

    /** Whether this connector listens on {@code local} (same port; the address if bound to one). */
    @Override
    public boolean serves(InetSocketAddress local) {
        if (getLocalPort() != local.getPort()) {
            return false;
        }
        String host = getHost();
        if (host == null || host.isEmpty()) {
            return true;
        }
        try {
            return java.net.InetAddress.getByName(host.replace("[", "").replace("]", "")).equals(local.getAddress())
                    || java.net.InetAddress.getByName(host.replace("[", "").replace("]", "")).isAnyLocalAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Serves a connection that was accepted elsewhere (re-created from another node). The
     * server first reads {@code alreadyRead}, the bytes of the next request the donor had read.
     */
    @Override
    public void adopt(SocketChannel channel, byte[] alreadyRead) throws IOException {
        channel.configureBlocking(false);
        channel.socket().setTcpNoDelay(getAcceptedTcpNoDelay());
        if (alreadyRead.length > 0) {
            adoptedPrefixes.put(channel, ByteBuffer.wrap(alreadyRead));
        }
        LOG.debug("adopting {} with {} bytes already read", channel, alreadyRead.length);
        getSelectorManager().accept(channel);
    }

    /** The client connections this connector serves now, for a coordinator choosing what to move. */
    public List<SocketChannel> openConnections() {
        return new ArrayList<>(open.keySet());
    }
}
