package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.api.HomeTest;
import org.vanycast.mipv6.api.HomeTestInit;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobileNodeSession;
import org.vanycast.mipv6.api.MobilityAction;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.ReturnRoutabilityResult;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.RouteOptimizationBackend;
import org.vanycast.mipv6.internal.kernel.RouteOptimizationBackends;
import org.vanycast.mipv6.internal.kernel.RawMobilitySocket;

/**
 * The mobile-node data path of a service node that holds logical address X (its home
 * address) at care-of address CoA — what the contact node and acceptors run.
 *
 * <ul>
 * <li>Home tunnel, node side ({@link MobileNodeTunnel}): IPv6-in-IPv6 from the home agent
 *     is decapsulated and delivered to X; what leaves from X without a binding goes back
 *     through the home agent (reverse tunnelling, RFC 6275 §11.3.1).</li>
 * <li>Home registration: an ESP-protected (RFC 4877) Binding Update with the H bit and a
 *     Home Address option to the home agent, and its acknowledgement.</li>
 * <li>Route optimization per client through the engine's {@link MobileNodeSession}: HoTI
 *     from X (so through the home agent), CoTI from CoA directly, then the Binding Update
 *     with a Home Address option; the node-side nftables translation for that client
 *     (X ↔ CoA) is switched on when the client acknowledges a plain binding, and before the
 *     update leaves for a handoff (whose data follows the update at once).</li>
 * </ul>
 *
 * Binding Acknowledgements carry a type 2 routing header, which this kernel drops: an
 * ip6tables-legacy raw rule queues them here first. Thread-safe: engine calls are serialized.
 */
