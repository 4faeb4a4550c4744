package org.vanycast.node.internal.jetty;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.node.api.ConnectionAdopter;

/**
 * Registers one {@link ConnectorFactory} per address that needs a Vanycast connector
 * (Felix HTTP Jetty's whiteboard adds the connectors to its server), and registers the
 * {@link ConnectionAdopter} service once every such connector has tried to open, with the
 * outcome in its service properties (the launcher waits for it).
 */
// service = {}: the adopter is registered by hand once the listeners have reported.
@Component(immediate = true, service = {})
public class HttpListenerComponent implements ConnectionAdopter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListenerComponent.class);

    private final Map<InetAddress, FreebindServerConnector> connectors = new ConcurrentHashMap<>();
    private final Map<InetAddress, String> errors = new ConcurrentHashMap<>();
    private final List<ServiceRegistration<ConnectorFactory>> factories = new ArrayList<>();
    private BundleContext context;
    private ListenerPlan plan;
    private ServiceRegistration<ConnectionAdopter> adopterRegistration;

    @Activate
    void activate(BundleContext context) throws UnknownHostException {
        this.context = context;
        this.plan = ListenerPlan.from(context::getProperty);
        if (!Freebind.isAvailable()) {
            LOG.warn("free-bind unavailable ({}): the logical address must be configured locally",
                    Freebind.unavailabilityCause().toString());
        }
        List<InetAddress> addresses = plan.vanycastAddresses();
        if (addresses.isEmpty()) {
            publish();
            return;
        }
        for (InetAddress address : addresses) {
            ConnectorFactory factory = server -> new FreebindServerConnector(server, address, plan.port(), this::started);
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("vanycast.address", address.getHostAddress());
            factories.add(context.registerService(ConnectorFactory.class, factory, properties));
        }
    }

    @Deactivate
    synchronized void deactivate() {
        if (adopterRegistration != null) {
            adopterRegistration.unregister();
            adopterRegistration = null;
        }
        for (ServiceRegistration<ConnectorFactory> registration : factories) {
            registration.unregister(); // the HTTP service stops and removes the connector
        }
        factories.clear();
        connectors.clear();
    }

    private void started(FreebindServerConnector connector, Exception failure) {
        InetAddress address = connector.bindAddress().getAddress();
        if (failure == null) {
            connectors.put(address, connector);
            errors.remove(address);
            LOG.debug("listening on {}", FreebindServerConnector.format(connector.bindAddress()));
        } else {
            errors.put(address, failure.getMessage());
        }
        if (connectors.size() + errors.size() == plan.vanycastAddresses().size()) {
            publish();
        }
    }

    private synchronized void publish() {
        List<String> listen = new ArrayList<>();
        for (InetSocketAddress a : listenAddresses()) {
            listen.add(FreebindServerConnector.format(a));
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(LISTEN_PROPERTY, listen.toArray(new String[0]));
        if (!errors.isEmpty()) {
            properties.put(ERRORS_PROPERTY, errors.values().toArray(new String[0]));
        }
        if (adopterRegistration == null) {
            adopterRegistration = context.registerService(ConnectionAdopter.class, this, properties);
        } else {
            adopterRegistration.setProperties(properties);
        }
    }

    @Override
    public void adopt(SocketChannel channel) throws IOException {
        if (!(channel.getLocalAddress() instanceof InetSocketAddress local) || channel.getRemoteAddress() == null) {
            throw new IOException("cannot adopt " + channel + ": not a connected TCP channel");
        }
        // By address: a migrated connection to X has X's port anyway, and Jetty serves a
        // connection the same whichever connector of the server owns it.
        FreebindServerConnector connector = connectors.get(local.getAddress());
        if (connector == null) {
            throw new IOException("no Vanycast listener for " + FreebindServerConnector.format(local)
                    + " (listening on " + connectors.keySet() + " port " + plan.port() + ")");
        }
        connector.adopt(channel);
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        if (!plan.ownAddresses().isEmpty()) {
            addresses.add(new InetSocketAddress(plan.ownAddresses().get(0), plan.port()));
        }
        for (InetAddress address : plan.vanycastAddresses()) {
            if (connectors.containsKey(address)) {
                addresses.add(new InetSocketAddress(address, plan.port()));
            }
        }
        return addresses;
    }
}
