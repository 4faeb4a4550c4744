package org.vanycast.demo.internal.glue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import org.apache.cxf.Bus;
import org.apache.felix.http.jetty.ConnectorFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.AnycastNode;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.soap.api.DirectoryResumable;
import org.vanycast.soap.api.HandoffSettings;
import org.vanycast.soap.api.RecordedRequest;
import org.vanycast.soap.api.ReplayResumable;
import org.vanycast.soap.api.SoapHandoff;

/**
 * Wires the node's HTTP side to the anycast coordinator for the demo: an HTTP connector on
 * [X]:port (a soap-adapter {@code HandoffConnector}) whose connections the node's
 * {@link AnycastNode} tracks, the adapter's codec registered for that port, the sample
 * service's downloads declared resumable mid-body, and a loopback control endpoint through
 * which an operator asks for a handoff.
 */
@Component(configurationPid = HttpHandoffComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
@Designate(ocd = HttpHandoffComponent.Config.class)
public final class HttpHandoffComponent {
    static final String PID = "org.vanycast.demo.http";
    private static final Logger LOG = LoggerFactory.getLogger(HttpHandoffComponent.class);

    @ObjectClassDefinition(name = "Vanycast demo HTTP wiring")
    public @interface Config {
        @AttributeDefinition(description = "The logical address X the connector listens on")
        String logical_address();

        @AttributeDefinition(description = "HTTP port on X")
        int port() default 8080;

        @AttributeDefinition(description = "Folder of the documents the sample service serves")
        String data_dir();

        @AttributeDefinition(description = "Request path prefix of the plain downloads")
        String download_prefix() default "/content/";

        @AttributeDefinition(description = "Loopback [address]:port of the operator control endpoint")
        String control_listen() default "[::1]:7999";
    }

    private final ServiceRegistration<?> codec;
    private final ServiceRegistration<?> connector;
    private final AutoCloseable resumable;
    private final AutoCloseable rangeReplay;
    private final SoapHandoff handoff;
    private final java.util.Set<Bus> buses = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.regex.Pattern GET_RANGE = java.util.regex.Pattern.compile("<([\\w.-]+:)?getRange[\\s/>]");
    private final ControlEndpoint control;
    private final java.util.List<TrackingConnector> connectors = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Dynamic: the coordinator's activation waits for its group to form (seconds); the connector
    // and the control endpoint are up meanwhile and connections are tracked once it arrives.
    private volatile AnycastNode node;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNode(AnycastNode n) {
        node = n;
        connectors.forEach(t -> t.openConnections().forEach(n::track));
    }

    void unbindNode(AnycastNode n) {
        if (node == n) {
            node = null;
        }
    }

    AnycastNode node() {
        return node;
    }

    @Activate
    public HttpHandoffComponent(BundleContext context, Config config) throws IOException {
        String x = config.logical_address();
        if (x == null || !x.contains(":")) {
            throw new IllegalArgumentException("bad configuration " + PID + ": logical.address: not an IPv6 address: " + x);
        }
        if (config.port() < 1 || config.port() > 65535) {
            throw new IllegalArgumentException("bad configuration " + PID + ": port: " + config.port());
        }
        InetSocketAddress controlAt = ControlEndpoint.parse(config.control_listen());
        if (!controlAt.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("bad configuration " + PID + ": control.listen must be a loopback address");
        }
        handoff = SoapHandoff.create(HandoffSettings.defaults());
        resumable = handoff.register(new DirectoryResumable("download", config.download_prefix(), Path.of(config.data_dir())));
        // The sample service's SOAP getRange is deterministic: the acceptor replays it against its own server.
        rangeReplay = handoff.register(new ReplayResumable("getRange", URI.create("http://[" + x + "]:" + config.port() + "/"),
                HttpHandoffComponent::isGetRange));
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("vanycast.protocol", "http");
        p.put(Constants.SERVICE_RANKING, 100);
        codec = context.registerService(AppStateCodec.class, handoff.codec(), p);
        Dictionary<String, Object> c = new Hashtable<>();
        c.put("vanycast.connector", "[" + x + "]:" + config.port());
        connector = context.registerService(ConnectorFactory.class,
                server -> {
                    TrackingConnector t = new TrackingConnector(server, handoff, this::node, x, config.port());
                    connectors.add(t);
                    return t;
                }, c);
        control = ControlEndpoint.start(controlAt, this::node);
        LOG.info("demo wiring: handoff connector on [{}]:{}, control on {}", x, config.port(), controlAt);
    }

    static boolean isGetRange(RecordedRequest r) {
        return r.target().startsWith("/soap/") && GET_RANGE.matcher(new String(r.body(), StandardCharsets.UTF_8)).find();
    }

    /** Every CXF bus (the sample service's included) records request bodies for this node's handoff, so getRange can be replayed. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBus(Bus bus) {
        handoff.feature().initialize(bus);
        buses.add(bus);
    }

    void unbindBus(Bus bus) {
        if (buses.remove(bus)) {
            handoff.feature().remove(bus);
        }
    }

    @Deactivate
    void deactivate() {
        buses.forEach(b -> handoff.feature().remove(b));
        buses.clear();
        control.close();
        connector.unregister();
        codec.unregister();
        try {
            resumable.close();
            rangeReplay.close();
        } catch (Exception e) {
            LOG.debug("withdrawing resumable: {}", e.toString());
        }
    }
}
