package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.api.BindingAckStatus;
import org.vanycast.mipv6.api.BindingAcknowledgement;
import org.vanycast.mipv6.api.BindingUpdate;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.ReturnRoutabilityKeys;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.RawMobilitySocket;

/**
 * A home agent for the logical addresses of one home prefix (the {@code ha-agent}).
 *
 * <p><b>Home registrations</b> arrive as Binding Updates with the H flag and a Home Address
 * option; this kernel drops those, so an ip6tables-legacy raw-table rule queues every
 * Mobility Header addressed to the home agent to us first. A registration must carry
 * Binding Authorization Data computed with the home-registration key shared between the
 * nodes and the home agent (standing in for the IPsec ESP protection RFC 6275 §5.1
 * requires, which needs the MIP6 kernel) and a newer sequence number; anything else is
 * dropped and counted. The Binding Acknowledgement goes back with a type 2 routing header.
 *
 * <p><b>Why seg6 encapsulation:</b> the kernel has neither {@code ip6_tunnel} (ip6ip6) nor
 * dummy/TUN-over-rtnetlink support, but it has SRv6. A route {@code X encap seg6 mode
 * encap.red segs CoA} puts packets to X into an outer IPv6 header towards the care-of
 * address with no segment routing header — on the wire exactly RFC 2473 IPv6-in-IPv6, the
 * encapsulation RFC 6275 §10.4.1 prescribes — entirely in the kernel, so tunnelled packets
 * cost no user-space hop (a TUN forwarder would add two copies and a context switch per
 * packet, and tens of µs of ε). Reverse-tunnelled packets (from X, tunnelled by the node)
 * are decapsulated by a {@code seg6local End.DT6} route for the home agent address that a
 * policy rule applies only to protocol-41 packets from registered care-of addresses.
 * HoTI/HoT relaying for the mobile node falls out of that: a HoTI arrives reverse-tunnelled
 * and is forwarded, the HoT to X is tunnelled to the care-of address.
 */