public final class MobileNodeDataPath implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MobileNodeDataPath.class);
    /** Throwaway Binding Update builds after set-up, so that the builder is compiled before real handoffs. */
    static final int WARMUP_BUILDS = 3000;

    private final String ns;
    private final Inet6Address home;
    private final Inet6Address careOf;
    private final Inet6Address homeAgent;
    private final int queue;
    private final HomeRegistration registration;
    private final DropCounters counters = new DropCounters();
    private final SecureRandom random = new SecureRandom();
    private final Map<Inet6Address, MobileNodeSession> sessions = new ConcurrentHashMap<>();
    private final Map<Inet6Address, BlockingQueue<MobilityAction>> events = new ConcurrentHashMap<>();
    /** Clients this node's translation is on for (also the lock for changing it). */
    private final Set<Inet6Address> translated = new HashSet<>();
    private final MobileNodeTunnel tunnel;
    private final PendingHomeTests pendingHomeTests = new PendingHomeTests();
    private volatile Consumer<Ipv6Packet> homeTestInitRelay;
    private RawMobilitySocket homeSocket;
    private RawMobilitySocket careOfSocket;
    private PacketSender sender;
    private volatile boolean sendRehearsalFailed;
    private RouteOptimizationBackend translator;
    private QueueLoop loop;
    private Thread receiver;
    private volatile boolean running = true;

    private MobileNodeDataPath(String ns, Inet6Address home, Inet6Address careOf, Inet6Address homeAgent, String dev,
                               byte[] secret, int queue) {
        this.ns = ns;
        this.home = home;
        this.careOf = careOf;
        this.homeAgent = homeAgent;
        this.queue = queue;
        this.registration = new HomeRegistration(home, careOf, homeAgent, secret, counters);
        this.tunnel = new MobileNodeTunnel(ns, home, careOf, homeAgent, dev, counters);
    }

    /**
     * Sets the node up in namespace {@code ns} (null: the caller's): X on loopback, the home
     * tunnel through interface {@code dev}, NFQUEUE {@code queue}, nftables table {@code table}.
     */
    public static MobileNodeDataPath start(String ns, Inet6Address home, Inet6Address careOf, Inet6Address homeAgent,
                                           String dev, byte[] secret, int queue, String table) throws Exception {
        MobileNodeDataPath m = new MobileNodeDataPath(ns, home, careOf, homeAgent, dev, secret, queue);
        try {
            m.setUp(table);
        } catch (Exception e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void setUp(String table) throws Exception {
        warmBindingUpdate();
        tunnel.setUp();
        Setup.run(ns, "ip6tables-legacy", "-t", "raw", "-I", "PREROUTING", "-m", "rt", "--rt-type", "2",
                "-j", "NFQUEUE", "--queue-num", Integer.toString(queue));
        // nftables on the node: it must match the clients' cn-agents (see CorrespondentAgent#start).
        translator = NetNs.call(ns, () -> RouteOptimizationBackends.create(table, false));
        homeSocket = NetNs.call(ns, () -> RawMobilitySocket.open(home));
        careOfSocket = NetNs.call(ns, () -> RawMobilitySocket.open(careOf));
        sender = new PacketSender(careOfSocket, home, homeSocket);
        loop = QueueLoop.start(ns, queue, new QueueLoop.Handler() {
            @Override
            public boolean handle(byte[] packet, long nowNanos) throws Exception {
                onQueued(packet, nowNanos);
                return false;
            }

            @Override
            public void tick(long nowNanos) throws Exception {
                onTimer(nowNanos);
            }
        }, counters);
        receiver = new Thread(this::receiveLoop, "mn-receive-" + Setup.a(careOf));
        receiver.setDaemon(true);
        receiver.start();
    }

    private void onQueued(byte[] raw, long now) throws IOException {
        Ipv6Packet p;
        try {
            p = Ipv6PacketCodec.decode(raw);
        } catch (MalformedMobilityHeaderException e) {
            counters.count("MALFORMED");
            return;
        }
        if (registration.isFromHomeAgent(p)) {
            registration.onPacket(p);
        } else {
            dispatch(p, now);
        }
    }

    private void receiveLoop() {
        RawMobilitySocket[] sockets = {homeSocket, careOfSocket};
        Inet6Address[] destinations = {home, careOf};
        while (running) {
            try {
                int ready = RawMobilitySocket.awaitAny(sockets, 100);
                for (int i = 0; i < sockets.length; i++) {
                    if ((ready & (1 << i)) == 0) {
                        continue;
                    }
                    RawMobilitySocket.Received r = sockets[i].receive(0);
                    if (r != null) {
                        dispatch(new Ipv6Packet(0, 0, 64, r.source(), destinations[i], null, null, MobilityHeader.IPPROTO_MH,
                                r.mobilityHeader()), System.nanoTime());
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    counters.count("receive-error");
                    LOG.debug("mobile node receive: {}", e.toString());
                }
            }
        }
    }

    private synchronized void dispatch(Ipv6Packet p, long now) throws IOException {
        if (!pendingHomeTests.isEmpty() && p.destination().equals(home)) {
            try {
                if (p.mobilityHeader().message() instanceof HomeTest hot) {
                    Consumer<Ipv6Packet> sink = pendingHomeTests.take(hot.homeInitCookie());
                    if (sink != null) {
                        counters.count("home-test-relayed");
                        sink.accept(p);
                        return;
                    }
                }
            } catch (MalformedMobilityHeaderException e) {
                counters.count("MALFORMED");
                return;
            }
        }
        MobileNodeSession s = sessions.get(p.source());
        if (s == null) {
            counters.count("NO_SESSION");
            return;
        }
        perform(p.source(), s.receive(p, now));
    }

    private synchronized void onTimer(long now) throws IOException {
        pendingHomeTests.expire(now);
        for (Map.Entry<Inet6Address, MobileNodeSession> e : sessions.entrySet()) {
            if (e.getValue().nextDeadline() <= now) {
                perform(e.getKey(), e.getValue().onTimer(now));
            }
        }
    }

    private void perform(Inet6Address client, List<MobilityAction> actions) throws IOException {
        for (MobilityAction a : actions) {
            if (a instanceof MobilityAction.Send s) {
                Consumer<Ipv6Packet> relay = homeTestInitRelay;
                if (relay != null && s.message() instanceof HomeTestInit) {
                    relay.accept(s.packet());
                } else {
                    sender.send(s.packet());
                }
            } else if (a instanceof MobilityAction.Dropped d) {
                counters.count(d.reason().name());
            } else if (a instanceof MobilityAction.BindingStateChanged c) {
                if (c.state() == MobilityAction.BindingStateChanged.State.ACKNOWLEDGED) {
                    // already on for a handoff (sendHandoff); for a plain bind() it starts now
                    translateOn(client);
                } else if (c.state() == MobilityAction.BindingStateChanged.State.FAILED
                        || c.state() == MobilityAction.BindingStateChanged.State.DEREGISTERED) {
                    translateOff(client);
                }
                events(client).add(a);
            } else if (a instanceof MobilityAction.ReturnRoutabilityComplete) {
                events(client).add(a);
            }
        }
    }

    /**
     * Builds and encodes Binding Updates for a made-up correspondent and throws them away
     * (nothing is sent, no session is kept). The first HMAC-SHA1 and SHA-1 of a JVM load and link
     * the JCE and the session's code, about 30 ms on the test machine, which would otherwise land
     * on the first handoff's critical path between re-creating the socket and activating it: one
     * build runs here, at set-up. A node builds a Binding Update per handoff, too few for the JIT
     * to compile the builder for a long time (0.17 ms per build after 100 handoffs, in the local
     * handoff bench's debug log): {@link #WARMUP_BUILDS} more run on a daemon thread.
     */
    private void warmBindingUpdate() {
        long start = System.nanoTime();
        int built = buildThrowaway(1);
        LOG.debug("Binding Update path warmed ({} bytes built, not sent) in {} us", built, (System.nanoTime() - start) / 1000);
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            int n = 0;
            for (; n < WARMUP_BUILDS && running; n++) {
                if (buildThrowaway(1) < 0) {
                    break;
                }
            }
            LOG.debug("Binding Update builder compiled: {} throwaway builds in {} ms", n,
                    (System.nanoTime() - t0) / 1_000_000);
        }, "vanycast-mipv6-warmup");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Builds and drops one Binding Update for a made-up correspondent (no session kept), and
     * sends a header-only packet on loopback through the socket a Binding Update leaves by
     * ({@link RawMobilitySocket#rehearseSend()}): what {@link #sendHandoff} runs, kept warm
     * while a handoff is imminent. Nothing reaches any link but loopback.
     */
    public void rehearseHandoff() {
        buildThrowaway(1);
        PacketSender s = sender;
        if (s != null && !s.rehearse() && !sendRehearsalFailed) {
            sendRehearsalFailed = true; // once: a namespace without ::1 would say it at every call
            LOG.debug("rehearsing the Binding Update's send on loopback failed (harmless)");
        }
    }

    /** @return the bytes of {@code count} Binding Updates built and dropped, or -1 when building failed */
    private int buildThrowaway(int count) {
        try {
            byte[] a = home.getAddress();
            a[15] ^= 0x5a; // near X, never a real client: the session and its packet are dropped here
            Inet6Address nobody = (Inet6Address) java.net.InetAddress.getByAddress(a);
            int built = 0;
            for (int i = 0; i < count; i++) {
                MobileNodeSession s = new MobileNodeSession(home, nobody, random, i & 0xFFFF, MobileNodeSession.Config.defaults());
                ReturnRoutabilityResult tokens = new ReturnRoutabilityResult(home, careOf, nobody, 1, 0x1234_5678_9abcL, 2,
                        0x0fed_cba9_8765L, System.nanoTime());
                for (MobilityAction a2 : s.handoff(i & 0xFFFF, tokens, System.nanoTime())) {
                    if (a2 instanceof MobilityAction.Send send) {
                        built += Ipv6PacketCodec.encode(send.packet()).length;
                    }
                }
            }
            return built;
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("warming the Binding Update path failed (harmless): {}", e.toString());
            return -1;
        }
    }

    private BlockingQueue<MobilityAction> events(Inet6Address client) {
        return events.computeIfAbsent(client, c -> new LinkedBlockingQueue<>());
    }

    private synchronized MobileNodeSession session(Inet6Address client, int initialSequence) {
        return sessions.computeIfAbsent(client, c -> new MobileNodeSession(home, c, random, initialSequence,
                MobileNodeSession.Config.defaults()));
    }

    /** Registers CoA for X at the home agent and waits for an accepting acknowledgement. */
    public void registerHome(int lifetimeUnits, Duration timeout) throws IOException, InterruptedException {
        registration.register(sender, lifetimeUnits, timeout);
    }

    /**
     * Registers as the contact node of membership term {@code epoch}: the ESP and Binding
     * Update counters first move above any earlier contact's (see {@link HomeRegistration#enterTerm}).
     */
    public void registerHome(int lifetimeUnits, Duration timeout, long epoch) throws IOException, InterruptedException {
        try {
            registration.enterTerm(epoch);
        } catch (MalformedMobilityHeaderException e) {
            throw new IOException("home security association could not be advanced: " + e.getMessage(), e);
        }
        registration.register(sender, lifetimeUnits, timeout);
    }

    /**
     * Return routability and a Binding Update towards {@code client}; returns once the client
     * acknowledged (the translation is already active when the update leaves).
     *
     * @param previousSequence the last sequence number used towards this client (0 at first)
     */
    public MobilityAction.BindingStateChanged bind(Inet6Address client, int previousSequence, Duration timeout)
            throws IOException, InterruptedException {
        synchronized (this) {
            events(client).clear();
            perform(client, session(client, previousSequence).bind(careOf, System.nanoTime()));
        }
        return awaitState(client, timeout);
    }

    /** Return routability only (the Prepare step); the result can be shipped to the node that binds. */
    public ReturnRoutabilityResult prepare(Inet6Address client, Duration timeout) throws IOException, InterruptedException {
        synchronized (this) {
            events(client).clear();
            perform(client, session(client, 0).prepare(careOf, System.nanoTime()));
        }
        MobilityAction a = await(client, x -> x instanceof MobilityAction.ReturnRoutabilityComplete, timeout);
        return ((MobilityAction.ReturnRoutabilityComplete) a).result();
    }

    /**
     * Switches on this node's translation for {@code client} (X ↔ CoA, both ways) ahead of a
     * handoff; returns whether it was off until now. Harmless before the Binding Update: until
     * then the client talks to X at another node, and this node has no connection of it. Costs
     * an nftables transaction, which is why it runs on Prepare, off the handoff's critical path.
     */
    public boolean installTranslation(Inet6Address client) throws IOException {
        return translateOn(client);
    }

    /** Undoes {@link #installTranslation} for a handoff that did not happen. */
    public void removeTranslation(Inet6Address client) throws IOException {
        translateOff(client);
    }

    /** @return whether the translation for {@code client} was off until now */
    private boolean translateOn(Inet6Address client) throws IOException {
        synchronized (translated) {
            if (translated.contains(client)) {
                return false;
            }
            translator.bindMobile(client, home, careOf);
            translated.add(client);
            return true;
        }
    }

    private void translateOff(Inet6Address client) throws IOException {
        synchronized (translated) {
            translator.unbindMobile(client, home);
            translated.remove(client);
        }
    }

    /**
     * Takes a client over with return-routability tokens obtained earlier (versatile-anycast
     * handoff): sends the Binding Update and returns at once, the translation on. Data may
     * follow right away (RFC 6275 does not make a mobile node wait for a correspondent's
     * acknowledgement); the client's cn-agent holds segments from CoA that overtake the
     * update. {@link #awaitBinding} waits for the acknowledgement.
     *
     * @param previousSequence the last sequence number used towards this client
     */
    public void sendHandoff(Inet6Address client, int previousSequence, ReturnRoutabilityResult tokens) throws IOException {
        long t0 = System.nanoTime();
        synchronized (this) {
            long t1 = System.nanoTime();
            events(client).clear();
            translateOn(client); // a no-op when installTranslation ran
            long t2 = System.nanoTime();
            List<MobilityAction> actions = session(client, previousSequence).handoff(previousSequence, tokens, t2);
            long t3 = System.nanoTime();
            perform(client, actions);
            if (LOG.isDebugEnabled()) {
                LOG.debug("Binding Update to {}: lock {} us, translation {} us, build {} us, send {} us",
                        client.getHostAddress(), (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000,
                        (System.nanoTime() - t3) / 1000);
            }
        }
    }

    /**
     * Waits for the client's answer to the Binding Update sent by {@link #sendHandoff}
     * (retransmissions are the session's); the translation is removed when it refuses or never answers.
     */
    public MobilityAction.BindingStateChanged awaitBinding(Inet6Address client, Duration timeout)
            throws IOException, InterruptedException {
        try {
            return awaitState(client, timeout);
        } catch (IOException e) {
            removeTranslation(client);
            throw e;
        }
    }

    /** Deletes the binding at {@code client} (Binding Update with lifetime 0) and the local translation. */
    public void deregister(Inet6Address client, Duration timeout) throws IOException, InterruptedException {
        synchronized (this) {
            MobileNodeSession s = sessions.get(client);
            if (s == null) {
                return;
            }
            events(client).clear();
            perform(client, s.deregister(System.nanoTime()));
        }
        await(client, x -> x instanceof MobilityAction.BindingStateChanged c
                && (c.state() == MobilityAction.BindingStateChanged.State.DEREGISTERED
                || c.state() == MobilityAction.BindingStateChanged.State.FAILED), timeout);
        translateOff(client);
    }

    /**
     * Acceptor side: this node does not hold X's home registration, so its Home Test Init
     * must leave through the contact node (which does); each HoTI is handed to {@code relay}
     * (the node-to-node channel) instead of the wire. Null sends them directly again.
     */
    public void relayHomeTestInitsThrough(Consumer<Ipv6Packet> relay) {
        this.homeTestInitRelay = relay;
    }

    /**
     * Contact-node side of a pending handoff: sends an acceptor's Home Test Init from X (so
     * through the home agent) and passes the matching Home Test, when the home agent tunnels
     * it here, to {@code homeTestSink} instead of this node's own sessions. Entries not
     * answered within 30 s are forgotten.
     */
    public void relayHomeTestInit(Ipv6Packet hoti, Consumer<Ipv6Packet> homeTestSink)
            throws IOException {
        HomeTestInit m;
        try {
            if (!(hoti.mobilityHeader().message() instanceof HomeTestInit h) || !hoti.source().equals(home)) {
                throw new IllegalArgumentException("not a Home Test Init from " + Setup.a(home));
            }
            m = h;
        } catch (MalformedMobilityHeaderException e) {
            throw new IllegalArgumentException("malformed Home Test Init: " + e.getMessage());
        }
        pendingHomeTests.expect(m.homeInitCookie(), homeTestSink, System.nanoTime());
        sender.send(hoti);
    }

    /** Acceptor side: a Home Test the contact node relayed to us. */
    public void deliverRelayed(Ipv6Packet homeTest) throws IOException {
        dispatch(homeTest, System.nanoTime());
    }

    /** Last sequence number sent towards {@code client}, or -1 if none. */
    public synchronized int sequence(Inet6Address client) {
        MobileNodeSession s = sessions.get(client);
        return s == null ? -1 : s.sequence();
    }

    /** Stops translating for {@code client} locally (its traffic to X goes through the home agent again). */
    public synchronized void forget(Inet6Address client) throws IOException {
        translateOff(client);
        sessions.remove(client);
    }

    private MobilityAction.BindingStateChanged awaitState(Inet6Address client, Duration timeout)
            throws IOException, InterruptedException {
        MobilityAction a = await(client, x -> x instanceof MobilityAction.BindingStateChanged c
                && c.state() != MobilityAction.BindingStateChanged.State.SENT, timeout);
        MobilityAction.BindingStateChanged c = (MobilityAction.BindingStateChanged) a;
        if (c.state() == MobilityAction.BindingStateChanged.State.FAILED) {
            throw new IOException("binding at " + Setup.a(client) + " failed: " + c.status());
        }
        return c;
    }

    private MobilityAction await(Inet6Address client, Predicate<MobilityAction> match, Duration timeout)
            throws IOException, InterruptedException {
        BlockingQueue<MobilityAction> q = events(client);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            MobilityAction a = left > 0 ? q.poll(left, TimeUnit.NANOSECONDS) : null;
            if (a == null) {
                throw new IOException("no answer from " + Setup.a(client) + " within " + timeout);
            }
            if (match.test(a)) {
                return a;
            }
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
            tunnel.close();
        }
    }
}
