package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.AnycastGroup;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffListener;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.internal.channel.NodeTransport;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.internal.wire.WireCodec;
import org.vanycast.core.spi.AcceptorPolicy;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.core.spi.NetworkRedirector;
import org.vanycast.core.spi.SocketState;

/**
 * Rehearses whole handoffs when a node starts, so that its first real ones do not pay for
 * loading, linking and interpreting the coordinator's code. In the demo a node's first handoff
 * as acceptor took 3-12 ms from the Init to live (the acceptor's checks alone 1.5-3.7 ms, most of
 * it loading classes such as {@link AcceptInit} and linking its lambdas on the reader thread)
 * where a warm one takes about 1 ms.
 *
 * <p>Two private coordinators of this node, a donor and an acceptor, hand a TCP connection on
 * the loopback of the node's network namespace from one to the other {@code rounds} times,
 * through the real handoff code (operator handoff, capture, Prepare, StateAhead, drain, freeze,
 * extraction, Init, the acceptor's checks, re-creation, commit, activation, take-over, Done,
 * release) and the node's own {@link ConnectionMigrator}: real repair-mode sockets, on
 * {@code [::1]}. What would leave the node is replaced: messages go through the wire codec in
 * memory instead of the group channel (warmed by {@code ChannelWarmup}), the redirector
 * commits nothing (a Binding Update needs a client), and a made-up service takes the
 * connection over. Nothing of it reaches the node's coordinator, its peers, its clients or its
 * handoff listeners; failures are logged and never leave this class.
 */
