package org.vanycast.core.internal.node;

import java.io.IOException;
import java.net.InetSocketAddress;
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

/**
 * The node's loopback operator endpoint (see {@link ControlEndpoint}) when configured
 * (PID {@code org.vanycast.core.control}, key {@code listen}). Only a loopback address is
 * accepted: whoever can reach it can move clients and make the node leave.
 */
@Component(name = ControlEndpointComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = {})
@Designate(ocd = ControlEndpointComponent.Config.class)
public final class ControlEndpointComponent {
    static final String PID = "org.vanycast.core.control";
    private static final Logger LOG = LoggerFactory.getLogger(ControlEndpointComponent.class);

    @ObjectClassDefinition(name = "Vanycast operator control endpoint")
    public @interface Config {
        @AttributeDefinition(description = "Loopback [address]:port to listen on, e.g. [::1]:7999")
        String listen() default "[::1]:7999";
    }

    // Dynamic: the coordinator activates once its group formed; until then requests are answered "not joined yet".
    private volatile AnycastNode node;
    private final ControlEndpoint endpoint;

    @Activate
    public ControlEndpointComponent(Config config) throws IOException {
        InetSocketAddress at;
        try {
            at = ControlEndpoint.parse(config.listen());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad configuration " + PID + ": listen: " + e.getMessage(), e);
        }
        if (!at.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("bad configuration " + PID + ": listen must be a loopback address, not "
                    + at.getAddress().getHostAddress());
        }
        endpoint = ControlEndpoint.start(at, () -> node);
        LOG.info("operator control endpoint on {}", config.listen());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNode(AnycastNode n) {
        node = n;
    }

    void unbindNode(AnycastNode n) {
        if (node == n) {
            node = null;
        }
    }

    @Deactivate
    void deactivate() {
        endpoint.close();
    }
}
