package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.api.HomeAgent;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobilityAction;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.RawMobilitySocket;
import org.vanycast.mipv6.internal.kernel.RouteNetlink;

/**
 * The {@code ha-agent}: the engine's {@link HomeAgent} role on the wire, for the logical
 * addresses of one home prefix.
 *
 * <p><b>Signalling.</b> Home registrations are Binding Updates with a Home Address option,
 * ESP-protected (RFC 4877); this kernel drops Home Address options, so ip6tables-legacy
 * raw-table rules queue ESP and Mobility Header packets addressed to the home agent to us
 * first. The engine checks the SA, ICV, anti-replay window, sequence number and home
 * address; what it rejects is dropped and counted per reason. Acknowledgements leave with
 * a type 2 routing header through a header-included raw socket.
 *
 * <p><b>Why seg6 encapsulation for the tunnel:</b> this kernel has no {@code ip6_tunnel}
 * (ip6ip6) and no dummy interfaces; it has TUN (created with the ioctl) and SRv6. A route
 * {@code X encap seg6 mode encap.red segs CoA} wraps packets to X in an outer IPv6 header
 * towards the care-of address with no segment routing header — on the wire exactly the RFC
 * 2473 IPv6-in-IPv6 encapsulation RFC 6275 §10.4.1 prescribes — entirely in the kernel, so
 * a tunnelled packet costs no user-space hop (a user-space IPv6-in-IPv6 forwarder over TUN
 * would add two copies and two context switches per packet, tens of µs of ε, and cap
 * throughput). The outer source is
 * the home agent address ({@code ip sr tunsrc}). Reverse-tunnelled packets (from X, sent by
 * the node) are decapsulated by a {@code seg6local End.DT6} route for the home agent
 * address, which a policy rule applies only to protocol-41 packets from registered care-of
 * addresses, and then forwarded. HoTI/HoT relaying for the mobile node follows: the HoTI
 * arrives reverse-tunnelled and is forwarded, the HoT to X is tunnelled to the care-of
 * address. nftables translation was the third option; it would rewrite X itself, which
 * breaks the node's sockets bound to X and the Home Test's home-address check.
 *
 * <p>Kernels without seg6 lightweight tunnels ({@code CONFIG_IPV6_SEG6_LWTUNNEL}, probed by
 * {@link RouteNetlink#seg6Unavailability}) get the same encapsulation from a
 * {@link UserSpaceTunnel}: a registration routes X into its TUN device, the forwarder wraps
 * each packet towards X's care-of address, and it lets in reverse-tunnelled packets only from
 * a registered care-of address carrying its own home address as inner source.
 */
