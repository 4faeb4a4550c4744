package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.api.CareOfTest;
import org.vanycast.mipv6.api.CorrespondentNode;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobilityAction;
import org.vanycast.mipv6.api.MobilityConstants;
import org.vanycast.mipv6.api.NonceTable;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.NftBindingTranslator;
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
 *
 * <p>TCP segments that match no socket on the client come here too (the backend's hold rule):
 * those from a care-of address that may be about to bind wait for the binding (see
 * {@link HeldSegments}); all others go on at once.
 */
public final class CorrespondentAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CorrespondentAgent.class);
    private static final int IPPROTO_TCP = 6;

    private final String ns;
    private final int queue;
    private final CorrespondentNode engine = new CorrespondentNode(new NonceTable(new SecureRandom()));
    private final DropCounters counters = new DropCounters();
    private final Map<Inet6Address, Inet6Address> bindings = new ConcurrentHashMap<>();
    private final AtomicLong lastInstallNanos = new AtomicLong(-1);
    // queue thread only
    private final HeldSegments held = new HeldSegments(MobilityConstants.MAX_NONCE_LIFETIME, TimeUnit.MILLISECONDS.toNanos(1500), 256);
    /** Held segments whose binding is now in place, with the home address they come from. */
    private final List<Map.Entry<Inet6Address, HeldSegments.Held>> toDeliver = new ArrayList<>();
    private boolean holdRules;
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
        return start(ns, queue, table, xfrm, false);
    }

    /**
     * Like {@link #start(String, int, String, boolean)}; with {@code background} the agent's
     * packet thread runs as SCHED_BATCH, so that a packet for it never preempts another
     * process's thread in the middle of its work. For a testbed, where this agent stands in for
     * the kernel of a client machine of its own but shares the CPUs with the nodes: woken on the
     * CPU of a node that has just sent it a Binding Update, it would otherwise run its part
     * (verification, binding, about a millisecond) inside that node's send.
     */
    public static CorrespondentAgent start(String ns, int queue, String table, boolean xfrm, boolean background)
            throws Exception {
        CorrespondentAgent a = new CorrespondentAgent(ns, queue);
        try {
            a.backend = NetNs.call(ns, () -> RouteOptimizationBackends.create(table, xfrm));
            a.socket = NetNs.call(ns, () -> RawMobilitySocket.open(null));
            a.sender = new PacketSender(a.socket, null, null);
            if (a.backend instanceof NftBindingTranslator) {
                holdUnmatchedSegments(ns, queue, true);
                a.holdRules = true;
            }
            Setup.run(ns, "ip6tables-legacy", "-t", "raw", "-I", "PREROUTING", "-p", "135",
                    "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
            a.loop = QueueLoop.start(ns, queue, new QueueLoop.Handler() {
                @Override
                public boolean handle(byte[] packet, long nowNanos) throws Exception {
                    return a.onPacket(packet, nowNanos);
                }

                @Override
                public QueueLoop.Verdict decide(int id, byte[] packet, long nowNanos) throws Exception {
                    if (packet.length >= 40 && (packet[0] & 0xF0) == 0x60 && packet[6] == IPPROTO_TCP) {
                        return a.onUnmatchedSegment(id, packet, nowNanos);
                    }
                    return a.onPacket(packet, nowNanos) ? QueueLoop.Verdict.ACCEPT : QueueLoop.Verdict.DROP;
                }

                @Override
                public void releaseHeld(QueueLoop.HeldVerdicts out, long nowNanos) throws Exception {
                    a.release(out, nowNanos);
                }

                @Override
                public void tick(long nowNanos) throws Exception {
                    if (a.engine.nextDeadline() <= nowNanos) {
                        a.perform(a.engine.onTimer(nowNanos), nowNanos);
                    }
                }
            }, a.counters, background);
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

    /** A TCP segment (queued by the backend's hold rule) that matched no socket on the client. */
    private QueueLoop.Verdict onUnmatchedSegment(int id, byte[] raw, long now) throws IOException {
        Inet6Address source = (Inet6Address) InetAddress.getByAddress(Arrays.copyOfRange(raw, 8, 24));
        for (Map.Entry<Inet6Address, Inet6Address> b : bindings.entrySet()) {
            if (b.getValue().equals(source)) {
                // passed the translation while its binding was being installed: deliver as translated
                toDeliver.add(Map.entry(b.getKey(), new HeldSegments.Held(id, raw, now)));
                counters.count("segment-held");
                return QueueLoop.Verdict.HOLD;
            }
        }
        return switch (held.offer(id, raw, source, now)) {
            case HOLD -> {
                counters.count("segment-held");
                yield QueueLoop.Verdict.HOLD;
            }
            case OVERFLOW -> {
                counters.count("segment-hold-full");
                yield QueueLoop.Verdict.ACCEPT;
            }
            case PASS -> QueueLoop.Verdict.ACCEPT;
        };
    }

    private void release(QueueLoop.HeldVerdicts out, long now) throws Exception {
        for (Map.Entry<Inet6Address, HeldSegments.Held> e : toDeliver) {
            try {
                out.acceptModified(e.getValue().id(), SegmentRewrite.withSource(e.getValue().packet(), e.getKey()));
                counters.count("segment-released");
            } catch (IllegalArgumentException bad) {
                out.drop(e.getValue().id());
                counters.count("segment-unreadable");
            }
        }
        toDeliver.clear();
        for (int id : held.expired(now)) {
            // its binding never came: TCP will send it again, a RST would end the connection
            out.drop(id);
            counters.count("segment-hold-expired");
        }
    }

    private void perform(List<MobilityAction> actions, long receivedNanos) throws IOException {
        for (MobilityAction a : actions) {
            if (a instanceof MobilityAction.Send s) {
                if (s.message() instanceof CareOfTest) {
                    held.careOfTested(s.packet().destination(), receivedNanos);
                }
                sender.send(s.packet());
                counters.count("sent-" + (s.message() == null ? "esp" : s.message().type().name()));
                if (s.message() instanceof org.vanycast.mipv6.api.BindingAcknowledgement ba && !ba.status().isAccepted()) {
                    // A refused update (stale sequence, expired nonces) leaves bindings as they were.
                    counters.count("rejected-" + ba.status().value());
                }
            } else if (a instanceof MobilityAction.BindingAdded b) {
                backend.bindCorrespondent(b.entry().homeAddress(), b.entry().careOfAddress());
                bindings.put(b.entry().homeAddress(), b.entry().careOfAddress());
                for (HeldSegments.Held h : held.bound(b.entry().careOfAddress(), receivedNanos)) {
                    toDeliver.add(Map.entry(b.entry().homeAddress(), h));
                }
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

    /**
     * The rules that send TCP segments matching no socket (after the translation, neither SYN
     * nor RST) to queue {@code queue}: ip6tables-legacy in the mangle table, because this
     * kernel has no nft queue expression (nft_queue) while xt_socket and NFQUEUE are there.
     * {@code bypass}: with no agent listening, segments go straight on.
     */
    static void holdUnmatchedSegments(String ns, int queue, boolean on) throws IOException {
        String[][] rules = {
            {"PREROUTING", "-p", "tcp", "-m", "socket", "-j", "ACCEPT"},
            {"PREROUTING", "-p", "tcp", "--tcp-flags", "SYN,RST", "NONE", "-j", "NFQUEUE", "--queue-num",
                Integer.toString(queue), "--queue-bypass"}};
        for (String[] rule : rules) {
            List<String> cmd = new ArrayList<>(List.of("ip6tables-legacy", "-t", "mangle", on ? "-A" : "-D"));
            cmd.addAll(List.of(rule));
            if (on) {
                Setup.run(ns, cmd.toArray(String[]::new));
            } else {
                Setup.quietly(ns, cmd.toArray(String[]::new));
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
            if (holdRules) {
                try {
                    holdUnmatchedSegments(ns, queue, false);
                } catch (IOException e) {
                    LOG.debug("removing hold rules: {}", e.toString());
                }
            }
        }
        if (socket != null) {
            socket.close();
        }
        if (backend != null) {
            backend.close();
        }
    }
}
