package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.api.HandoffPhase;
import org.vanycast.core.api.HandoffRole;
import org.vanycast.core.internal.wire.Abort;
import org.vanycast.core.internal.wire.AbortReason;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.internal.wire.MadeUpHandoff;
import org.vanycast.core.internal.wire.Prepare;
import org.vanycast.core.internal.wire.StateAhead;
import org.vanycast.core.internal.wire.WireCodec;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.NetworkRedirector;

/**
 * The acceptor's bookkeeping (paper Figures 8, 10, 13b): Prepares waiting for their Init
 * (return routability already running), Inits in progress, and recently completed handoffs,
 * so that an Abort from a donor that gave up always finds what it must undo. The work on one
 * Init is {@link AcceptInit}.
 */
final class AcceptorSide {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptorSide.class);

    /** {@code ahead}: the service's take-overs prepared from a StateAhead, or null. */
    record Pending(String donor, InetSocketAddress client, NetworkRedirector.Preparation preparation,
            String prepareFailure, long deadlineNanos, PreparedStates ahead) {

        /** Frees what this entry holds when its Init will not use it. */
        void abandon() {
            if (preparation != null) {
                preparation.close();
            }
            if (ahead != null) {
                ahead.discardRest();
            }
        }
    }

    /** A handoff this node completed, kept until the donor can no longer have given up on it. */
    record Completed(Init init, List<SocketChannel> live, long expiresNanos) {
    }

    final HandoffCoordinator c;
    private final ReplayGuard replay;
    /** The rehearsals' own guard: the real one never sees their nonces. */
    private final ReplayGuard rehearsalReplay = new ReplayGuard(1, 1024);
    private static final byte[] REHEARSAL_INIT = WireCodec.encode(
            MadeUpHandoff.init(1, new byte[Init.NONCE_BYTES], 0, 1, new byte[MadeUpHandoff.APP_STATE_BYTES]));
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Completed> completed = new ConcurrentHashMap<>();
    /** Inits being processed; the value says the donor has meanwhile aborted (given up). */
    private final Map<String, Boolean> inProgress = new ConcurrentHashMap<>();
    /** The CPU latency window of each handoff from its Prepare to the end of its Init's critical part. */
    private final Map<String, CpuLatencyHold.Window> windows = new ConcurrentHashMap<>();

    AcceptorSide(HandoffCoordinator c) {
        this.c = c;
        this.replay = new ReplayGuard(c.config.replayWindow().toMillis(), 100_000);
    }

    static String key(String donor, long id) {
        return donor + '/' + Long.toUnsignedString(id, 16);
    }

    int pendingCount() {
        return pending.size();
    }

    /** Whether an Init from {@code donor} is imminent: a Prepare from it waits for its Init and has not expired. */
    boolean expecting(String donor) {
        if (pending.isEmpty()) {
            return false;
        }
        long now = c.clock.nanoTime();
        for (Pending p : pending.values()) {
            if (p.donor().equals(donor) && now - p.deadlineNanos() < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs, without acting, what the Init of a handoff from {@code donor} will run here: the
     * replay check (on a scratch guard), the Init's decoding, the drivers' lookups and their
     * rehearsals (re-creation, binding), so that all of it is still in the CPU's caches when the
     * Init arrives. Called by the link's reader while it waits for that Init; touches nothing a
     * handoff uses.
     */
    void rehearse(String donor) {
        rehearse(donor, () -> false);
    }

    /** As {@link #rehearse(String)}, leaving out the steps still to come once {@code arrived} is true. */
    void rehearse(String donor, BooleanSupplier arrived) {
        long now = c.clock.currentTimeMillis();
        byte[] nonce = new byte[Init.NONCE_BYTES];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(nonce);
        rehearsalReplay.check(nonce, now, now);
        try {
            if (WireCodec.decode(REHEARSAL_INIT) instanceof Init i) {
                c.drivers.codecFor(i.connections().get(0).socketState().local().getPort());
            }
        } catch (org.vanycast.core.internal.wire.MalformedMessageException e) {
            throw new IllegalStateException("the rehearsal's own Init does not decode", e);
        }
        if (arrived.getAsBoolean()) {
            return;
        }
        c.drivers.migrator().ifPresent(ConnectionMigrator::rehearse);
        if (arrived.getAsBoolean()) {
            return;
        }
        for (Pending p : pending.values()) {
            if (p.donor().equals(donor) && p.preparation() != null) {
                p.preparation().rehearse();
                break;
            }
        }
    }

    void onPrepare(String donor, Prepare p) {
        expire(c.clock.nanoTime());
        if (!p.logicalAddress().equals(c.group.logicalAddress())) {
            c.dropped("Prepare for foreign logical address " + p.logicalAddress(), donor);
            return;
        }
        long deadline = c.clock.nanoTime() + p.initTimeoutMillis() * 1_000_000L;
        NetworkRedirector.Preparation prep = null;
        String failure = null;
        Optional<NetworkRedirector> redirector = c.drivers.redirector();
        try {
            if (redirector.isEmpty()) {
                failure = "no NetworkRedirector service";
            } else {
                prep = redirector.get().prepare(p.logicalAddress(), p.client().getAddress());
            }
        } catch (IOException | RuntimeException e) {
            failure = "prepare: " + e.getMessage();
        }
        String k = key(donor, p.handoffId());
        closeWindow(windows.put(k, c.latency.hold(Duration.ofMillis(p.initTimeoutMillis()).plus(c.config.commitTimeout()))));
        Pending old = pending.put(k, new Pending(donor, p.client(), prep, failure, deadline, null));
        if (old != null) {
            old.abandon();
        }
        // while the donor drains: e.g. a frozen copy this node kept from handing the connection away
        Optional<ConnectionMigrator> migrator = c.drivers.migrator();
        if (migrator.isPresent()) {
            try {
                migrator.get().expect(p.logicalAddress(), p.client());
            } catch (RuntimeException e) {
                LOG.debug("migrator could not get ready for handoff {}: {}", Long.toUnsignedString(p.handoffId(), 16),
                        e.toString());
            }
        }
    }

    /**
     * The application states of a prepared handoff arrived ahead of its Init: the services
     * prepare their take-overs now, while the donor drains. On the link's reader thread, like
     * the Prepare before it and the Init after it; a state a service refuses here is simply not
     * prepared (the Init then tries again and answers the refusal).
     */
    void onStateAhead(String donor, StateAhead a) {
        String k = key(donor, a.handoffId());
        if (!pending.containsKey(k)) {
            c.dropped("StateAhead for no prepared handoff", donor);
            return;
        }
        List<StateAhead.Entry> states = a.states();
        AppStateCodec.Restore[] restores = new AppStateCodec.Restore[states.size()];
        for (int i = 0; i < restores.length; i++) {
            StateAhead.Entry e = states.get(i);
            Optional<AppStateCodec> codec = c.drivers.codecFor(e.localPort());
            if (codec.isEmpty()) {
                continue;
            }
            try {
                restores[i] = codec.get().prepareRestore(e.appState());
            } catch (IOException | RuntimeException x) {
                LOG.debug("state ahead of handoff {} (connection {}) not prepared: {}",
                        Long.toUnsignedString(a.handoffId(), 16), i, x.toString());
            }
        }
        PreparedStates prepared = new PreparedStates(states, restores);
        Pending[] replaced = new Pending[1];
        Pending now = pending.computeIfPresent(k, (key, p) -> {
            replaced[0] = p;
            return new Pending(p.donor(), p.client(), p.preparation(), p.prepareFailure(), p.deadlineNanos(), prepared);
        });
        if (now == null) {
            prepared.discardRest(); // expired meanwhile
        } else if (replaced[0].ahead() != null) {
            replaced[0].ahead().discardRest(); // a second StateAhead for the same handoff
        }
    }

    /**
     * An Init arrived; called on the group channel's reader thread. When nothing in its critical
     * part can block (its Prepare came and the prepared redirection is ready to commit without
     * waiting), that part runs right here up to Done, and the rest (delivery, confirmation,
     * events) on the executor; otherwise all of it runs on the executor. Either way the Init is
     * in progress from here on, so an Abort that follows it finds it.
     */
    void onInit(String donor, Init init) {
        PhaseTimer timer = new PhaseTimer(c.clock); // the acceptor's phases count from the Init's arrival
        Optional<String> replayed = replay.check(init.nonce(), init.timestampMillis(), c.clock.currentTimeMillis());
        if (replayed.isPresent()) {
            // a replay never touches the pending entry of the genuine handoff
            c.executor().execute(() -> abort(donor, init, timer, AbortReason.REPLAYED, replayed.get(), false, 0,
                    HandoffOutcome.REJECTED, Runnable::run));
            return;
        }
        String k = key(donor, init.handoffId());
        Pending p = pending.remove(k);
        inProgress.put(k, false);
        if (readyToCommit(p)) {
            run(k, new AcceptInit(this, donor, init, timer, p, c.executor()));
            return;
        }
        AcceptInit work = new AcceptInit(this, donor, init, timer, p, Runnable::run);
        try {
            c.executor().execute(() -> run(k, work));
        } catch (RejectedExecutionException e) {
            inProgress.remove(k); // shutting down: the donor times out and resumes
            closeWindow(windows.remove(k));
            if (p != null) {
                p.abandon();
            }
        }
    }

    private void run(String k, AcceptInit work) {
        try {
            work.run();
        } finally {
            inProgress.remove(k);
            closeWindow(windows.remove(k));
        }
    }

    private static void closeWindow(CpuLatencyHold.Window w) {
        if (w != null) {
            w.close();
        }
    }

    /** Whether the Init's critical part cannot block: a preparation that commits without waiting. */
    private static boolean readyToCommit(Pending p) {
        if (p == null || p.prepareFailure() != null || p.preparation() == null) {
            return false;
        }
        try {
            return p.preparation().readyToCommit();
        } catch (RuntimeException e) {
            LOG.debug("readyToCommit failed: {}", e.toString());
            return false;
        }
    }

    /** @return whether a pending preparation, an Init in progress or a completed handoff matched */
    boolean onAbort(String donor, Abort a) {
        String k = key(donor, a.handoffId());
        Completed done;
        synchronized (this) {
            done = completed.remove(k);
            if (done == null && inProgress.containsKey(k)) {
                inProgress.put(k, true); // the Init's own thread rolls back at its next step
                return true;
            }
        }
        if (done != null) {
            withdraw(donor, "donor aborted after Done (" + a.reason() + ")", done.init(), done.live(), Runnable::run);
            return true;
        }
        Pending p = pending.remove(k);
        if (p != null) {
            closeWindow(windows.remove(k));
            p.abandon();
        }
        return p != null;
    }

    synchronized boolean donorGaveUp(String k) {
        return Boolean.TRUE.equals(inProgress.get(k));
    }

    /** Moves an Init from in progress to completed, unless the donor gave up meanwhile. */
    synchronized boolean finish(String k, Init init, List<SocketChannel> live) {
        if (Boolean.TRUE.equals(inProgress.get(k))) {
            return false;
        }
        // kept until the donor can no longer give up: its Done timeout runs from sending Init
        completed.put(k, new Completed(init, live, c.clock.nanoTime() + 2 * c.config.doneTimeout().toNanos()));
        return true;
    }

    /** A completed handoff is rolled back after all (its service refused the connection before Done). */
    synchronized void forget(String k) {
        completed.remove(k);
    }

    /**
     * The donor gave up (its Done timeout expired) although this node went ahead: the donor has
     * taken the binding back and resumed, so these copies must vanish without FIN or RST.
     * {@code events}: where the handoff listeners are told.
     */
    void withdraw(String donor, String why, Init init, List<SocketChannel> live, Executor events) {
        String how = "withdrawn silently";
        for (SocketChannel ch : live) {
            c.connections.untrack(ch);
            try {
                ConnectionMigrator m = c.drivers.migrator().orElseThrow(() -> new IOException("no ConnectionMigrator"));
                m.freeze(ch).release();
            } catch (IOException | RuntimeException e) {
                how = "could not withdraw silently: " + e.getMessage();
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing else to do
                }
            }
        }
        HandoffEvent event = event(donor, init, HandoffOutcome.ROLLED_BACK, Map.of(), Optional.of(why + "; " + how));
        LOG.warn("{}", event.toLogLine());
        events.execute(() -> c.finished(event));
    }

    HandoffEvent event(String donor, Init init, HandoffOutcome outcome, Map<HandoffPhase, Long> phases,
            Optional<String> failure) {
        return event(donor, init, outcome, phases, failure, -1);
    }

    /** {@code liveAt}: the clock's time when the re-created sockets went live, or -1. */
    HandoffEvent event(String donor, Init init, HandoffOutcome outcome, Map<HandoffPhase, Long> phases,
            Optional<String> failure, long liveAt) {
        return new HandoffEvent(init.handoffId(), HandoffRole.ACCEPTOR, donor, c.self, init.client(),
                init.connections().size(), outcome, phases, init.socketStateBytes(), init.appStateBytes(), failure, -1,
                liveAt);
    }

    /**
     * Answers Abort and records the event; {@code moved}: the binding may point here already;
     * {@code events}: where the handoff listeners are told.
     */
    void abort(String donor, Init init, PhaseTimer timer, AbortReason reason, String message, boolean moved, int seq,
            HandoffOutcome outcome, Executor events) {
        try {
            c.transport.send(donor, new Abort(init.handoffId(), reason, moved, seq, message));
        } catch (IOException e) {
            LOG.debug("Abort to {} failed: {}", donor, e.getMessage());
        }
        HandoffEvent event = event(donor, init, outcome, timer.phases(), Optional.of(reason + ": " + message));
        if (reason.equals(AbortReason.REPLAYED)) {
            LOG.info("refused Init: {}", event.toLogLine());
        }
        events.execute(() -> c.finished(event));
    }

    /** Abandons every Prepare still waiting for its Init (the node stops). */
    void abandonAll() {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext();) {
            Pending p = it.next();
            it.remove();
            p.abandon();
        }
        windows.values().forEach(CpuLatencyHold.Window::close);
        windows.clear();
    }

    /** Closes preparations whose Init never came and forgets old completed handoffs. */
    void expire(long nowNanos) {
        completed.values().removeIf(d -> nowNanos - d.expiresNanos() > 0);
        for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Pending> e = it.next();
            if (nowNanos - e.getValue().deadlineNanos() > 0) {
                it.remove();
                closeWindow(windows.remove(e.getKey()));
                e.getValue().abandon();
            }
        }
    }
}