public final class HomeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HomeAgent.class);
    static final int DECAP_TABLE = 200;

    private final String ns;
    private final Inet6Address homeAgent;
    private final String uplink;
    private final byte[] registrationKey;
    private final int queue;
    private final DropCounters counters = new DropCounters();
    private final Map<Inet6Address, Inet6Address> bindings = new ConcurrentHashMap<>();
    private final Map<Inet6Address, Integer> lastSequence = new ConcurrentHashMap<>();
    private RawMobilitySocket socket;
    private QueueLoop loop;

    private HomeAgent(String ns, Inet6Address homeAgent, String uplink, byte[] key, int queue) {
        this.ns = ns;
        this.homeAgent = homeAgent;
        this.uplink = uplink;
        this.registrationKey = key.clone();
        this.queue = queue;
    }

    /**
     * Starts a home agent at {@code homeAgent} inside namespace {@code ns} (null: this one),
     * tunnelling out of interface {@code uplink}.
     */
    public static HomeAgent start(String ns, Inet6Address homeAgent, String uplink, byte[] registrationKey, int queue)
            throws Exception {
        HomeAgent h = new HomeAgent(ns, homeAgent, uplink, registrationKey, queue);
        try {
            h.setUp();
        } catch (Exception e) {
            h.close();
            throw e;
        }
        return h;
    }

    private void setUp() throws Exception {
        String ha = Setup.a(homeAgent);
        Setup.run(ns, "ip6tables-legacy", "-t", "raw", "-I", "PREROUTING", "-p", "135", "-d", ha,
                "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
        Setup.run(ns, "ip", "-6", "route", "replace", ha + "/128", "encap", "seg6local", "action", "End.DT6",
                "table", "main", "dev", uplink, "table", Integer.toString(DECAP_TABLE));
        // The decap rule must come before the local table, else the home agent address
        // simply receives the protocol-41 packet and drops it.
        Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", "0", "lookup", "local");
        Setup.quietly(ns, "ip", "-6", "rule", "add", "pref", "1000", "lookup", "local");
        // Tunnelled packets leave from the home agent address (RFC 6275 §10.4.1), which is
        // also what nodes accept tunnels from.
        Setup.run(ns, "ip", "sr", "tunsrc", "set", ha);
        socket = NetNs.call(ns, () -> RawMobilitySocket.open(null));
        loop = QueueLoop.start(ns, queue, this::onPacket, counters);
        LOG.info("home agent {} up (queue {})", ha, queue);
    }

    private boolean onPacket(byte[] raw, long nowNanos) throws IOException {
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
            LOG.debug("malformed MH from {}: {}", raw.length >= 24 ? "peer" : "?", e.getMessage());
            return false;
        }
        if (!p.mobilityChecksumValid()) {
            counters.count("bad-checksum");
            return false;
        }
        if (!(mh.message() instanceof BindingUpdate bu) || !bu.homeRegistration()) {
            counters.count("not-home-registration");
            return false;
        }
        Inet6Address home = p.homeAddress();
        Inet6Address careOf = p.source();
        if (home == null) {
            counters.count("no-home-address-option");
            return false;
        }
        byte[] wire = p.upperLayer();
        if (!ReturnRoutabilityKeys.verify(registrationKey, careOf, homeAgent, wire, 0, wire.length)) {
            counters.count("bad-authenticator");
            return false;
        }
        Integer last = lastSequence.get(home);
        if (last != null && !Sequences.newer(bu.sequence(), last)) {
            counters.count("stale-sequence");
            acknowledge(home, careOf, BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, last, 0);
            return false;
        }
        lastSequence.put(home, bu.sequence());
        if (bu.lifetime() == 0 || careOf.equals(home)) {
            deregister(home);
        } else {
            register(home, careOf);
        }
        counters.count("accepted");
        if (bu.ack()) {
            acknowledge(home, careOf, BindingAckStatus.ACCEPTED, bu.sequence(), bu.lifetime());
        }
        return false;
    }

    private void register(Inet6Address home, Inet6Address careOf) throws IOException {
        Inet6Address old = bindings.put(home, careOf);
        Setup.run(ns, "ip", "-6", "route", "replace", Setup.a(home) + "/128", "encap", "seg6", "mode", "encap.red",
                "segs", Setup.a(careOf), "dev", uplink);
        if (old != null && !old.equals(careOf)) {
            Setup.quietly(ns, "ip", "-6", "rule", "del", "from", Setup.a(old), "to", Setup.a(homeAgent), "ipproto", "ipv6");
        }
        if (old == null || !old.equals(careOf)) {
            Setup.run(ns, "ip", "-6", "rule", "add", "pref", "100", "from", Setup.a(careOf), "to", Setup.a(homeAgent),
                    "ipproto", "ipv6", "lookup", Integer.toString(DECAP_TABLE));
        }
        LOG.info("home registration {} -> {}", Setup.a(home), Setup.a(careOf));
    }

    private void deregister(Inet6Address home) {
        Inet6Address old = bindings.remove(home);
        Setup.quietly(ns, "ip", "-6", "route", "del", Setup.a(home) + "/128");
        if (old != null) {
            Setup.quietly(ns, "ip", "-6", "rule", "del", "from", Setup.a(old), "to", Setup.a(homeAgent), "ipproto", "ipv6");
        }
    }

    private void acknowledge(Inet6Address home, Inet6Address careOf, BindingAckStatus status, int seq, int lifetime)
            throws IOException {
        BindingAcknowledgement ba = new BindingAcknowledgement(status, 0, seq, lifetime, List.of());
        ba = ReturnRoutabilityKeys.sign(ba, registrationKey, careOf, homeAgent);
        Ipv6Packet out = Ipv6Packet.mobility(homeAgent, careOf, null, home, ba);
        socket.sendPacket(Ipv6PacketCodec.encode(out), null);
    }

    public Map<Inet6Address, Inet6Address> bindings() {
        return Map.copyOf(bindings);
    }

    public DropCounters counters() {
        return counters;
    }

    public boolean isRunning() {
        return loop != null && loop.isRunning();
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
        if (socket != null) {
            socket.close();
        }
        for (Inet6Address home : bindings.keySet()) {
            deregister(home);
        }
        if (ns == null || NetNs.exists(ns)) {
            Setup.quietly(ns, "ip6tables-legacy", "-t", "raw", "-D", "PREROUTING", "-p", "135", "-d", Setup.a(homeAgent),
                    "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
        }
    }
}
