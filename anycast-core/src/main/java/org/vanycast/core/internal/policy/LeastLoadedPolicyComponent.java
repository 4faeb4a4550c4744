package org.vanycast.core.internal.policy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vanycast.core.spi.AcceptorPolicy;

/**
 * Registers {@link LeastLoadedPolicy} as the fallback {@link AcceptorPolicy}: its negative
 * ranking lets any policy a service registers win.
 */
@Component(service = AcceptorPolicy.class, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"service.ranking:Integer=-100", "vanycast.policy=least-loaded"})
@Designate(ocd = LeastLoadedPolicyComponent.Config.class)
public class LeastLoadedPolicyComponent implements AcceptorPolicy {

    @ObjectClassDefinition(name = "Vanycast least-loaded acceptor policy")
    public @interface Config {
        @AttributeDefinition(description = "Per-node weights, node=weight; a node with weight 2 takes twice the load")
        String[] weights() default {};
    }

    private volatile LeastLoadedPolicy policy = new LeastLoadedPolicy();

    @Activate
    @Modified
    void configure(Config config) {
        policy = new LeastLoadedPolicy(LeastLoadedPolicy.parseWeights(config.weights()));
    }

    @Override
    public Optional<Candidate> choose(InetSocketAddress client, List<Candidate> candidates) {
        return policy.choose(client, candidates);
    }
}
