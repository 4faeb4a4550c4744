package org.vanycast.demo.internal.glue;

import java.nio.channels.SocketChannel;
import java.util.function.Supplier;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Server;
import org.vanycast.core.api.AnycastNode;
import org.vanycast.soap.api.SoapHandoff;
import org.vanycast.soap.jetty.HandoffConnector;

/** The soap-adapter connector on X, reporting every connection (accepted or adopted) to the coordinator, once there is one. */
final class TrackingConnector extends HandoffConnector {
    private final Supplier<AnycastNode> node;

    TrackingConnector(Server server, SoapHandoff handoff, Supplier<AnycastNode> node, String host, int port) {
        super(server, handoff);
        this.node = node;
        setHost(host);
        setPort(port);
    }

    @Override
    protected void onEndPointOpened(EndPoint endpoint) {
        super.onEndPointOpened(endpoint);
        AnycastNode n = node.get();
        if (n != null && endpoint.getTransport() instanceof SocketChannel ch) {
            n.track(ch);
        }
    }
}
