package org.vanycast.tcp.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.core.spi.SocketState;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.api.TcpMigrator;
import org.vanycast.tcp.internal.kernel.ChannelFds;
import org.vanycast.tcp.internal.kernel.NftFreezeSet;
import org.vanycast.tcp.internal.kernel.SocketFilter;
import org.vanycast.tcp.internal.kernel.TcpRepair;

/**
 * {@link org.vanycast.core.spi.ConnectionMigrator} over Linux {@code TCP_REPAIR}.
 *
 * <p>Released donor sockets are not closed at once: a segment the client sent before the
 * traffic switched may still reach the donor, and a closed socket would answer it with a RST.
 * They stay frozen for {@code releaseGrace}, then a worker thread closes them. If the same
 * connection comes back to this node sooner, {@link #recreate} finishes that release first.
 */
public final class TcpConnectionMigrator implements TcpMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(TcpConnectionMigrator.class);

    private final FreezeMode mode;
    private final LongSupplier nanoClock;
    private final Duration releaseGrace;
    /**
     * How often a drain rehearses while it polls (see {@link #rehearse()}): every 1 ms, as
     * anycast-core's readers do (every 200 µs until 2026-12-07; the same median in the local
     * handoff bench, a lower 90th percentile and less of the CPU every ms of the drain).
     */
    private static final long DRAIN_REHEARSAL_NANOS = 1_000_000;
    /** What {@link #rehearse()} decodes: a made-up connection on [::1]. */
    private static final byte[] REHEARSAL_STATE = rehearsalState();
    /** What {@link #rehearse()} re-creates: the same connection from an ephemeral port, so rehearsals never collide. */
    private static final TcpConnectionState REHEARSAL_RESTORE = rehearsalRestore();
    private volatile boolean rehearsalFailed;
    private final java.util.concurrent.atomic.AtomicLong rehearsals = new java.util.concurrent.atomic.AtomicLong();
    private final Worker worker;
    private final Freezer freezer;
    private final Map<ConnectionKey, PendingRelease> pending = new ConcurrentHashMap<>();
    /**
     * Repair sockets opened on a Prepare ({@link #expect}) for the client connection it announced,
     * not yet bound (the local port comes with the Init): {@link #recreate} starts from one.
     */
    private final Map<InetSocketAddress, Spare> spares = new ConcurrentHashMap<>();
    /** A spare whose Init never came is closed by the next {@link #expect} after this long. */
    static final long SPARE_LIFETIME_NANOS = 60_000_000_000L;
    private volatile boolean closed;

    public TcpConnectionMigrator(FreezeMode mode, Duration releaseGrace) throws IOException {
        this(mode, releaseGrace, System::nanoTime);
    }

    /** @param nanoClock the clock for the bounded waits (a parameter so tests can drive time) */
    TcpConnectionMigrator(FreezeMode mode, Duration releaseGrace, LongSupplier nanoClock) throws IOException {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.releaseGrace = Objects.requireNonNull(releaseGrace, "releaseGrace");
        if (releaseGrace.isNegative()) {
            throw new IllegalArgumentException("negative release grace " + releaseGrace);
        }
        // run the kernel probes (and load JNA) now, not during the first handoff
        unavailabilityCause().ifPresent(cause -> LOG.warn("TCP migration unavailable here: {}", cause));
        this.worker = new Worker();
        try {
            worker.call(() -> {
                FreezeMark.installRule(); // re-created sockets stay off the wire with it in both modes
                return null;
            });
            this.freezer = mode == FreezeMode.NFTABLES
                    ? new NftablesFreezer(worker.call(NftFreezeSet::open), worker)
                    : new SocketFilterFreezer();
        } catch (IOException | RuntimeException e) {
            worker.shutdown();
            throw e;
        }
    }

    @Override
    public FreezeMode freezeMode() {
        return mode;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return unavailabilityCause(mode);
    }

    /** The probe without creating a migrator (creating one installs kernel objects in this namespace). */
    public static Optional<String> unavailabilityCause(FreezeMode mode) {
        List<String> causes = new ArrayList<>();
        TcpRepair.unavailabilityCause().ifPresent(causes::add);
        SocketFilter.unavailabilityCause().ifPresent(causes::add);
        ChannelFds.unavailabilityCause().ifPresent(causes::add);
        if (mode == FreezeMode.NFTABLES) {
            NftFreezeSet.unavailabilityCause().ifPresent(causes::add);
        }
        return causes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", causes));
    }

    /** Polls SIOCOUTQ: on a LAN the queue empties within one RTT, so a short park beats a timer. */
    @Override
    public long drain(SocketChannel connection, Duration timeout) throws IOException {
        int fd = ChannelFds.fdOf(connection);
        long deadline = nanoClock.getAsLong() + timeout.toNanos();
        long rehearsed = 0;
        while (true) {
            int outq = TcpRepair.outq(fd);
            long now = nanoClock.getAsLong();
            if (outq == 0 || now - deadline >= 0) {
                return outq;
            }
            if (rehearsed == 0 || now - rehearsed >= DRAIN_REHEARSAL_NANOS) {
                // the freeze and extract that follow the drain run through the same native calls
                rehearse();
                rehearsed = nanoClock.getAsLong();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    @Override
    public FrozenConnection freeze(SocketChannel connection) throws IOException {
        int fd = ChannelFds.fdOf(connection);
        InetSocketAddress local = (InetSocketAddress) connection.getLocalAddress();
        InetSocketAddress remote = (InetSocketAddress) connection.getRemoteAddress();
        if (local == null || remote == null) {
            throw new IOException("not a connected socket: " + connection);
        }
        freezer.freeze(fd, local, remote);
        try {
            TcpRepair.enter(fd);
        } catch (IOException e) {
            freezer.thaw(fd, local, remote);
            throw e;
        }
        LOG.debug("froze {} -> {} ({})", remote, local, mode);
        return new FrozenTcpConnection(this, freezer, connection, fd, local, remote);
    }

    @Override
    public RecreatedConnection recreate(SocketState state) throws IOException {
        TcpConnectionState s = TcpStateCodec.decode(state.encoded());
        if (!s.local().equals(state.local()) || !s.remote().equals(state.remote())) {
            throw new MalformedStateException("record is for " + s.remote() + " -> " + s.local()
                    + ", envelope says " + state.remote() + " -> " + state.local(), 12);
        }
        // the connection came back before its old frozen copy here was closed: close it now,
        // or connect() finds the 4-tuple taken
        long t0 = System.nanoTime();
        boolean closedEarlier = finishPendingRelease(new ConnectionKey(s.local(), s.remote()));
        long t1 = System.nanoTime();
        Spare spare = spares.remove(s.remote());
        int fd = TcpStateRestorer.restore(s, spare == null ? -1 : spare.fd());
        if (LOG.isDebugEnabled()) {
            LOG.debug("re-created {} -> {}: {} bytes queued; {}restore {} us{}", s.remote(), s.local(), s.queuedBytes(),
                    closedEarlier ? "closing its earlier frozen copy " + (t1 - t0) / 1000 + " us, " : "",
                    (System.nanoTime() - t1) / 1000, spare == null ? "" : " on the socket opened at the Prepare");
        }
        return new RecreatedTcpConnection(fd, s);
    }

    /**
     * Decodes and encodes a made-up state and runs the whole of {@link #recreate}'s kernel
     * work on it, on {@code [::1]} from an ephemeral port, followed by activation's first two
     * calls (mark and filter off) and a read of a queue sequence as extraction does; then closes
     * the socket while it is still in repair mode. Nothing reaches any wire, loopback included:
     * connect in repair mode sends no SYN, the socket has nothing queued to send, and a socket
     * closed in repair mode vanishes without FIN or RST. So the code and the kernel paths of
     * {@link #recreate} and {@link RecreatedConnection#activate()} (acceptor), and of
     * {@link #freeze} and extraction (donor: {@link #drain} runs this every 1 ms while it
     * polls), are warm when they run. Until 2026-12-07 the rehearsal stopped before connect,
     * leaving connect, options, timestamp, buffer and window cold.
     */
    @Override
    public void rehearse() {
        rehearsals.incrementAndGet();
        try {
            TcpConnectionState s = TcpStateCodec.decode(REHEARSAL_STATE);
            TcpStateCodec.encode(s);
            int fd = TcpStateRestorer.restore(REHEARSAL_RESTORE);
            try {
                SocketFilter.setMark(fd, 0);
                SocketFilter.detach(fd);
                TcpRepair.selectQueue(fd, TcpRepair.SEND_QUEUE);
                TcpRepair.queueSeq(fd);
                TcpRepair.selectQueue(fd, TcpRepair.NO_QUEUE);
            } finally {
                TcpRepair.closeQuietly(fd); // still in repair mode: silent
            }
        } catch (IOException | RuntimeException e) {
            if (!rehearsalFailed) {
                rehearsalFailed = true; // once: a node without [::1] would log it at every call
                LOG.debug("rehearsing a re-creation failed (harmless): {}", e.toString());
            }
        }
    }

    /** Whether a rehearsal failed since this migrator was made (for tests). */
    boolean rehearsalFailed() {
        return rehearsalFailed;
    }

    /** Rehearsals run since this migrator was made (diagnostics, tests). */
    public long rehearsals() {
        return rehearsals.get();
    }

    private static byte[] rehearsalState() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try {
            lo = InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            // a literal: never thrown
        }
        return TcpStateCodec.encode(new TcpConnectionState(new InetSocketAddress(lo, 8080), new InetSocketAddress(lo, 50000),
                1, 1, 1440, new TcpRepair.Options(true, true, true, 7, 7), 1, new TcpRepair.Window(1, 65535, 65535, 65535, 1),
                87040, new byte[0], new byte[0], new byte[0]));
    }

    private static TcpConnectionState rehearsalRestore() {
        try {
            TcpConnectionState s = TcpStateCodec.decode(REHEARSAL_STATE);
            return new TcpConnectionState(new InetSocketAddress(s.local().getAddress(), 0), s.remote(), s.sendSeq(),
                    s.recvSeq(), s.mss(), s.options(), s.timestamp(), s.window(), s.sndbuf(), s.unacked(), s.unsent(),
                    s.received());
        } catch (IOException e) {
            throw new IllegalStateException("the rehearsal's own state does not decode", e);
        }
    }

    void scheduleRelease(ConnectionKey key, SocketChannel channel) {
        PendingRelease release = new PendingRelease(key, channel);
        PendingRelease earlier = pending.put(key, release);
        if (earlier != null) {
            earlier.run();
        }
        if (releaseGrace.isZero()) {
            release.run();
        } else {
            release.future = worker.executor.schedule(release::run, releaseGrace.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * A connection between {@code logical} and {@code client} is coming back to this node: a
     * frozen copy of it still in its release grace here is closed now, while the donor drains,
     * instead of in {@link #recreate} (0.07 ms of the acceptor's critical path on the test machine).
     * Nothing reaches the wire: the copy is in repair mode and its filter or freeze set stays until it is closed.
     */
    @Override
    public void expect(InetAddress logical, InetSocketAddress client) {
        openSpare(client);
        if (pending.isEmpty()) {
            return;
        }
        for (ConnectionKey key : pending.keySet()) {
            if (key.remote().equals(client) && key.local().getAddress().equals(logical)) {
                LOG.debug("closing the earlier frozen copy of {} -> {}: it is coming back", client, key.local());
                finishPendingRelease(key);
            }
        }
    }

    /**
     * Opens the socket {@link #recreate} will re-create {@code client}'s connection on, as far
     * as it can without the Init (repair mode, drop-all filter: {@link TcpStateRestorer#openSpare});
     * 0.02-0.04 ms less on the acceptor's critical path. Replaces an earlier spare for the same
     * client and closes spares nobody took within {@link #SPARE_LIFETIME_NANOS}; nothing is sent.
     */
    private void openSpare(InetSocketAddress client) {
        long now = nanoClock.getAsLong();
        spares.forEach((c, sp) -> {
            if (now - sp.openedNanos() > SPARE_LIFETIME_NANOS && spares.remove(c, sp)) {
                TcpRepair.closeQuietly(sp.fd());
            }
        });
        Spare spare;
        try {
            spare = new Spare(TcpStateRestorer.openSpare(), now);
        } catch (IOException | RuntimeException e) {
            LOG.debug("no socket opened ahead for {}: {}", client, e.toString());
            return;
        }
        Spare old = spares.put(client, spare);
        if (old != null) {
            TcpRepair.closeQuietly(old.fd());
        }
        if (closed && spares.remove(client, spare)) {
            TcpRepair.closeQuietly(spare.fd()); // close() ran meanwhile: it would not see this one
        }
    }

    /** Sockets opened ahead ({@link #expect}) and not yet used (diagnostics, tests). */
    public int spares() {
        return spares.size();
    }

    /** A socket of {@link TcpStateRestorer#openSpare()} and when it was opened. */
    private record Spare(int fd, long openedNanos) {
    }

    /** @return whether an earlier frozen copy of the connection was still here (now closed) */
    private boolean finishPendingRelease(ConnectionKey key) {
        PendingRelease p = pending.get(key);
        if (p != null) {
            p.run();
        }
        return p != null;
    }

    /** Released donor sockets still in their grace (for tests). */
    int pendingReleases() {
        return pending.size();
    }

    @Override
    public void close() {
        closed = true;
        for (PendingRelease p : List.copyOf(pending.values())) {
            p.run();
        }
        for (InetSocketAddress c : List.copyOf(spares.keySet())) {
            Spare sp = spares.remove(c);
            if (sp != null) {
                TcpRepair.closeQuietly(sp.fd());
            }
        }
        freezer.close();
        worker.shutdown();
    }

    record ConnectionKey(InetSocketAddress local, InetSocketAddress remote) {
    }

    private final class PendingRelease {
        private final ConnectionKey key;
        private final SocketChannel channel;
        private final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> future;

        PendingRelease(ConnectionKey key, SocketChannel channel) {
            this.key = key;
            this.channel = channel;
        }

        void run() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            pending.remove(key, this);
            try {
                channel.close(); // in repair mode: neither FIN nor RST
            } catch (IOException e) {
                LOG.warn("closing released socket {} -> {} failed: {}", key.remote(), key.local(), e.toString());
            }
            try {
                freezer.forget(key.local(), key.remote());
            } catch (IOException e) {
                LOG.warn("forgetting frozen {} -> {} failed: {}", key.remote(), key.local(), e.toString());
            }
        }
    }

    /**
     * The migrator's one thread: delayed releases and nftables updates. Started by the
     * constructor, so it inherits the constructor's network namespace.
     */
    static final class Worker {
        final ScheduledThreadPoolExecutor executor;
        private volatile Thread thread;

        Worker() {
            executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "vanycast-tcp-migrator");
                t.setDaemon(true);
                thread = t;
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            executor.prestartAllCoreThreads();
        }

        <T> T call(Callable<T> task) throws IOException {
            if (Thread.currentThread() == thread) {
                try {
                    return task.call();
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
            try {
                return executor.submit(task).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof IOException io) {
                    throw io;
                }
                throw new IOException(c);
            }
        }

        void shutdown() {
            executor.shutdownNow();
        }
    }
}
