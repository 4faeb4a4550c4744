package org.vanycast.mipv6.internal.node;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the Mobile IPv6 data path inside a node container (PID
 * {@code org.vanycast.mipv6.node}). The container already runs inside the node's network
 * namespace, so no namespace is named here.
 */
@ObjectClassDefinition(name = "Vanycast Mobile IPv6 node", description = "Home registration of the logical address and"
        + " route optimization towards clients, for the node's anycast coordinator")
public @interface Mipv6NodeConfig {
    @AttributeDefinition(description = "The logical address X (the home address)")
    String logical_address();

    @AttributeDefinition(description = "This node's care-of address (one of its own addresses)")
    String care_of_address();

    @AttributeDefinition(description = "The home agent of X's prefix")
    String home_agent_address();

    @AttributeDefinition(description = "File with the home-registration secret shared with the home agent (owner-only)")
    String secret_file();

    @AttributeDefinition(description = "Interface towards the home agent")
    String device() default "eth0";

    @AttributeDefinition(description = "NFQUEUE number for Binding Acknowledgements (type 2 routing header)")
    int queue() default 103;

    @AttributeDefinition(description = "nftables table of the node-side translation")
    String table() default "vanycast_mn";

    @AttributeDefinition(description = "Home registration lifetime in units of 4 s")
    int home_lifetime_units() default 900;

    @AttributeDefinition(description = "How long return routability and home registration may take, in ms")
    long timeout_ms() default 5000;

    @AttributeDefinition(description = "Run return routability when Prepare arrives (paper §5.4); false runs it only"
            + " at commit, after Init (for comparison). Changes apply without a restart")
    boolean rr_in_advance() default true;

    @AttributeDefinition(description = "UDP [address]:port this node's home-test relay listens on (its own address)")
    String relay_listen();

    @AttributeDefinition(description = "The relays of the other nodes, [address]:port, comma separated; an acceptor"
            + " sends its Home Test Init to them and the contact node among them sends it from X")
    String[] relay_peers() default {};
}