public final class HandoffRehearsal {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffRehearsal.class);
    private static final String DONOR = "rehearsal-donor";
    private static final String ACCEPTOR = "rehearsal-acceptor";
    /** A download's application state is about this size (the SOAP adapter's: 120-130 bytes). */
    private static final int STATE_BYTES = 122;
    /** How long a rehearsal waits for the node's migrator service to appear, by default. */
    private static final Duration MIGRATOR_WAIT = Duration.ofSeconds(30);
    private static final long ROUND_TIMEOUT_MS = 10_000;

    /** What a rehearsal did: {@code rounds} completed handoffs, or why it stopped. */
    public record Result(int requested, int rounds, long nanos, Optional<String> stopCause) {
        public boolean complete() {
            return rounds == requested && stopCause.isEmpty();
        }
    }

    private final String node;
    private final Supplier<Optional<ConnectionMigrator>> migrators;
    private final int rounds;
    private final Duration migratorWait;
    private volatile boolean cancelled;

    /**
     * @param migrators the node's migrator as its drivers find it now (it may appear after the
     *                  node started: the rehearsal waits for it, up to 30 s)
     */
    public HandoffRehearsal(String node, Supplier<Optional<ConnectionMigrator>> migrators, int rounds) {
        this(node, migrators, rounds, MIGRATOR_WAIT);
    }

    /** @param migratorWait how long to wait for an available migrator before giving up */
    public HandoffRehearsal(String node, Supplier<Optional<ConnectionMigrator>> migrators, int rounds,
            Duration migratorWait) {
        if (rounds < 0) {
            throw new IllegalArgumentException("negative rehearsal rounds " + rounds);
        }
        this.node = node;
        this.migrators = migrators;
        this.rounds = rounds;
        this.migratorWait = migratorWait;
    }

    /**
     * Starts the rehearsal on a daemon thread (inheriting the caller's network namespace) once
     * {@code after} (another warm-up, or null) has ended; null when off.
     */
    public Thread start(Thread after) {
        if (rounds == 0) {
            LOG.debug("handoff rehearsal off");
            return null;
        }
        Thread t = new Thread(() -> {
            if (after != null) {
                try {
                    after.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
            run();
        }, "vanycast-handoff-rehearsal-" + node);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Asks a running rehearsal to stop after its handoff in progress. */
    public void cancel() {
        cancelled = true;
    }

    /** Runs the rehearsal on the calling thread; logs one info line and never throws. */
    public Result run() {
        long start = System.nanoTime();
        int done = 0;
        Optional<String> stop = Optional.empty();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "vanycast-rehearsal-" + node);
            t.setDaemon(true);
            return t;
        });
        try {
            Optional<ConnectionMigrator> real = awaitMigrator();
            if (real.isEmpty()) {
                stop = Optional.of(cancelled ? "cancelled" : "no available connection migrator within "
                        + migratorWait.toMillis() + " ms");
            } else {
                Stage stage = new Stage(real.get(), executor);
                try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                    listener.bind(new InetSocketAddress(stage.loopback, 0));
                    stage.port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
                    while (done < rounds && !cancelled) {
                        stage.round(listener);
                        done++;
                    }
                } finally {
                    stage.closeLeftovers();
                }
                if (cancelled && done < rounds) {
                    stop = Optional.of("cancelled");
                }
            }
        } catch (IOException | RuntimeException | TimeoutException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            stop = Optional.of(cause.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop = Optional.of("interrupted");
        } finally {
            executor.shutdownNow();
        }
        Result r = new Result(rounds, done, System.nanoTime() - start, stop);
        if (r.complete()) {
            LOG.info("handoff path rehearsed: {} handoffs of a loopback connection in {} ms", done, r.nanos() / 1_000_000);
        } else {
            LOG.info("handoff rehearsal stopped after {} of {} handoffs: {}", done, rounds, stop.orElse("?"));
        }
        return r;
    }

    private Optional<ConnectionMigrator> awaitMigrator() throws InterruptedException {
        long deadline = System.nanoTime() + migratorWait.toNanos();
        while (!cancelled) {
            Optional<ConnectionMigrator> m = migrators.get().filter(ConnectionMigrator::isAvailable);
            if (m.isPresent() || System.nanoTime() - deadline >= 0) {
                return m;
            }
            Thread.sleep(Math.min(100, Math.max(1, migratorWait.toMillis())));
        }
        return Optional.empty();
    }

    /** The two coordinators and what they share for one rehearsal. */
    private static final class Stage {
        final InetAddress loopback = ipv6Loopback();
        final HandoffCoordinator donor;
        final HandoffCoordinator acceptor;
        /** The connections the acceptor's made-up service took over. */
        final BlockingQueue<SocketChannel> takenOver = new LinkedBlockingQueue<>();
        volatile int port = -1;

        Stage(ConnectionMigrator real, ExecutorService executor) {
            AnycastGroup group = new AnycastGroup("rehearsal", loopback);
            Drivers drivers = new RehearsalDrivers(new SameHostMigrator(real), new Codec());
            Map<String, HandoffCoordinator> byName = new ConcurrentHashMap<>();
            donor = new HandoffCoordinator(DONOR, group, new Loopback(DONOR, byName), drivers, HandoffConfig.DEFAULTS,
                    HandoffClock.SYSTEM, executor);
            acceptor = new HandoffCoordinator(ACCEPTOR, group, new Loopback(ACCEPTOR, byName), drivers,
                    HandoffConfig.DEFAULTS, HandoffClock.SYSTEM, executor);
            donor.rehearsal = true;
            acceptor.rehearsal = true;
            byName.put(DONOR, donor);
            byName.put(ACCEPTOR, acceptor);
        }

        /** One connection: opened, handed from the donor to the acceptor, closed there. */
        void round(ServerSocketChannel listener) throws IOException, InterruptedException, ExecutionException,
                TimeoutException {
            // served: released (closed, in repair mode) by the handoff; closing it again is harmless,
            // and closes it when the round fails
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                    SocketChannel served = listener.accept()) {
                donor.track(served);
                HandoffEvent e = donor.handoff((InetSocketAddress) served.getRemoteAddress(), Optional.of(ACCEPTOR))
                        .get(ROUND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (e.outcome() != HandoffOutcome.COMPLETED) {
                    throw new IOException("handoff " + e.outcome() + ": " + e.failure().orElse(""));
                }
                SocketChannel moved = takenOver.poll(ROUND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (moved == null) {
                    throw new IOException("the acceptor never took the connection over");
                }
                acceptor.clientClose(moved);
            }
        }

        /** Closes what the acceptor took over after its round had given up on it. */
        void closeLeftovers() {
            for (SocketChannel ch = takenOver.poll(); ch != null; ch = takenOver.poll()) {
                try {
                    ch.close();
                } catch (IOException e) {
                    LOG.debug("closing a rehearsal connection: {}", e.toString());
                }
            }
        }

        /** The made-up service: a fixed-size state, taken over by queueing the connection. */
        private final class Codec implements AppStateCodec {
            @Override
            public boolean handles(int localPort) {
                return localPort == port;
            }

            @Override
            public Optional<byte[]> capture(SocketChannel connection, Duration timeout) {
                return Optional.of(new byte[STATE_BYTES]);
            }

            @Override
            public void resumeLocally(SocketChannel connection, byte[] state) throws IOException {
                connection.close(); // a rolled-back rehearsal: the round fails and says why
            }

            @Override
            public void restore(SocketChannel connection, byte[] state) {
                takenOver.add(connection);
            }

            @Override
            public void validate(byte[] state) throws MalformedStateException {
                if (state.length != STATE_BYTES) {
                    throw new MalformedStateException("rehearsal state of " + state.length + " bytes", 0);
                }
            }
        }
    }

    private static InetAddress ipv6Loopback() {
        try {
            return InetAddress.getByName("::1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a literal
        }
    }

    /** Delivers between the two coordinators on the sender's thread, through the wire codec. */
    private record Loopback(String self, Map<String, HandoffCoordinator> byName) implements NodeTransport {
        @Override
        public void send(String peer, NodeMessage message) throws IOException {
            send(peer, message, Duration.ofSeconds(5));
        }

        @Override
        public void send(String peer, NodeMessage message, Duration writeTimeout) throws IOException {
            HandoffCoordinator to = byName.get(peer);
            if (to == null) {
                throw new IOException("no rehearsal coordinator " + peer);
            }
            to.onMessage(self, WireCodec.decode(WireCodec.encode(message)));
        }
    }

    /**
     * The node's migrator, for a donor and an acceptor on one host: the acceptor's re-creation
     * first releases the donor's frozen copy (the 4-tuple is the same), as the migrator does
     * when a connection comes back to a node before its earlier copy was closed.
     */
    private record SameHostMigrator(ConnectionMigrator real, Map<List<InetSocketAddress>, Frozen> frozen)
            implements ConnectionMigrator {
        SameHostMigrator(ConnectionMigrator real) {
            this(real, new ConcurrentHashMap<>());
        }

        @Override
        public Optional<String> unavailabilityCause() {
            return real.unavailabilityCause();
        }

        @Override
        public long drain(SocketChannel connection, Duration timeout) throws IOException {
            return real.drain(connection, timeout);
        }

        @Override
        public FrozenConnection freeze(SocketChannel connection) throws IOException {
            List<InetSocketAddress> key = List.of((InetSocketAddress) connection.getLocalAddress(),
                    (InetSocketAddress) connection.getRemoteAddress());
            Frozen f = new Frozen(real.freeze(connection), key, this);
            frozen.put(key, f);
            return f;
        }

        @Override
        public RecreatedConnection recreate(SocketState state) throws IOException {
            Frozen donorCopy = frozen.remove(List.of(state.local(), state.remote()));
            if (donorCopy != null) {
                donorCopy.release();
            }
            return real.recreate(state);
        }

        @Override
        public void rehearse() {
            real.rehearse();
        }

        @Override
        public void expect(java.net.InetAddress logical, InetSocketAddress client) {
            real.expect(logical, client);
        }
    }

    /** A donor's frozen connection whose release may come from the acceptor's side first. */
    private static final class Frozen implements ConnectionMigrator.FrozenConnection {
        private final ConnectionMigrator.FrozenConnection real;
        private final List<InetSocketAddress> key;
        private final SameHostMigrator owner;
        private boolean released;

        Frozen(ConnectionMigrator.FrozenConnection real, List<InetSocketAddress> key, SameHostMigrator owner) {
            this.real = real;
            this.key = key;
            this.owner = owner;
        }

        @Override
        public SocketState extract() throws IOException {
            return real.extract();
        }

        @Override
        public synchronized SocketChannel resume() throws IOException {
            owner.frozen().remove(key, this);
            return real.resume();
        }

        @Override
        public synchronized void release() throws IOException {
            if (!released) {
                released = true;
                owner.frozen().remove(key, this);
                real.release();
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (!released) {
                owner.frozen().remove(key, this);
                real.close();
            }
        }
    }

    /** Drivers of the rehearsal: the wrapped migrator, a redirector that sends nothing, the made-up service. */
    private static final class RehearsalDrivers implements Drivers {
        private final Optional<ConnectionMigrator> migrator;
        private final AppStateCodec codec;

        RehearsalDrivers(ConnectionMigrator migrator, AppStateCodec codec) {
            this.migrator = Optional.of(migrator);
            this.codec = codec;
        }

        @Override
        public Optional<ConnectionMigrator> migrator() {
            return migrator;
        }

        @Override
        public Optional<NetworkRedirector> redirector() {
            return Optional.of(NOTHING_SENT);
        }

        @Override
        public Optional<AppStateCodec> codecFor(int localPort) {
            return codec.handles(localPort) ? Optional.of(codec) : Optional.empty();
        }

        @Override
        public Optional<AcceptorPolicy> policy() {
            return Optional.empty();
        }

        @Override
        public List<AcceptorPolicy.Candidate> candidates(InetSocketAddress client) {
            return List.of();
        }

        @Override
        public List<HandoffListener> listeners() {
            return List.of();
        }
    }

    /** Commits at once and sends nothing: the rehearsal's client is this node's own loopback. */
    private static final NetworkRedirector NOTHING_SENT = new NetworkRedirector() {
        @Override
        public String name() {
            return "rehearsal";
        }

        @Override
        public Preparation prepare(InetAddress logicalAddress, InetAddress client) {
            return new Preparation() {
                @Override
                public int commit(int sequence, Duration timeout) {
                    return sequence;
                }

                @Override
                public boolean readyToCommit() {
                    return true;
                }

                @Override
                public void close() {
                    // nothing was prepared
                }
            };
        }
    };
}
