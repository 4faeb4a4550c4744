package org.vanycast.soap.internal.osgi;

import java.nio.channels.SocketChannel;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.vanycast.core.api.AnycastNode;
import org.vanycast.soap.api.SoapHandoff;
import org.vanycast.soap.jetty.HandoffConnector;

/**
 * Gives Felix HTTP Jetty the Vanycast connector on [X]:port (kept apart so the Jetty classes
 * load only when asked for). Every connection it serves, accepted or adopted, is reported to
 * the node's {@link AnycastNode} once there is one, so the coordinator can find a client's
 * connection to hand it off.
 */
final class JettyConnectorFactory implements ConnectorFactory {
    private final SoapHandoff handoff;
    private final String host;
    private final int port;
    private final Supplier<AnycastNode> node;
    private final List<Tracking> connectors = new CopyOnWriteArrayList<>();

    private JettyConnectorFactory(SoapHandoff handoff, String host, int port, Supplier<AnycastNode> node) {
        this.handoff = handoff;
        this.host = host;
        this.port = port;
        this.node = node;
    }

    static JettyConnectorFactory register(BundleContext context, SoapHandoff handoff, String host, int port,
            Supplier<AnycastNode> node, List<ServiceRegistration<?>> registrations) {
        JettyConnectorFactory f = new JettyConnectorFactory(handoff, host, port, node);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("vanycast.connector", host + ":" + port);
        registrations.add(context.registerService(ConnectorFactory.class, f, props));
        return f;
    }

    /** The node arrived (its coordinator waits for the group to form): it learns of the connections already open. */
    void nodeArrived(AnycastNode n) {
        connectors.forEach(c -> c.openConnections().forEach(n::track));
    }

    @Override
    public Connector createConnector(Server server) {
        Tracking connector = new Tracking(server);
        connector.setHost(host);
        connector.setPort(port);
        connectors.add(connector);
        return connector;
    }

    private final class Tracking extends HandoffConnector {
        Tracking(Server server) {
            super(server, handoff);
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
}
