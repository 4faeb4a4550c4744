package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.api.HandoffPhase;
import org.vanycast.core.api.ReceivedClient;
import org.vanycast.core.internal.wire.AbortReason;
import org.vanycast.core.internal.wire.Done;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.ConnectionMigrator.RecreatedConnection;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.core.spi.NetworkRedirector;

/**
 * The acceptor's work on one Init: check everything that can be checked without acting
 * (logical address, drivers) and have the service prepare its take-over of every application
 * state (decoded once, what it continues from opened: a state this node cannot continue is
 * refused here), re-create every socket (silent), commit the binding once for the client (sent,
 * not yet acknowledged), activate every socket, hand the connections to the service, send Done,
 * then wait for the client's acknowledgement. A failure closes what was built without a packet
 * and answers Abort, saying whether the binding may already have moved.
 *
 * <p>Up to Done this is the handoff's critical part; what follows Done (delivery to the
 * service, the wait for the acknowledgement, the handoff listeners) runs on {@code after}:
 * the executor when the critical part runs on the channel's reader thread, which must never
 * wait for a client, or the same thread when it already runs on the executor.
 */
final class AcceptInit {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptInit.class);

    private final AcceptorSide side;
    private final HandoffCoordinator c;
    private final String donor;
    private final Init init;
    private final PhaseTimer timer;
    private final AcceptorSide.Pending pending;
    private final String key;
    /** Runs what follows the critical part: delivery, confirmation, events. */
    private final Executor after;
    /** The clock's time when the re-created sockets went live (left repair mode), or -1. */
    private long liveAt = -1;
    /** Held until the binding is committed; closed (nothing sent) before any Abort goes out. */
    private NetworkRedirector.Preparation prep;
    /** The service's prepared take-over of each connection; empty where no codec serves its port. */
    private final List<Optional<AppStateCodec.Restore>> restores = new ArrayList<>();
    /** How many of {@link #restores} were used (restore called); the rest are discarded at the end. */
    private int handedOver;

    AcceptInit(AcceptorSide side, String donor, Init init, PhaseTimer timer, AcceptorSide.Pending pending, Executor after) {
        this.after = r -> {
            try {
                after.execute(r);
            } catch (RejectedExecutionException e) {
                r.run(); // the executor is shutting down: finish here rather than lose the client
            }
        };
        this.side = side;
        this.c = side.c;
        this.donor = donor;
        this.init = init;
        this.timer = timer;
        this.pending = pending;
        this.key = AcceptorSide.key(donor, init.handoffId());
    }

    void run() {
        prep = pending == null ? null : pending.preparation();
        try {
            if (!init.logicalAddress().equals(c.group.logicalAddress())) {
                reject(AbortReason.OTHER, "Init for foreign logical address");
                return;
            }
            if (pending != null && pending.prepareFailure() != null) {
                reject(AbortReason.REDIRECT_FAILED, pending.prepareFailure());
                return;
            }
            Optional<ConnectionMigrator> migrator = c.drivers.migrator().filter(ConnectionMigrator::isAvailable);
            Optional<NetworkRedirector> redirector = c.drivers.redirector();
            if (migrator.isEmpty() || redirector.isEmpty()) {
                reject(AbortReason.NOT_AVAILABLE, "migrator or redirector missing");
                return;
            }
            PreparedStates ahead = pending == null ? null : pending.ahead();
            for (int i = 0; i < init.connections().size(); i++) {
                Init.Migrated m = init.connections().get(i);
                int port = m.socketState().local().getPort();
                Optional<AppStateCodec> codec = c.drivers.codecFor(port);
                if (codec.isEmpty()) {
                    restores.add(Optional.empty());
                    continue;
                }
                byte[] appState = m.appState();
                Optional<AppStateCodec.Restore> prepared = ahead == null ? Optional.empty() : ahead.take(i, port, appState);
                if (prepared.isPresent()) {
                    restores.add(prepared); // prepared while the donor drained
                    continue;
                }
                try {
                    restores.add(Optional.of(codec.get().prepareRestore(appState)));
                } catch (MalformedStateException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    reject(AbortReason.SERVICE_REFUSED, "the service cannot continue "
                            + m.socketState().remote() + ": " + e.getMessage());
                    return;
                }
            }
            if (prep == null) {
                // no Prepare (or it expired): return routability runs now instead of in advance
                prep = redirector.get().prepare(init.logicalAddress(), init.client().getAddress());
            }
            if (accept(migrator.get())) {
                prep = null; // used up by the commit
            }
        } catch (MalformedStateException e) {
            reject(AbortReason.MALFORMED_STATE, "app state: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            reject(AbortReason.REDIRECT_FAILED, "prepare: " + e.getMessage());
        } finally {
            closePreparation();
            discardRestores();
            if (pending != null && pending.ahead() != null) {
                pending.ahead().discardRest();
            }
        }
    }

    /** Frees the prepared take-overs the handoff did not reach (nothing was written on them). */
    private void discardRestores() {
        for (int i = handedOver; i < restores.size(); i++) {
            restores.get(i).ifPresent(PreparedStates::discardQuietly);
        }
        handedOver = restores.size();
    }

    /** Abandons the prepared redirection; first on every failure path, so it is gone before the donor hears of it. */
    private void closePreparation() {
        if (prep != null) {
            prep.close();
            prep = null;
        }
    }

    /** @return whether the binding was committed (the preparation is then used up) */
    private boolean accept(ConnectionMigrator migrator) {
        // what the RECREATE phase is made of: the checks since the Init arrived, then the re-creation
        long checks = timer.sinceMark();
        List<RecreatedConnection> recreated = new ArrayList<>();
        for (Init.Migrated m : init.connections()) {
            try {
                recreated.add(migrator.recreate(m.socketState()));
            } catch (MalformedStateException e) {
                closeQuietly(recreated);
                reject(AbortReason.MALFORMED_STATE, "socket state: " + e.getMessage());
                return false;
            } catch (IOException | RuntimeException e) {
                closeQuietly(recreated);
                closePreparation();
                side.abort(donor, init, timer, AbortReason.RECREATE_FAILED, String.valueOf(e.getMessage()), false, 0,
                        HandoffOutcome.ROLLED_BACK, after);
                return false;
            }
        }
        long recreate = timer.end(HandoffPhase.RECREATE);
        if (side.donorGaveUp(key)) {
            closeQuietly(recreated);
            closePreparation();
            side.abort(donor, init, timer, AbortReason.DONOR_CANCELLED, "donor gave up before the binding was sent", false,
                    0, HandoffOutcome.ROLLED_BACK, after);
            return false;
        }
        int attempted = (init.mipv6Sequence() + 1) & 0xFFFF;
        int used;
        NetworkRedirector.Preparation committed = prep;
        try {
            used = prep.commit(attempted, c.config.commitTimeout());
        } catch (IOException | RuntimeException e) {
            closeQuietly(recreated);
            closePreparation();
            // commit may have sent the binding before it failed: the donor takes it back
            side.abort(donor, init, timer, AbortReason.REDIRECT_FAILED, "commit: " + e.getMessage(), true, attempted,
                    HandoffOutcome.ROLLED_BACK, after);
            return false;
        }
        long redirect = timer.end(HandoffPhase.REDIRECT);
        List<SocketChannel> live = new ArrayList<>();
        for (int i = 0; i < recreated.size(); i++) {
            try {
                live.add(recreated.get(i).activate());
            } catch (IOException | RuntimeException e) {
                closeQuietly(recreated.subList(i, recreated.size()));
                silence(live);
                side.abort(donor, init, timer, AbortReason.ACTIVATE_FAILED, "activate: " + e.getMessage(), true, used,
                        HandoffOutcome.ROLLED_BACK, after);
                return true;
            }
        }
        long activate = timer.end(HandoffPhase.ACTIVATE);
        liveAt = timer.endedAt(HandoffPhase.ACTIVATE);
        if (LOG.isDebugEnabled()) {
            LOG.debug("handoff {}: live {} us after the Init arrived (checks {}, re-create {}, binding sent {}, activate {} us)",
                    Long.toUnsignedString(init.handoffId(), 16), (recreate + redirect + activate) / 1000, checks / 1000,
                    (recreate - checks) / 1000, redirect / 1000, activate / 1000);
        }
        c.sequences.update(init.client().getAddress(), used);
        live.forEach(c.connections::track);
        if (!side.finish(key, init, live)) {
            // the donor took the binding back with a newer sequence and resumed: vanish silently
            side.withdraw(donor, "donor gave up while this node activated", init, live, after);
            return true;
        }
        // The service goes on writing now, before the Done and the client's acknowledgement of the
        // binding: its first bytes follow the Binding Update as closely as they can (codecs return
        // once they have taken the connection over and write on their own threads)
        for (int i = 0; i < live.size(); i++) {
            Optional<String> failed = deliver(i, live.get(i));
            if (failed.isEmpty()) {
                continue;
            }
            if (i == 0) {
                // no connection of the batch reached a service yet: the donor can still resume them all
                side.forget(key);
                live.forEach(c.connections::untrack);
                silence(live);
                side.abort(donor, init, timer, AbortReason.SERVICE_REFUSED, "restore: " + failed.get(), true, used,
                        HandoffOutcome.ROLLED_BACK, after);
                return true;
            }
            // earlier connections of the batch are being served here already: end this one visibly
            LOG.error("handoff {}: the service could not take over {} ({}); closing it",
                    Long.toUnsignedString(init.handoffId(), 16), init.connections().get(i).socketState().remote(),
                    failed.get());
            c.connections.untrack(live.get(i));
            try {
                live.get(i).close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", live.get(i), e.toString());
            }
        }
        // the service's take-over counts as activation (sockets live and served), so the donor's
        // TRANSFER, its round trip minus this node's phases, holds no work of this node
        activate += timer.end(HandoffPhase.ACTIVATE);
        try {
            c.transport.send(donor, new Done(init.handoffId(), used, recreate, redirect, activate));
        } catch (IOException e) {
            // the client is here and its binding points here: keep serving; the donor's copy stays frozen
            LOG.warn("handoff {}: Done to {} failed ({}); serving the client here", Long.toUnsignedString(init.handoffId(), 16),
                    donor, e.getMessage());
        }
        after.execute(() -> afterDone(committed));
        return true;
    }

    /** Waits for the client's acknowledgement of the binding, then reports the handoff. */
    private void afterDone(NetworkRedirector.Preparation committed) {
        Optional<String> unconfirmed = Optional.empty();
        try {
            committed.confirm(c.config.commitTimeout());
            // a binding sent again by confirm has a newer sequence: the next handoff counts from it
            committed.confirmedSequence().ifPresent(s -> c.sequences.update(init.client().getAddress(), s));
        } catch (IOException | RuntimeException e) {
            // Nothing to roll back to (the donor has released and the service has written on):
            // the client's traffic does not reach this node until a later binding does.
            unconfirmed = Optional.of("binding not confirmed: " + e.getMessage());
            LOG.error("handoff {}: client {} did not confirm its binding to this node: {}",
                    Long.toUnsignedString(init.handoffId(), 16), init.client(), e.getMessage());
        }
        timer.end(HandoffPhase.CONFIRM);
        c.finished(side.event(donor, init, HandoffOutcome.COMPLETED, timer.phases(), unconfirmed,
                liveAt));
    }

    /** Hands connection {@code i} to its service, or to {@code clientReceive}; @return why the service failed */
    private Optional<String> deliver(int i, SocketChannel ch) {
        Init.Migrated m = init.connections().get(i);
        Optional<AppStateCodec.Restore> restore = restores.get(i);
        handedOver = i + 1;
        if (restore.isPresent()) {
            try {
                restore.get().restore(ch);
            } catch (IOException | RuntimeException e) {
                LOG.warn("handoff {}: the service could not restore its state: {}", Long.toUnsignedString(init.handoffId(), 16),
                        e.toString());
                return Optional.of(String.valueOf(e.getMessage()));
            }
            return Optional.empty();
        }
        c.received.add(new ReceivedClient(init.handoffId(), donor, m.socketState().remote(), ch, m.appState()));
        return Optional.empty();
    }

    /** Activated sockets of a failed batch: the donor resumes them, so these must vanish without a packet. */
    private void silence(List<SocketChannel> live) {
        for (SocketChannel ch : live) {
            try {
                c.drivers.migrator().orElseThrow(() -> new IOException("no ConnectionMigrator")).freeze(ch).release();
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not silence a re-created socket: {}", e.toString());
            }
        }
    }

    private void reject(AbortReason reason, String message) {
        closePreparation();
        side.abort(donor, init, timer, reason, message, false, 0, HandoffOutcome.REJECTED, after);
    }

    private static void closeQuietly(List<RecreatedConnection> list) {
        for (RecreatedConnection r : list) {
            try {
                r.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing re-created socket: {}", e.toString());
            }
        }
    }
}
