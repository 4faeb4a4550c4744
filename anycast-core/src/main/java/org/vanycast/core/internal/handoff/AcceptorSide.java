package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.api.HandoffPhase;
import org.vanycast.core.api.HandoffRole;
import org.vanycast.core.api.ReceivedClient;
import org.vanycast.core.internal.wire.Abort;
import org.vanycast.core.internal.wire.AbortReason;
import org.vanycast.core.internal.wire.Done;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.internal.wire.Prepare;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.ConnectionMigrator.RecreatedConnection;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.core.spi.NetworkRedirector;

/**
 * The acceptor's side (paper Figures 8, 10, 13b): a Prepare starts return routability and
 * waits for its Init; an Init is checked against replay, its socket re-created, the binding
 * committed, the socket activated and Done sent. A failure closes what was built (silently)
 * and answers Abort, saying whether the binding may already have moved.
 */
final class AcceptorSide {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptorSide.class);

    private record Pending(String donor, InetSocketAddress client, NetworkRedirector.Preparation preparation,
            String prepareFailure, long deadlineNanos) {
    }

    /** A handoff this node completed, kept until the donor can no longer have given up on it. */
    private record Completed(Init init, SocketChannel live, long expiresNanos) {
    }

    private final HandoffCoordinator c;
    private final ReplayGuard replay;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Completed> completed = new ConcurrentHashMap<>();
    /** Inits being processed; the value says the donor has meanwhile aborted (given up). */
    private final Map<String, Boolean> inProgress = new ConcurrentHashMap<>();

    AcceptorSide(HandoffCoordinator c) {
        this.c = c;
        this.replay = new ReplayGuard(c.config.replayWindow().toMillis(), 100_000);
    }

    private static String key(String donor, long id) {
        return donor + '/' + Long.toUnsignedString(id, 16);
    }

    int pendingCount() {
        return pending.size();
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
        Pending old = pending.put(key(donor, p.handoffId()), new Pending(donor, p.client(), prep, failure, deadline));
        if (old != null && old.preparation() != null) {
            old.preparation().close();
        }
    }

    /** @return whether a pending preparation or a completed handoff matched this Abort */
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
            withdraw(donor, "donor aborted after Done (" + a.reason() + ")", done.init(), done.live());
            return true;
        }
        Pending p = pending.remove(key(donor, a.handoffId()));
        if (p != null && p.preparation() != null) {
            p.preparation().close();
        }
        return p != null;
    }

    /**
     * The donor gave up (its Done timeout expired) although this node completed: the donor has
     * taken the binding back and resumed, so this copy must vanish without FIN or RST.
     */
    private void withdraw(String donor, String why, Init init, SocketChannel live) {
        c.connections.untrack(live);
        String how;
        try {
            ConnectionMigrator m = c.drivers.migrator().orElseThrow(() -> new IOException("no ConnectionMigrator"));
            m.freeze(live).release();
            how = "withdrawn silently";
        } catch (IOException | RuntimeException e) {
            how = "could not withdraw silently: " + e.getMessage();
            try {
                live.close();
            } catch (IOException ignored) {
                // nothing else to do
            }
        }
        HandoffEvent event = new HandoffEvent(init.handoffId(), HandoffRole.ACCEPTOR, donor, c.self,
                init.socketState().remote(), HandoffOutcome.ROLLED_BACK, Map.of(), init.socketState().size(),
                init.appStateSize(), Optional.of(why + "; " + how));
        LOG.warn("{}", event.toLogLine());
        c.finished(event);
    }

    /** Closes preparations whose Init never came and forgets old completed handoffs. */
    void expire(long nowNanos) {
        completed.values().removeIf(d -> nowNanos - d.expiresNanos() > 0);
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext();) {
            Pending p = it.next();
            if (nowNanos - p.deadlineNanos() > 0) {
                it.remove();
                if (p.preparation() != null) {
                    p.preparation().close();
                }
            }
        }
    }

    void onInit(String donor, Init init) {
        PhaseTimer timer = new PhaseTimer(c.clock);
        InetSocketAddress client = init.socketState().remote();
        Optional<String> replayed = replay.check(init.nonce(), init.timestampMillis(), c.clock.currentTimeMillis());
        if (replayed.isPresent()) {
            // a replay never touches the pending entry of the genuine handoff
            reject(donor, init, timer, AbortReason.REPLAYED, replayed.get(), HandoffOutcome.REJECTED);
            return;
        }
        Pending p = pending.remove(key(donor, init.handoffId()));
        NetworkRedirector.Preparation prep = p == null ? null : p.preparation();
        boolean committed = false;
        inProgress.put(key(donor, init.handoffId()), false);
        try {
            if (!init.logicalAddress().equals(c.group.logicalAddress())) {
                reject(donor, init, timer, AbortReason.OTHER, "Init for foreign logical address", HandoffOutcome.REJECTED);
                return;
            }
            if (p != null && p.prepareFailure() != null) {
                reject(donor, init, timer, AbortReason.REDIRECT_FAILED, p.prepareFailure(), HandoffOutcome.REJECTED);
                return;
            }
            Optional<ConnectionMigrator> migrator = c.drivers.migrator().filter(ConnectionMigrator::isAvailable);
            Optional<NetworkRedirector> redirector = c.drivers.redirector();
            if (migrator.isEmpty() || redirector.isEmpty()) {
                reject(donor, init, timer, AbortReason.NOT_AVAILABLE, "migrator or redirector missing", HandoffOutcome.REJECTED);
                return;
            }
            Optional<AppStateCodec> codec = c.drivers.codecFor(init.socketState().local().getPort());
            if (codec.isPresent()) {
                try {
                    codec.get().validate(init.appState());
                } catch (MalformedStateException e) {
                    reject(donor, init, timer, AbortReason.MALFORMED_STATE, "app state: " + e.getMessage(), HandoffOutcome.REJECTED);
                    return;
                }
            }
            if (prep == null) {
                // no Prepare (or it expired): return routability runs now instead of in advance
                prep = redirector.get().prepare(init.logicalAddress(), client.getAddress());
            }
            committed = accept(donor, init, timer, migrator.get(), prep, codec);
        } catch (IOException | RuntimeException e) {
            reject(donor, init, timer, AbortReason.REDIRECT_FAILED, "prepare: " + e.getMessage(), HandoffOutcome.REJECTED);
        } finally {
            inProgress.remove(key(donor, init.handoffId()));
            if (prep != null && !committed) {
                prep.close();
            }
        }
    }

    private synchronized boolean donorGaveUp(String k) {
        return Boolean.TRUE.equals(inProgress.get(k));
    }

    /** Moves an Init from in progress to completed, unless the donor gave up meanwhile. */
    private synchronized boolean finish(String k, Completed done) {
        if (Boolean.TRUE.equals(inProgress.remove(k))) {
            return false;
        }
        completed.put(k, done);
        return true;
    }

    /** @return whether the binding was committed (the preparation is then used up) */
    private boolean accept(String donor, Init init, PhaseTimer timer, ConnectionMigrator migrator,
            NetworkRedirector.Preparation prep, Optional<AppStateCodec> codec) {
        RecreatedConnection recreated;
        try {
            recreated = migrator.recreate(init.socketState());
        } catch (MalformedStateException e) {
            reject(donor, init, timer, AbortReason.MALFORMED_STATE, "socket state: " + e.getMessage(), HandoffOutcome.REJECTED);
            return false;
        } catch (IOException | RuntimeException e) {
            reject(donor, init, timer, AbortReason.RECREATE_FAILED, e.getMessage(), HandoffOutcome.ROLLED_BACK);
            return false;
        }
        long recreate = timer.end(HandoffPhase.RECREATE);
        String k = key(donor, init.handoffId());
        if (donorGaveUp(k)) {
            closeQuietly(recreated);
            reject(donor, init, timer, AbortReason.DONOR_CANCELLED, "donor gave up before the binding was sent",
                    HandoffOutcome.ROLLED_BACK);
            return false;
        }
        int attempted = (init.mipv6Sequence() + 1) & 0xFFFF;
        int used;
        try {
            used = prep.commit(attempted, c.config.commitTimeout());
        } catch (IOException | RuntimeException e) {
            closeQuietly(recreated);
            // commit may have sent the binding before it failed: the donor takes it back
            abort(donor, init, timer, AbortReason.REDIRECT_FAILED, "commit: " + e.getMessage(), true, attempted);
            return false;
        }
        long redirect = timer.end(HandoffPhase.REDIRECT);
        SocketChannel live;
        try {
            live = recreated.activate();
        } catch (IOException | RuntimeException e) {
            closeQuietly(recreated);
            abort(donor, init, timer, AbortReason.ACTIVATE_FAILED, "activate: " + e.getMessage(), true, used);
            return true;
        }
        long activate = timer.end(HandoffPhase.ACTIVATE);
        c.sequences.update(init.socketState().remote().getAddress(), used);
        c.connections.track(live);
        if (!finish(k, new Completed(init, live, c.clock.nanoTime() + 2 * c.config.doneTimeout().toNanos()))) {
            // the donor took the binding back with a newer sequence and resumed: vanish silently
            withdraw(donor, "donor gave up while this node activated", init, live);
            return true;
        }
        try {
            c.transport.send(donor, new Done(init.handoffId(), used, recreate, redirect, activate));
        } catch (IOException e) {
            // the client is here and its binding points here: keep serving; the donor's copy stays frozen
            LOG.warn("handoff {}: Done to {} failed ({}); serving the client here", Long.toUnsignedString(init.handoffId(), 16),
                    donor, e.getMessage());
        }
        HandoffEvent event = new HandoffEvent(init.handoffId(), HandoffRole.ACCEPTOR, donor, c.self,
                init.socketState().remote(), HandoffOutcome.COMPLETED, timer.phases(), init.socketState().size(),
                init.appStateSize(), Optional.empty());
        c.finished(event);
        deliver(donor, init, live, codec);
        return true;
    }

    private void deliver(String donor, Init init, SocketChannel live, Optional<AppStateCodec> codec) {
        if (codec.isPresent()) {
            try {
                codec.get().restore(live, init.appState());
            } catch (IOException | RuntimeException e) {
                LOG.warn("handoff {}: the service could not restore its state: {}", Long.toUnsignedString(init.handoffId(), 16),
                        e.toString());
            }
            return;
        }
        c.received.add(new ReceivedClient(init.handoffId(), donor, init.socketState().remote(), live, init.appState()));
    }

    private void reject(String donor, Init init, PhaseTimer timer, AbortReason reason, String message, HandoffOutcome outcome) {
        abort(donor, init, timer, reason, message, false, 0, outcome);
    }

    private void abort(String donor, Init init, PhaseTimer timer, AbortReason reason, String message, boolean moved, int seq) {
        abort(donor, init, timer, reason, message, moved, seq, HandoffOutcome.ROLLED_BACK);
    }

    private void abort(String donor, Init init, PhaseTimer timer, AbortReason reason, String message, boolean moved,
            int seq, HandoffOutcome outcome) {
        try {
            c.transport.send(donor, new Abort(init.handoffId(), reason, moved, seq, message));
        } catch (IOException e) {
            LOG.debug("Abort to {} failed: {}", donor, e.getMessage());
        }
        HandoffEvent event = new HandoffEvent(init.handoffId(), HandoffRole.ACCEPTOR, donor, c.self,
                init.socketState().remote(), outcome, timer.phases(), init.socketState().size(), init.appStateSize(),
                Optional.of(reason + ": " + message));
        if (reason.equals(AbortReason.REPLAYED)) {
            LOG.info("refused Init: {}", event.toLogLine());
        }
        c.finished(event);
    }

    private static void closeQuietly(RecreatedConnection r) {
        try {
            r.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing re-created socket: {}", e.toString());
        }
    }
}
