package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.AnycastGroup;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffFailedException;
import org.vanycast.core.api.HandoffFailedException.Reason;
import org.vanycast.core.api.HandoffListener;
import org.vanycast.core.api.HandoffRole;
import org.vanycast.core.api.ReceivedClient;
import org.vanycast.core.internal.channel.HotWait;
import org.vanycast.core.internal.channel.NodeTransport;
import org.vanycast.core.internal.wire.Abort;
import org.vanycast.core.internal.wire.Done;
import org.vanycast.core.internal.wire.HandoffReply;
import org.vanycast.core.internal.wire.HandoffRequest;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.internal.wire.StateAhead;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.internal.wire.Prepare;
import org.vanycast.core.spi.AcceptorPolicy;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.NetworkRedirector;

/**
 * Runs the handoffs of one node, as donor and as acceptor. Plain Java: the transport, the
 * driver services, the clock and the executor are passed in, so tests drive it with
 * in-memory parts and failure injection.
 */
public final class HandoffCoordinator implements NodeTransport.Inbound {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffCoordinator.class);

    final String self;
    final AnycastGroup group;
    final NodeTransport transport;
    final Drivers drivers;
    final HandoffConfig config;
    final HandoffClock clock;
    final SequenceTable sequences = new SequenceTable();
    final ConnectionRegistry connections = new ConnectionRegistry();
    final Map<Long, DonorHandoff> awaiting = new ConcurrentHashMap<>();
    final BlockingQueue<ReceivedClient> received = new LinkedBlockingQueue<>();
    private final Executor executor;
    private final AcceptorSide acceptor;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong droppedMessages = new AtomicLong();
    /** A {@link HandoffRehearsal}'s coordinator: its handoffs are logged at debug level only. */
    volatile boolean rehearsal;
    /** Held from a donor handoff's start, and from an acceptor's Prepare, to the handoff's end. */
    volatile CpuLatencyHold latency = CpuLatencyHold.NONE;

    public HandoffCoordinator(String self, AnycastGroup group, NodeTransport transport, Drivers drivers,
            HandoffConfig config, HandoffClock clock, Executor executor) {
        this.self = self;
        this.group = group;
        this.transport = transport;
        this.drivers = drivers;
        this.config = config;
        this.clock = clock;
        this.executor = executor;
        this.acceptor = new AcceptorSide(this);
    }

    /** {@code client_handoff}: see {@link org.vanycast.core.api.AnycastNode#clientHandoff}. */
    public CompletableFuture<HandoffEvent> clientHandoff(SocketChannel connection, String acceptorNode, byte[] appState) {
        CompletableFuture<HandoffEvent> result = new CompletableFuture<>();
        Optional<InetSocketAddress> client = ConnectionRegistry.remote(connection);
        if (client.isEmpty()) {
            result.completeExceptionally(new HandoffFailedException(Reason.CHANNEL_CLOSED, "connection is not connected",
                    null, null, null));
            return result;
        }
        if (acceptorNode.equals(self)) {
            result.completeExceptionally(new HandoffFailedException(Reason.NO_ACCEPTOR, "cannot hand a client to itself",
                    connection, null, null));
            return result;
        }
        connections.track(connection);
        long others = connections.othersOf(client.get().getAddress(), connection);
        if (others > 0 && wholeClientBindings()) {
            result.completeExceptionally(new HandoffFailedException(Reason.CLIENT_HAS_OTHER_CONNECTIONS, client.get().getAddress()
                    .getHostAddress() + " has " + others + " other connection(s) here and a binding would move them all",
                    connection, null, null));
            return result;
        }
        return start(List.of(new DonorHandoff.Outgoing(connection, appState.clone())), client.get(), acceptorNode, null);
    }

    /**
     * Runs a donor handoff of {@code outgoing} (all connections of one client host) on the
     * executor; {@code onRollback} gets the channels that serve each connection again.
     */
    CompletableFuture<HandoffEvent> start(List<DonorHandoff.Outgoing> outgoing, InetSocketAddress client, String acceptorNode,
            Consumer<List<SocketChannel>> onRollback) {
        CompletableFuture<HandoffEvent> result = new CompletableFuture<>();
        DonorHandoff h = new DonorHandoff(this, random.nextLong(), outgoing, client, acceptorNode);
        CpuLatencyHold.Window window = latency.hold(config.captureTimeout().plus(config.drainTimeout())
                .plus(config.doneTimeout()).plus(Duration.ofSeconds(1)));
        try {
            executor.execute(() -> run(h, window, onRollback, result));
        } catch (RejectedExecutionException e) {
            window.close();
            throw e;
        }
        return result;
    }

    /** The donor's handoff on the executor; its CPU latency window ends before anyone hears the outcome. */
    private void run(DonorHandoff h, CpuLatencyHold.Window window, Consumer<List<SocketChannel>> onRollback,
            CompletableFuture<HandoffEvent> result) {
        HandoffEvent e;
        try {
            try (window) {
                e = h.run();
            }
        } catch (HandoffFailedException x) {
            x.event().ifPresent(this::finished);
            if (onRollback != null) {
                onRollback.accept(h.servingChannels());
            }
            result.completeExceptionally(x);
            return;
        } catch (RuntimeException x) {
            LOG.error("handoff {} failed unexpectedly", Long.toUnsignedString(h.id(), 16), x);
            result.completeExceptionally(x);
            return;
        }
        finished(e);
        result.complete(e);
    }

    /**
     * Keeps the CPUs from sleeping while this node's handoffs are under way (see
     * {@link CpuLatencyHold}); none by default.
     */
    public void cpuLatencyHold(CpuLatencyHold hold) {
        latency = Objects.requireNonNull(hold, "hold");
    }

    /**
     * Operator handoff of a tracked connection (and of the other connections of its client
     * when a binding moves them all): the {@link AppStateCodec} of each port captures the
     * application state, the policy picks the acceptor when none is given, and on rollback
     * the codecs resume serving locally.
     */
    public CompletableFuture<HandoffEvent> handoff(InetSocketAddress client, Optional<String> acceptorNode) {
        return new OperatorHandoff(this).run(client, acceptorNode);
    }

    /** One client address per unit a leave must hand off: per host for whole-client bindings. */
    public List<InetSocketAddress> evacuationUnits() {
        boolean whole = wholeClientBindings();
        java.util.Map<Object, InetSocketAddress> units = new java.util.LinkedHashMap<>();
        for (SocketChannel ch : connections.all()) {
            ConnectionRegistry.remote(ch).ifPresent(r -> units.putIfAbsent(whole ? r.getAddress() : r, r));
        }
        return List.copyOf(units.values());
    }

    boolean wholeClientBindings() {
        return drivers.redirector().map(NetworkRedirector::movesWholeClient).orElse(true);
    }

    Executor executorForWork() {
        return executor;
    }

    Optional<String> chooseAcceptor(InetSocketAddress client) {
        List<AcceptorPolicy.Candidate> candidates = drivers.candidates(client).stream()
                .filter(c -> !c.nodeName().equals(self)).toList();
        return drivers.policy().flatMap(p -> p.choose(client, candidates)).map(AcceptorPolicy.Candidate::nodeName);
    }

    /** {@code client_receive}. */
    public Optional<ReceivedClient> clientReceive(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** {@code client_close}: closes, and releases the binding when the client has nothing else here. */
    public void clientClose(SocketChannel connection) throws IOException {
        Optional<InetSocketAddress> client = ConnectionRegistry.remote(connection);
        connections.untrack(connection);
        connection.close();
        if (client.isPresent() && connections.othersOf(client.get().getAddress(), connection) == 0) {
            Optional<NetworkRedirector> r = drivers.redirector();
            if (r.isPresent()) {
                r.get().release(group.logicalAddress(), client.get().getAddress());
            }
        }
    }

    public void track(SocketChannel connection) {
        connections.track(connection);
    }

    public List<SocketChannel> trackedConnections() {
        return connections.all();
    }

    public long droppedMessages() {
        return droppedMessages.get();
    }

    public int pendingPreparations() {
        return acceptor.pendingCount();
    }

    /**
     * The node stops: frees what the Prepares still waiting for their Init hold (prepared
     * redirections, the services' prepared take-overs with their open documents). Their donors
     * time out and resume their clients.
     */
    public void abandonPending() {
        acceptor.abandonAll();
    }

    /** Periodic housekeeping: expires Prepares whose Init never came. */
    public void tick() {
        acceptor.expire(clock.nanoTime());
    }

    /**
     * The members of the new group view: a donor awaiting the Done of an acceptor that is no
     * longer among them rolls back now (the view follows a killed process within about a
     * second, the Done timeout is several).
     */
    public void membersChanged(java.util.Set<String> present) {
        for (DonorHandoff h : awaiting.values()) {
            if (!present.contains(h.acceptor())) {
                h.acceptorLeft();
            }
        }
    }

    /**
     * How the group channel's readers wait for an Init announced by a Prepare: polling for at
     * most {@code maxSpin} and rehearsing the acceptor's part meanwhile ({@link HotWait}), or,
     * with a zero {@code maxSpin}, blocking as usual.
     */
    public HotWait hotWait(Duration maxSpin) {
        if (maxSpin.isZero() || maxSpin.isNegative()) {
            return HotWait.NONE;
        }
        return HotWait.stepwise(acceptor::expecting, acceptor::rehearse, maxSpin.toNanos());
    }

    @Override
    public void onMessage(String peer, NodeMessage m) {
        if (m instanceof Prepare p) {
            // inline, so a Prepare is recorded before the Init that follows it on the same link;
            // NetworkRedirector.prepare does not block
            acceptor.onPrepare(peer, p);
        } else if (m instanceof Init i) {
            // its critical part inline when it cannot block (AcceptorSide.onInit), so an Abort
            // that follows it on the same link finds it in progress or completed
            acceptor.onInit(peer, i);
        } else if (m instanceof StateAhead a) {
            acceptor.onStateAhead(peer, a); // inline too: between its Prepare and its Init
        } else if (m instanceof HandoffRequest r) {
            operatorRequest(peer, r);
        } else if (m instanceof HandoffReply) {
            dropped("HandoffReply to a node", peer);
        } else if (m instanceof Done || m instanceof Abort) {
            DonorHandoff h = awaiting.get(m.handoffId());
            if (h != null && h.acceptorIs(peer) && h.answer(m)) {
                return;
            }
            if (!(m instanceof Abort a && acceptor.onAbort(peer, a))) {
                dropped(m.type() + " for no handoff awaiting one", peer);
            }
        }
    }

    /** An operator (any holder of a group certificate) asked for a handoff; answer when it ends. */
    private void operatorRequest(String peer, HandoffRequest r) {
        LOG.debug("operator {} asks to hand {} to {}", peer, r.client(), r.acceptor().orElse("(policy)"));
        handoff(r.client(), r.acceptor()).whenComplete((event, x) -> {
            Throwable cause = x instanceof java.util.concurrent.CompletionException ? x.getCause() : x;
            HandoffReply reply = x == null ? new HandoffReply(r.handoffId(), true, event.toLogLine())
                    : new HandoffReply(r.handoffId(), false, String.valueOf(cause.getMessage()));
            try {
                transport.send(peer, reply);
            } catch (IOException e) {
                LOG.debug("reply to operator {} failed: {}", peer, e.getMessage());
            }
        });
    }

    void dropped(String why, String peer) {
        droppedMessages.incrementAndGet();
        LOG.debug("dropped message from {}: {}", peer, why);
    }

    Executor executor() {
        return executor;
    }

    byte[] nonce() {
        byte[] n = new byte[Init.NONCE_BYTES];
        random.nextBytes(n);
        return n;
    }

    void finished(HandoffEvent e) {
        if (e.role() == HandoffRole.DONOR && !rehearsal) {
            LOG.info("{}", e.toLogLine());
        } else {
            LOG.debug("{}", e.toLogLine());
        }
        for (HandoffListener l : drivers.listeners()) {
            try {
                l.onHandoff(e);
            } catch (RuntimeException x) {
                LOG.warn("handoff listener {} failed", l, x);
            }
        }
    }
}
