package org.vanycast.testbed;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.vanycast.mipv6.internal.agent.CorrespondentAgent;
import org.vanycast.mipv6.internal.agent.HomeAgentService;
import org.vanycast.mipv6.internal.agent.MobileNodeDataPath;

/**
 * The agents of a testbed, started in their namespaces inside this JVM: the home agent in
 * {@code ha} serving X, the cn-agent on the client (its kernel lacks MIP6), and on request
 * the mobile-node data path of service nodes (the first one registers X: the contact node).
 */
public final class Agents implements AutoCloseable {
    public static final int HA_QUEUE = 101;
    public static final int CN_QUEUE = 102;
    public static final int MN_QUEUE = 103;

    private final Testbed tb;
    private final byte[] secret;
    private final HomeAgentService homeAgent;
    private final CorrespondentAgent cnAgent;
    private final Map<String, MobileNodeDataPath> nodes = new HashMap<>();

    private Agents(Testbed tb, byte[] secret, HomeAgentService ha, CorrespondentAgent cn) {
        this.tb = tb;
        this.secret = secret;
        this.homeAgent = ha;
        this.cnAgent = cn;
    }

    /** Starts ha-agent and cn-agent with a fresh home-registration secret. */
    public static Agents start(Testbed tb) throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return start(tb, secret);
    }

    public static Agents start(Testbed tb, byte[] secret) throws Exception {
        HomeAgentService ha = HomeAgentService.start(tb.ns("ha"), tb.homeAgentAddress(), "eth0", HA_QUEUE);
        CorrespondentAgent cn = null;
        try {
            ha.serve(tb.logicalAddress(), secret);
            // the client's stand-in for a MIPv6 kernel must not run inside the sends of the nodes
            // that share its CPUs (see CorrespondentAgent.start): SCHED_BATCH
            cn = CorrespondentAgent.start(tb.ns("client"), CN_QUEUE, "vanycast_cn", false, true);
        } catch (Exception e) {
            ha.close();
            throw e;
        }
        Agents a = new Agents(tb, secret, ha, cn);
        tb.addService("ha", "ha-agent", ha);
        tb.addService("client", "cn-agent", cn);
        return a;
    }

    /** Starts the mobile-node data path on {@code node} (X at its own address as care-of address). */
    public synchronized MobileNodeDataPath node(String node) throws Exception {
        MobileNodeDataPath m = nodes.get(node);
        if (m == null) {
            m = MobileNodeDataPath.start(tb.ns(node), tb.logicalAddress(), tb.address(node), tb.homeAgentAddress(), "eth0",
                    secret, MN_QUEUE, "vanycast_mn");
            nodes.put(node, m);
            tb.addService(node, "mn-datapath", m);
        }
        return m;
    }

    /** Makes {@code node} the contact node: home registration of X at its address. */
    public MobileNodeDataPath contact(String node) throws Exception {
        MobileNodeDataPath m = node(node);
        m.registerHome(900, Duration.ofSeconds(5));
        tb.contactNode(node);
        return m;
    }

    /**
     * Wires an acceptor's Home Test Init / Home Test through the contact node, in this JVM
     * (in a deployment anycast-core's node channel carries them): the contact node sends the
     * acceptor's HoTI from X and hands the matching HoT back.
     */
    public static void relayThroughContact(MobileNodeDataPath acceptor, MobileNodeDataPath contact) {
        acceptor.relayHomeTestInitsThrough(hoti -> {
            try {
                contact.relayHomeTestInit(hoti, hot -> {
                    try {
                        acceptor.deliverRelayed(hot);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    public HomeAgentService homeAgent() {
        return homeAgent;
    }

    public CorrespondentAgent cnAgent() {
        return cnAgent;
    }

    public Inet6Address x() {
        return tb.logicalAddress();
    }

    /** Writes the secret (owner-only) so a separate {@code ha-agent} or node process can use it. */
    public void writeSecret(Path file) throws IOException {
        Files.write(file, secret);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    /** Agents are services of the testbed: closing the testbed stops them; this stops them earlier. */
    @Override
    public void close() {
        nodes.values().forEach(MobileNodeDataPath::close);
        cnAgent.close();
        homeAgent.close();
    }
}
