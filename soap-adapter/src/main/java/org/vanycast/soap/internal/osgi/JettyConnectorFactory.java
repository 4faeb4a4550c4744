package org.vanycast.soap.internal.osgi;

import java.util.Dictionary;
import java.util.Hashtable;
import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.vanycast.soap.api.SoapHandoff;
import org.vanycast.soap.jetty.HandoffConnector;

/** Gives Felix HTTP Jetty the Vanycast connector (kept apart so the Jetty classes load only when asked for). */
final class JettyConnectorFactory implements ConnectorFactory {
    private final SoapHandoff handoff;
    private final String host;
    private final int port;

    private JettyConnectorFactory(SoapHandoff handoff, String host, int port) {
        this.handoff = handoff;
        this.host = host;
        this.port = port;
    }

    static ServiceRegistration<?> register(BundleContext context, SoapHandoff handoff, String host, int port) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("vanycast.connector", host + ":" + port);
        return context.registerService(ConnectorFactory.class, new JettyConnectorFactory(handoff, host, port), props);
    }

    @Override
    public Connector createConnector(Server server) {
        HandoffConnector connector = new HandoffConnector(server, handoff);
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}
