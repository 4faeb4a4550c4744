package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.api.CorrespondentNode;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobilityAction;
import org.vanycast.mipv6.api.NonceTable;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.RouteOptimizationBackends;
import org.vanycast.mipv6.internal.kernel.RawMobilitySocket;
import org.vanycast.mipv6.internal.kernel.RouteOptimizationBackend;

/**
 * The {@code cn-agent}: gives a client whose kernel lacks MIPv6 the correspondent-node
 * function while its applications stay untouched. The engine's {@link CorrespondentNode}
 * role answers HoTI/CoTI and validates Binding Updates; each binding it adds or removes is
 * made effective by a {@link RouteOptimizationBackend}: XFRM route optimization on a kernel with
 * MIP6, else in-process nftables translation (about a millisecond, never a forked {@code nft}).
 *
 * <p>Every Mobility Header reaching the client — also those behind a Home Address option,
 * which the kernel would drop with a Parameter Problem — is queued by an ip6tables-legacy
 * raw-table rule to this agent and then dropped: the kernel never sees it. What the engine
 * rejects (malformed, bad checksum, wrong authenticator, replayed sequence, expired nonces)
 * is dropped and counted per reason; bindings already in place stay.
 */
public final class CorrespondentAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CorrespondentAgent.class);

    private final String ns;
    private final int queue;
    private final CorrespondentNode engine = new CorrespondentNode(new NonceTable(new SecureRandom()));
    private final DropCounters counters = new DropCounters();
    private final Map<Inet6Address, Inet6Address> bindings = new ConcurrentHashMap<>();
    private final AtomicLong lastInstallNanos = new AtomicLong(-1);
    private RouteOptimizationBackend backend;
    private RawMobilitySocket socket;
    private PacketSender sender;
    private QueueLoop loop;

    private CorrespondentAgent(String ns, int queue) {
        this.ns = ns;
        this.queue = queue;
    }

    /** Starts the agent in namespace {@code ns} (null: the caller's) with nftables table {@code table}. */
    public static CorrespondentAgent start(String ns, int queue, String table) throws Exception {
        return start(ns, queue, table, false);
    }

    /**
     * Like {@link #start(String, int, String)}; {@code xfrm} selects the kernel's XFRM route
     * optimization where the kernel has MIP6. Both ends of a binding must use the same kind:
     * a node translating with nftables cannot take the type 2 routing headers XFRM adds.
     */
    public static CorrespondentAgent start(String ns, int queue, String table, boolean xfrm) throws Exception {
        CorrespondentAgent a = new CorrespondentAgent(ns, queue);
        try {
            a.backend = NetNs.call(ns, () -> RouteOptimizationBackends.create(table, xfrm));
            a.socket = NetNs.call(ns, () -> RawMobilitySocket.open(null));
            a.sender = new PacketSender(a.socket, null, null);
            Setup.run(ns, "ip6tables-legacy", "-t", "raw", "-I", "PREROUTING", "-p", "135",
                    "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
            a.loop = QueueLoop.start(ns, queue, new QueueLoop.Handler() {
                @Override
                public boolean handle(byte[] packet, long nowNanos) throws Exception {
                    return a.onPacket(packet, nowNanos);
                }

                @Override
                public void tick(long nowNanos) throws Exception {
                    if (a.engine.nextDeadline() <= nowNanos) {
                        a.perform(a.engine.onTimer(nowNanos), nowNanos);
                    }
                }
            }, a.counters);
        } catch (Exception e) {
            a.close();
            throw e;
        }
        LOG.info("cn-agent up (queue {}, backend {})", queue, a.backend.name());
        return a;
    }

    // Runs on the queue thread only: the engine is single-threaded.
    private boolean onPacket(byte[] raw, long now) throws IOException {
        Ipv6Packet p;
        try {
            p = Ipv6PacketCodec.decode(raw);
        } catch (MalformedMobilityHeaderException e) {
            counters.count("MALFORMED");
            LOG.debug("undecodable packet: {}", e.getMessage());
            return false;
        }
        perform(engine.receive(p, now), now);
        return false;
    }

    private void perform(List<MobilityAction> actions, long receivedNanos) throws IOException {
        for (MobilityAction a : actions) {
            if (a instanceof MobilityAction.Send s) {
                sender.send(s.packet());
                counters.count("sent-" + (s.message() == null ? "esp" : s.message().type().name()));
                if (s.message() instanceof org.vanycast.mipv6.api.BindingAcknowledgement ba && !ba.status().isAccepted()) {
                    // A refused update (stale sequence, expired nonces) leaves bindings as they were.
                    counters.count("rejected-" + ba.status().value());
                }
            } else if (a instanceof MobilityAction.BindingAdded b) {
                backend.bindCorrespondent(b.entry().homeAddress(), b.entry().careOfAddress());
                bindings.put(b.entry().homeAddress(), b.entry().careOfAddress());
                lastInstallNanos.set(System.nanoTime() - receivedNanos);
                counters.count("binding-accepted");
            } else if (a instanceof MobilityAction.BindingRemoved r) {
                backend.unbindCorrespondent(r.entry().homeAddress());
                bindings.remove(r.entry().homeAddress());
                counters.count("binding-removed-" + r.cause());
            } else if (a instanceof MobilityAction.Dropped d) {
                counters.count(d.reason().name());
            } else if (a instanceof MobilityAction.SendParameterProblem pp) {
                sender.sendParameterProblem(pp.offending().destination(), pp.offending(), pp.mobilityHeaderOffset());
            }
        }
    }

    /** Nanoseconds from queue delivery of the last accepted Binding Update to its translation being active. */
    public long lastInstallNanos() {
        return lastInstallNanos.get();
    }

    public DropCounters counters() {
        return counters;
    }

    public boolean isRunning() {
        return loop != null && loop.isRunning();
    }

    /** Bindings in effect (home address → care-of address). */
    public Map<Inet6Address, Inet6Address> bindings() {
        return Map.copyOf(bindings);
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
        if (ns == null || NetNs.exists(ns)) {
            Setup.quietly(ns, "ip6tables-legacy", "-t", "raw", "-D", "PREROUTING", "-p", "135",
                    "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
        }
        if (socket != null) {
            socket.close();
        }
        if (backend != null) {
            backend.close();
        }
    }
}
