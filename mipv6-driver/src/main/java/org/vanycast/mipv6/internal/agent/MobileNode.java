package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.vanycast.mipv6.api.MobilityHeaderCodec;
import org.vanycast.mipv6.api.MobilityMessage;
import org.vanycast.mipv6.api.MobilityOption;
import org.vanycast.mipv6.api.ReturnRoutabilityKeys;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.NftBindingTranslator;
import org.vanycast.mipv6.internal.kernel.RawMobilitySocket;

/**
 * The mobile-node data path of a service node holding logical address X (home address) at
 * care-of address CoA: the node side of the home tunnel (decapsulate what the home agent
 * sends to CoA, reverse-tunnel what leaves from X), home registration, and route
 * optimization towards one client: HoTI from X through the home agent, CoTI from CoA
 * directly, then a Binding Update with a Home Address option authenticated with Kbm, and
 * the node-side nftables translation (X ↔ CoA for that client).
 *
 * <p>Binding Acknowledgements come with a type 2 routing header, which this kernel drops:
 * they are queued (ip6tables-legacy raw, {@code -m rt --rt-type 2}) to this class first.
 */
public final class MobileNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MobileNode.class);
    static final int DECAP_TABLE = 200;
    static final int HOME_TABLE = 201;
    static final int REVERSE_TABLE = 202;

    private final String ns;
    private final Inet6Address home;
    private final Inet6Address careOf;
    private final Inet6Address homeAgent;
    private final String dev;
    private final byte[] homeKey;
    private final int queue;
    private final DropCounters counters = new DropCounters();
    private final SecureRandom random = new SecureRandom();
    private final BlockingQueue<Ipv6Packet> received = new LinkedBlockingQueue<>();
    private RawMobilitySocket homeSocket;
    private RawMobilitySocket careOfSocket;
    private NftBindingTranslator translator;
    private QueueLoop loop;
    private Thread receiver;
    private volatile boolean running = true;

    private MobileNode(String ns, Inet6Address home, Inet6Address careOf, Inet6Address homeAgent, String dev,
                       byte[] homeKey, int queue) {
        this.ns = ns;
        this.home = home;
        this.careOf = careOf;
        this.homeAgent = homeAgent;
        this.dev = dev;
        this.homeKey = homeKey.clone();
        this.queue = queue;
    }

    public static MobileNode start(String ns, Inet6Address home, Inet6Address careOf, Inet6Address homeAgent, String dev,
                                   byte[] homeKey, int queue, String table) throws Exception {
        MobileNode m = new MobileNode(ns, home, careOf, homeAgent, dev, homeKey, queue);
        try {
            m.setUp(table);
        } catch (Exception e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void setUp(String table) throws Exception {
        String x = Setup.a(home);
        String coa = Setup.a(careOf);
        String ha = Setup.a(homeAgent);
        Setup.run(ns, "ip", "-6", "addr", "replace", x + "/128", "dev", "lo", "nodad");
        // Home tunnel, inbound: IPv6-in-IPv6 from the home agent to CoA is decapsulated and
        // its inner packet (to X) delivered locally. Outbound: anything from X not
        // translated by a binding goes back through the home agent.
        Setup.run(ns, "ip", "-6", "route", "replace", "local", x, "dev", "lo", "table", Integer.toString(HOME_TABLE));
        Setup.run(ns, "ip", "-6", "route", "replace", coa + "/128", "encap", "seg6local", "action", "End.DT6",
                "table", Integer.toString(HOME_TABLE), "dev", dev, "table", Integer.toString(DECAP_TABLE));
        Setup.run(ns, "ip", "-6", "rule", "add", "pref", "100", "from", ha, "to", coa, "ipproto", "ipv6",
                "lookup", Integer.toString(DECAP_TABLE));
        Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", "0", "lookup", "local");
        Setup.quietly(ns, "ip", "-6", "rule", "add", "pref", "1000", "lookup", "local");
        Setup.run(ns, "ip", "-6", "route", "replace", "default", "encap", "seg6", "mode", "encap.red", "segs", ha,
                "dev", dev, "table", Integer.toString(REVERSE_TABLE));
        Setup.run(ns, "ip", "-6", "rule", "add", "pref", "1500", "from", x, "lookup", Integer.toString(REVERSE_TABLE));
        Setup.run(ns, "ip6tables-legacy", "-t", "raw", "-I", "PREROUTING", "-m", "rt", "--rt-type", "2",
                "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
        translator = NetNs.call(ns, () -> NftBindingTranslator.create(table));
        homeSocket = NetNs.call(ns, () -> RawMobilitySocket.open(home));
        careOfSocket = NetNs.call(ns, () -> RawMobilitySocket.open(careOf));
        loop = QueueLoop.start(ns, queue, this::onQueued, counters);
        receiver = new Thread(this::receiveLoop, "mn-receive");
        receiver.setDaemon(true);
        receiver.start();
    }

    private boolean onQueued(byte[] raw, long now) {
        try {
            Ipv6Packet p = Ipv6PacketCodec.decode(raw);
            if (!p.isMobilityHeader() || !p.mobilityChecksumValid()) {
                counters.count("queued-not-valid-mh");
                return false;
            }
            p.mobilityHeader();
            received.add(p);
        } catch (MalformedMobilityHeaderException | RuntimeException e) {
            counters.count("malformed");
        }
        return false;
    }

    private void receiveLoop() {
        while (running) {
            for (RawMobilitySocket s : new RawMobilitySocket[] {homeSocket, careOfSocket}) {
                try {
                    RawMobilitySocket.Received r = s.receive(20);
                    if (r != null) {
                        Inet6Address dst = s == homeSocket ? home : careOf;
                        received.add(new Ipv6Packet(0, 0, 64, r.source(), dst, null, null, MobilityHeader.IPPROTO_MH,
                                r.mobilityHeader()));
                    }
                } catch (IOException e) {
                    if (running) {
                        counters.count("receive-error");
                    }
                }
            }
        }
    }

    /** Registers CoA for X at the home agent and waits for an accepting acknowledgement. */
    public void registerHome(int sequence, int lifetimeUnits, Duration timeout) throws IOException, InterruptedException {
        BindingUpdate bu = new BindingUpdate(sequence, BindingUpdate.FLAG_ACK | BindingUpdate.FLAG_HOME_REGISTRATION,
                lifetimeUnits, List.of());
        bu = ReturnRoutabilityKeys.sign(bu, homeKey, careOf, homeAgent);
        careOfSocket.sendPacket(Ipv6PacketCodec.encode(Ipv6Packet.mobility(careOf, homeAgent, home, null, bu)), null);
        BindingAcknowledgement ba = await(BindingAcknowledgement.class, homeAgent, m -> ((BindingAcknowledgement) m).sequence() == sequence, timeout);
        if (!ba.status().isAccepted()) {
            throw new IOException("home registration refused: " + ba.status());
        }
    }

    /**
     * Return routability and a Binding Update towards {@code client}; on success the
     * node-side translation for that client is active. Returns the acknowledgement status.
     */
    public BindingAcknowledgement routeOptimize(Inet6Address client, int sequence, Duration timeout)
            throws IOException, InterruptedException {
        long homeCookie = random.nextLong();
        long careOfCookie = random.nextLong();
        homeSocket.send(MobilityHeaderCodec.encode(MobilityHeader.of(new HomeTestInit(homeCookie))), client);
        careOfSocket.send(MobilityHeaderCodec.encode(MobilityHeader.of(new CareOfTestInit(careOfCookie))), client);
        HomeTest hot = await(HomeTest.class, client, m -> ((HomeTest) m).homeInitCookie() == homeCookie, timeout);
        CareOfTest cot = await(CareOfTest.class, client, m -> ((CareOfTest) m).careOfInitCookie() == careOfCookie, timeout);
        byte[] kbm = ReturnRoutabilityKeys.kbm(hot.homeKeygenToken(), cot.careOfKeygenToken());
        BindingUpdate bu = new BindingUpdate(sequence, BindingUpdate.FLAG_ACK, CorrespondentAgent.MAX_LIFETIME_UNITS,
                List.of(new MobilityOption.NonceIndices(hot.homeNonceIndex(), cot.careOfNonceIndex())));
        bu = ReturnRoutabilityKeys.sign(bu, kbm, careOf, client);
        translator.bindMobile(client, home, careOf);
        careOfSocket.sendPacket(Ipv6PacketCodec.encode(Ipv6Packet.mobility(careOf, client, home, null, bu)), null);
        return await(BindingAcknowledgement.class, client, m -> ((BindingAcknowledgement) m).sequence() == sequence, timeout);
    }

    /** Drops the node-side translation for {@code client} (traffic goes through the home agent again). */
    public void forget(Inet6Address client) throws IOException {
        translator.unbindMobile(client, home);
    }

    private <T extends MobilityMessage> T await(Class<T> type, Inet6Address from,
                                               java.util.function.Predicate<MobilityMessage> match, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Ipv6Packet> others = new java.util.ArrayList<>();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Ipv6Packet p = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
                if (p == null) {
                    throw new IOException("no " + type.getSimpleName() + " from " + Setup.a(from) + " within " + timeout);
                }
                MobilityMessage m;
                try {
                    m = p.mobilityHeader().message();
                } catch (MalformedMobilityHeaderException e) {
                    counters.count("malformed");
                    continue;
                }
                if (type.isInstance(m) && p.source().equals(from) && match.test(m)) {
                    return type.cast(m);
                }
                others.add(p);
            }
        } finally {
            received.addAll(others);
        }
    }

    public Inet6Address home() {
        return home;
    }

    public Inet6Address careOf() {
        return careOf;
    }

    public DropCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        running = false;
        if (loop != null) {
            loop.close();
        }
        if (receiver != null) {
            try {
                receiver.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {homeSocket, careOfSocket, translator}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing: {}", e.toString());
                }
            }
        }
        if (ns == null || NetNs.exists(ns)) {
            Setup.quietly(ns, "ip6tables-legacy", "-t", "raw", "-D", "PREROUTING", "-m", "rt", "--rt-type", "2",
                    "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
            Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", "1500");
            Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", "100");
        }
    }
}
