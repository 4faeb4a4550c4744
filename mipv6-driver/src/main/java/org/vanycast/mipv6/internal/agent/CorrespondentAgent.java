package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.api.BindingAckStatus;
import org.vanycast.mipv6.api.BindingAcknowledgement;
import org.vanycast.mipv6.api.BindingUpdate;
import org.vanycast.mipv6.api.CareOfTest;
import org.vanycast.mipv6.api.CareOfTestInit;
import org.vanycast.mipv6.api.HomeTest;
import org.vanycast.mipv6.api.HomeTestInit;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.MobilityOption;
import org.vanycast.mipv6.api.NonceTable;
import org.vanycast.mipv6.api.ReturnRoutabilityKeys;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.NftBindingTranslator;
import org.vanycast.mipv6.internal.kernel.RawMobilitySocket;
import org.vanycast.mipv6.internal.kernel.RouteOptimizationBackend;

/**
 * The correspondent-node function for a client whose kernel lacks MIPv6 (the
 * {@code cn-agent}): return routability (HoTI → HoT, CoTI → CoT, RFC 6275 §5.2.5) and
 * Binding Updates authenticated with Kbm (§5.2.6, §9.5.1), the binding made effective by
 * a {@link RouteOptimizationBackend} (nftables translation here) in-process.
 *
 * <p>Every Mobility Header reaching the client (also those behind a Home Address option,
 * which the kernel would drop) is queued by an ip6tables-legacy raw-table rule to this
 * agent and then dropped: the kernel never needs to see it. Malformed, unauthenticated or
 * replayed messages are dropped and counted; existing bindings stay.
 */
