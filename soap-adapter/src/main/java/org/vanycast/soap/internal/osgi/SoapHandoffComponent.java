package org.vanycast.soap.internal.osgi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.cxf.Bus;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.AnycastNode;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.soap.api.HandoffSettings;
import org.vanycast.soap.api.ResumableResponse;
import org.vanycast.soap.api.SoapHandoff;
import org.vanycast.soap.internal.DefaultSoapHandoff;

/**
 * The adapter in a container: one {@link SoapHandoff} configured from
 * {@code org.vanycast.soap}, its codec published for the handoff coordinator, the CXF
 * feature applied to every CXF bus, every {@link ResumableResponse} service registered, and
 * (with {@code connector.enabled}) the Vanycast connector on [X]:port whose connections the
 * node's {@link AnycastNode} tracks.
 */
@Component(configurationPid = "org.vanycast.soap", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {})
@Designate(ocd = SoapHandoffConfig.class)
public final class SoapHandoffComponent {
    private static final Logger LOG = LoggerFactory.getLogger(SoapHandoffComponent.class);

    private final DefaultSoapHandoff handoff = new DefaultSoapHandoff(HandoffSettings.defaults());
    private final Map<Bus, Boolean> buses = new ConcurrentHashMap<>();
    private final Map<ResumableResponse, AutoCloseable> resumables = new ConcurrentHashMap<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    // Dynamic: the node's coordinator activates once its group formed (seconds); the connector
    // serves meanwhile and its connections are reported when the node arrives.
    private volatile AnycastNode node;
    /** A {@link JettyConnectorFactory}, typed loosely so that Jetty need not be installed without a connector. */
    private volatile Object connectorFactory;
    private ServiceRegistration<?> connectorRegistration;
    private String connectorAt;
    private BundleContext context;

    /** Turns configuration into settings; a bad value is an IllegalArgumentException naming the key. */
    static HandoffSettings settingsOf(SoapHandoffConfig c) {
        List<Integer> ports = new ArrayList<>();
        for (String p : split(c.ports())) {
            try {
                ports.add(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad configuration org.vanycast.soap: ports: not a port '" + p + "'");
            }
        }
        if (c.capture_timeout_ms() < 0) {
            throw new IllegalArgumentException("bad configuration org.vanycast.soap: capture.timeout.ms must not be negative: " + c.capture_timeout_ms());
        }
        if (c.forget_delay_ms() < 0) {
            throw new IllegalArgumentException("bad configuration org.vanycast.soap: forget.delay.ms must not be negative: " + c.forget_delay_ms());
        }
        try {
            return new HandoffSettings(split(c.endpoints()), ports, c.mid_response(),
                    Duration.ofMillis(c.capture_timeout_ms()), c.max_request_body(), c.max_response_head(),
                    c.continuation_chunk(), Duration.ofMillis(c.forget_delay_ms()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad configuration org.vanycast.soap: " + e.getMessage(), e);
        }
    }

    private static List<String> split(String[] values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    @Activate
    void activate(BundleContext context, SoapHandoffConfig config) {
        this.context = context;
        handoff.update(settingsOf(config));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("vanycast.protocol", "http");
        registrations.add(context.registerService(AppStateCodec.class, handoff.codec(), props));
        registrations.add(context.registerService(SoapHandoff.class, handoff, props));
        connector(config);
        LOG.info("SOAP/HTTP handoff active: {}", handoff.settings());
    }

    @Modified
    void modified(SoapHandoffConfig config) {
        handoff.update(settingsOf(config));
        // the component often starts on defaults and gets its file a moment later
        connector(config);
        LOG.info("SOAP/HTTP handoff reconfigured: {}", handoff.settings());
    }

    /** (Re)publishes the connector when its settings changed; none when disabled. */
    private synchronized void connector(SoapHandoffConfig config) {
        String wanted = config.connector_enabled() ? config.connector_host() + ":" + config.connector_port() : null;
        if (java.util.Objects.equals(wanted, connectorAt)) {
            return;
        }
        if (connectorRegistration != null) {
            connectorRegistration.unregister();
            connectorRegistration = null;
            connectorFactory = null;
        }
        connectorAt = null;
        if (wanted == null) {
            return;
        }
        try {
            List<ServiceRegistration<?>> r = new ArrayList<>();
            connectorFactory = JettyConnectorFactory.register(context, handoff, config.connector_host(),
                    config.connector_port(), () -> node, r);
            connectorRegistration = r.get(0);
            connectorAt = wanted;
            AnycastNode n = node;
            if (n != null) {
                bindNode(n);
            }
        } catch (LinkageError e) {
            LOG.warn("connector.enabled is set but Felix HTTP Jetty is not installed: {}", e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters on bundle stop
            }
        }
        registrations.clear();
        if (connectorRegistration != null) {
            try {
                connectorRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters on bundle stop
            }
            connectorRegistration = null;
        }
        buses.keySet().forEach(b -> handoff.feature().remove(b));
        handoff.close();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNode(AnycastNode n) {
        node = n;
        Object f = connectorFactory;
        if (f != null) { // only then may JettyConnectorFactory (and Jetty) be loaded
            ((JettyConnectorFactory) f).nodeArrived(n);
        }
    }

    void unbindNode(AnycastNode n) {
        if (node == n) {
            node = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBus(Bus bus) {
        // Bus-wide: every endpoint published on it records its requests, no service change needed.
        handoff.feature().initialize(bus);
        buses.put(bus, Boolean.TRUE);
    }

    void unbindBus(Bus bus) {
        if (buses.remove(bus) != null) {
            handoff.feature().remove(bus);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindResumable(ResumableResponse resumable) {
        resumables.put(resumable, handoff.register(resumable));
    }

    void unbindResumable(ResumableResponse resumable) {
        AutoCloseable registration = resumables.remove(resumable);
        if (registration != null) {
            try {
                registration.close();
            } catch (Exception e) {
                LOG.debug("withdrawing {}: {}", resumable.name(), e.toString());
            }
        }
    }
}