public final class HomeAgentService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HomeAgentService.class);
    static final int DECAP_TABLE = 200;
    static final int DECAP_PREF = 100;
    static final int MAIN_TABLE = 254;
    static final int IPPROTO_IPV6 = 41;

    private final String ns;
    private final Inet6Address address;
    private final String uplink;
    private final int queue;
    private final HomeAgent engine;
    private final DropCounters counters = new DropCounters();
    private final Map<Inet6Address, Inet6Address> bindings = new ConcurrentHashMap<>();
    private RawMobilitySocket socket;
    private RouteNetlink netlink;
    /** Where routes to registered home addresses point: the uplink (seg6) or the TUN device (user space). */
    private int tunnelDeviceIndex;
    private PacketSender sender;
    private QueueLoop loop;
    /** The tunnel's forwarder when the kernel has no seg6 lightweight tunnels, else null. */
    private UserSpaceTunnel userSpace;

    private HomeAgentService(String ns, Inet6Address address, String uplink, int queue) {
        this.ns = ns;
        this.address = address;
        this.uplink = uplink;
        this.queue = queue;
        this.engine = new HomeAgent(address, HomeAgent.Config.defaults());
    }

    /**
     * Starts a home agent at {@code address} in namespace {@code ns} (null: the caller's),
     * tunnelling out of interface {@code uplink}, taking packets from NFQUEUE {@code queue}.
     */
    public static HomeAgentService start(String ns, Inet6Address address, String uplink, int queue) throws Exception {
        HomeAgentService h = new HomeAgentService(ns, address, uplink, queue);
        try {
            h.setUp();
        } catch (Exception e) {
            h.close();
            throw e;
        }
        return h;
    }

    private void setUp() throws Exception {
        String ha = Setup.a(address);
        for (String proto : new String[] {"esp", "135"}) {
            Setup.run(ns, "ip6tables-legacy", "-t", "raw", "-I", "PREROUTING", "-p", proto, "-d", ha,
                    "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
        }
        java.util.Optional<String> noSeg6 = RouteNetlink.seg6Unavailability();
        if (noSeg6.isEmpty()) {
            Setup.run(ns, "ip", "-6", "route", "replace", ha + "/128", "encap", "seg6local", "action", "End.DT6",
                    "table", "main", "dev", uplink, "table", Integer.toString(DECAP_TABLE));
            // The decapsulation rule must come before the local table, else the home agent
            // address simply receives the protocol-41 packet and drops it.
            Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", "0", "lookup", "local");
            Setup.quietly(ns, "ip", "-6", "rule", "add", "pref", "1000", "lookup", "local");
            Setup.run(ns, "ip", "sr", "tunsrc", "set", ha);
        } else {
            LOG.info("home agent {}: tunnel in user space ({})", ha, noSeg6.get());
            userSpace = UserSpaceTunnel.start(ns, "vcha" + queue, address, new UserSpaceTunnel.Policy() {
                @Override
                public Inet6Address outerDestination(Inet6Address innerSource, Inet6Address innerDestination) {
                    return bindings.get(innerDestination);
                }

                @Override
                public boolean accept(Inet6Address outerSource, Inet6Address innerSource, Inet6Address innerDestination) {
                    // reverse tunnelling only from a registered care-of address for its own home address
                    return outerSource.equals(bindings.get(innerSource));
                }
            }, counters);
        }
        socket = NetNs.call(ns, () -> RawMobilitySocket.open(null));
        netlink = NetNs.call(ns, RouteNetlink::open);
        String routed = userSpace != null ? userSpace.device() : uplink;
        tunnelDeviceIndex = NetNs.call(ns, () -> RouteNetlink.ifIndex(routed));
        sender = new PacketSender(socket, null, null);
        loop = QueueLoop.start(ns, queue, new QueueLoop.Handler() {
            @Override
            public boolean handle(byte[] packet, long nowNanos) throws Exception {
                return onPacket(packet, nowNanos);
            }

            @Override
            public void tick(long nowNanos) throws Exception {
                List<MobilityAction> due;
                synchronized (engine) {
                    due = engine.nextDeadline() <= nowNanos ? engine.onTimer(nowNanos) : List.of();
                }
                perform(due);
            }
        }, counters);
        LOG.info("home agent {} up (queue {})", ha, queue);
    }

    /** Serves home address {@code home}: registrations protected with SAs derived from {@code secret}. */
    public void serve(Inet6Address home, byte[] secret) {
        synchronized (engine) {
            engine.addMobileNode(home, HomeKeys.toHomeAgent(secret, home, address), HomeKeys.fromHomeAgent(secret, home, address));
        }
    }

    private boolean onPacket(byte[] raw, long now) throws IOException {
        Ipv6Packet p;
        try {
            p = Ipv6PacketCodec.decode(raw);
        } catch (MalformedMobilityHeaderException e) {
            counters.count("MALFORMED");
            LOG.debug("malformed packet to the home agent: {}", e.getMessage());
            return false;
        }
        List<MobilityAction> actions;
        synchronized (engine) {
            actions = engine.receive(p, now);
        }
        perform(actions);
        return false;
    }

    private void perform(List<MobilityAction> actions) throws IOException {
        for (MobilityAction a : actions) {
            if (a instanceof MobilityAction.Send s) {
                sender.send(s.packet());
            } else if (a instanceof MobilityAction.BindingAdded b) {
                register(b.entry().homeAddress(), b.entry().careOfAddress());
                counters.count("registered");
            } else if (a instanceof MobilityAction.BindingRemoved r) {
                deregister(r.entry().homeAddress());
                counters.count("deregistered-" + r.cause());
            } else if (a instanceof MobilityAction.Dropped d) {
                counters.count(d.reason().name());
            } else if (a instanceof MobilityAction.SendParameterProblem pp) {
                sender.sendParameterProblem(address, pp.offending(), pp.mobilityHeaderOffset());
            }
        }
    }

    // In-process rtnetlink: a registration (also a backup home agent taking over) changes the
    // tunnel in about 40 µs instead of the 7–40 ms of forking ip.
    private void register(Inet6Address home, Inet6Address careOf) throws IOException {
        Inet6Address old = bindings.put(home, careOf);
        if (userSpace != null) {
            // the forwarder looks the care-of address up in bindings for every packet
            netlink.replaceDeviceRoute(home, tunnelDeviceIndex, MAIN_TABLE);
            LOG.info("home registration {} -> {}", Setup.a(home), Setup.a(careOf));
            return;
        }
        netlink.replaceEncapRoute(home, careOf, tunnelDeviceIndex, MAIN_TABLE);
        if (old != null && !old.equals(careOf)) {
            deleteDecapRule(old);
        }
        if (old == null || !old.equals(careOf)) {
            netlink.addRule(careOf, address, IPPROTO_IPV6, DECAP_TABLE, DECAP_PREF);
        }
        LOG.info("home registration {} -> {}", Setup.a(home), Setup.a(careOf));
    }

    private void deregister(Inet6Address home) {
        Inet6Address old = bindings.remove(home);
        try {
            netlink.deleteRoute(home, MAIN_TABLE);
        } catch (IOException e) {
            LOG.debug("removing tunnel route for {}: {}", Setup.a(home), e.getMessage());
        }
        if (old != null && userSpace == null) {
            deleteDecapRule(old);
        }
    }

    private void deleteDecapRule(Inet6Address careOf) {
        try {
            netlink.deleteRule(careOf, address, IPPROTO_IPV6, DECAP_TABLE, DECAP_PREF);
        } catch (IOException e) {
            LOG.debug("removing decapsulation rule for {}: {}", Setup.a(careOf), e.getMessage());
        }
    }

    /** Home registrations in effect (home address → care-of address). */
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
        if ((ns == null || NetNs.exists(ns)) && netlink != null) {
            for (Inet6Address home : bindings.keySet()) {
                deregister(home);
            }
            for (String proto : new String[] {"esp", "135"}) {
                Setup.quietly(ns, "ip6tables-legacy", "-t", "raw", "-D", "PREROUTING", "-p", proto, "-d", Setup.a(address),
                        "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
            }
        }
        if (netlink != null) {
            netlink.close();
        }
        if (userSpace != null) {
            userSpace.close();
        }
    }
}