public final class CorrespondentAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CorrespondentAgent.class);
    /** Upper bound on accepted binding lifetimes (RFC 6275 §5.2.6: MAX_RR_BINDING_LIFETIME, 420 s). */
    static final int MAX_LIFETIME_UNITS = 420 / 4;

    private final String ns;
    private final int queue;
    private final DropCounters counters = new DropCounters();
    private final NonceTable nonces = new NonceTable(new SecureRandom());
    private final Map<Inet6Address, Integer> lastSequence = new ConcurrentHashMap<>();
    private final AtomicLong lastInstallNanos = new AtomicLong(-1);
    private RouteOptimizationBackend backend;
    private RawMobilitySocket socket;
    private QueueLoop loop;

    private CorrespondentAgent(String ns, int queue) {
        this.ns = ns;
        this.queue = queue;
    }

    /** Starts the agent in namespace {@code ns} (null: this one) with an nftables backend in table {@code table}. */
    public static CorrespondentAgent start(String ns, int queue, String table) throws Exception {
        CorrespondentAgent a = new CorrespondentAgent(ns, queue);
        try {
            a.backend = NetNs.call(ns, () -> NftBindingTranslator.create(table));
            a.socket = NetNs.call(ns, () -> RawMobilitySocket.open(null));
            Setup.run(ns, "ip6tables-legacy", "-t", "raw", "-I", "PREROUTING", "-p", "135",
                    "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
            a.loop = QueueLoop.start(ns, queue, a::onPacket, a.counters);
        } catch (Exception e) {
            a.close();
            throw e;
        }
        LOG.info("cn-agent up (queue {}, backend {})", queue, a.backend.name());
        return a;
    }

    private boolean onPacket(byte[] raw, long now) throws IOException {
        Ipv6Packet p;
        MobilityHeader mh;
        try {
            p = Ipv6PacketCodec.decode(raw);
            if (!p.isMobilityHeader()) {
                counters.count("not-mobility-header");
                return false;
            }
            mh = p.mobilityHeader();
        } catch (MalformedMobilityHeaderException | RuntimeException e) {
            counters.count("malformed");
            LOG.debug("malformed MH: {}", e.getMessage());
            return false;
        }
        if (!p.mobilityChecksumValid()) {
            counters.count("bad-checksum");
            return false;
        }
        Inet6Address me = p.destination();
        if (mh.message() instanceof HomeTestInit hoti) {
            if (p.homeAddress() != null) {
                counters.count("hoti-with-home-address-option");
                return false;
            }
            NonceTable.Nonce n = nonces.current(now);
            long token = ReturnRoutabilityKeys.homeKeygenToken(nonces.kcn(), p.source(), n.value());
            send(Ipv6Packet.mobility(me, p.source(), null, null, new HomeTest(n.index(), hoti.homeInitCookie(), token)));
            counters.count("hoti");
        } else if (mh.message() instanceof CareOfTestInit coti) {
            NonceTable.Nonce n = nonces.current(now);
            long token = ReturnRoutabilityKeys.careOfKeygenToken(nonces.kcn(), p.source(), n.value());
            send(Ipv6Packet.mobility(me, p.source(), null, null, new CareOfTest(n.index(), coti.careOfInitCookie(), token)));
            counters.count("coti");
        } else if (mh.message() instanceof BindingUpdate bu) {
            onBindingUpdate(p, bu, me, now);
        } else {
            counters.count("unexpected-" + mh.message().type());
        }
        return false;
    }

    private void onBindingUpdate(Ipv6Packet p, BindingUpdate bu, Inet6Address me, long now) throws IOException {
        Inet6Address home = p.homeAddress();
        Inet6Address careOf = p.source();
        if (home == null || bu.homeRegistration()) {
            counters.count(home == null ? "bu-without-home-address" : "bu-home-registration-to-cn");
            return;
        }
        MobilityOption.NonceIndices idx = null;
        for (MobilityOption o : bu.options()) {
            if (o instanceof MobilityOption.NonceIndices ni) {
                idx = ni;
            }
        }
        if (idx == null) {
            counters.count("bu-without-nonce-indices");
            return;
        }
        OptionalLong ht = nonces.homeKeygenToken(home, idx.homeNonceIndex(), now);
        boolean dereg = bu.lifetime() == 0 || home.equals(careOf);
        OptionalLong ct = dereg ? OptionalLong.of(0) : nonces.careOfKeygenToken(careOf, idx.careOfNonceIndex(), now);
        if (ht.isEmpty() || ct.isEmpty()) {
            counters.count("expired-nonce");
            return;
        }
        byte[] kbm = dereg ? ReturnRoutabilityKeys.kbmDeregistration(ht.getAsLong())
                : ReturnRoutabilityKeys.kbm(ht.getAsLong(), ct.getAsLong());
        byte[] wire = p.upperLayer();
        if (!ReturnRoutabilityKeys.verify(kbm, careOf, me, wire, 0, wire.length)) {
            counters.count("bad-authenticator");
            return;
        }
        Integer last = lastSequence.get(home);
        if (last != null && !Sequences.newer(bu.sequence(), last)) {
            counters.count("stale-sequence");
            return;
        }
        lastSequence.put(home, bu.sequence());
        int lifetime = Math.min(bu.lifetime(), MAX_LIFETIME_UNITS);
        if (dereg) {
            backend.unbindCorrespondent(home);
        } else {
            backend.bindCorrespondent(home, careOf);
        }
        lastInstallNanos.set(System.nanoTime() - now);
        counters.count("binding-accepted");
        if (bu.ack()) {
            BindingAcknowledgement ba = ReturnRoutabilityKeys.sign(
                    new BindingAcknowledgement(BindingAckStatus.ACCEPTED, 0, bu.sequence(), lifetime, List.of()),
                    kbm, careOf, me);
            send(Ipv6Packet.mobility(me, careOf, null, home, ba));
        }
    }

    private void send(Ipv6Packet packet) throws IOException {
        socket.sendPacket(Ipv6PacketCodec.encode(packet), null);
    }

    /** Nanoseconds from queue delivery of the last accepted BU to its translation being active. */
    public long lastInstallNanos() {
        return lastInstallNanos.get();
    }

    public DropCounters counters() {
        return counters;
    }

    public boolean isRunning() {
        return loop != null && loop.isRunning();
    }

    /** Bindings in effect (home → care-of). */
    public Map<Inet6Address, Inet6Address> bindings() {
        return backend instanceof NftBindingTranslator t ? t.correspondentBindings() : Map.of();
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
