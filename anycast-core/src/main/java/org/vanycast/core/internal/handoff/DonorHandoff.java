package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffFailedException;
import org.vanycast.core.api.HandoffFailedException.Reason;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.api.HandoffPhase;
import org.vanycast.core.api.HandoffRole;
import org.vanycast.core.internal.channel.WriteTimeoutException;
import org.vanycast.core.internal.wire.Abort;
import org.vanycast.core.internal.wire.AbortReason;
import org.vanycast.core.internal.wire.Done;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.internal.wire.Prepare;
import org.vanycast.core.internal.wire.StateAhead;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.ConnectionMigrator.FrozenConnection;
import org.vanycast.core.spi.NetworkRedirector;

/**
 * The donor's side of one handoff (paper Figures 8, 10, 13b):
 * Prepare → drain → freeze/extract → Init → wait for Done → release, for one connection or
 * for all connections of a client together (a binding moves them all, paper §6.2). Any
 * failure rolls back so the donor serves the client again: every socket is resumed and, when
 * the acceptor may already have moved the binding, the donor takes it back with a higher
 * sequence number.
 */
final class DonorHandoff {
    /** One connection to move and the application state that goes with it. */
    record Outgoing(SocketChannel channel, byte[] appState) {
    }

    private final HandoffCoordinator c;
    private final long id;
    private final List<Outgoing> outgoing;
    private final String acceptor;
    private final InetSocketAddress client;
    private final PhaseTimer timer;
    private final CompletableFuture<NodeMessage> reply = new CompletableFuture<>();
    private final SocketChannel[] resumed;
    private int socketStateBytes;
    /** While this handoff's thread writes Init. */
    private volatile boolean sendingInit;

    DonorHandoff(HandoffCoordinator c, long id, List<Outgoing> outgoing, InetSocketAddress client, String acceptor) {
        this.c = c;
        this.id = id;
        this.outgoing = List.copyOf(outgoing);
        this.client = client;
        this.acceptor = acceptor;
        this.timer = new PhaseTimer(c.clock);
        this.resumed = outgoing.stream().map(Outgoing::channel).toArray(SocketChannel[]::new);
    }

    long id() {
        return id;
    }

    boolean acceptorIs(String peer) {
        return acceptor.equals(peer);
    }

    String acceptor() {
        return acceptor;
    }

    /** After a failure: the channel serving each connection now (null where resume failed). */
    List<SocketChannel> servingChannels() {
        return Arrays.asList(resumed.clone());
    }

    /**
     * The acceptor left the group view (killed, hung or cut off) while this handoff awaited its
     * Done: roll back now, as on the Done timeout, instead of keeping the client frozen until then.
     */
    void acceptorLeft() {
        reply.completeExceptionally(new AcceptorLeft(acceptor));
        if (sendingInit) {
            c.transport.disconnect(acceptor); // fails a write stuck on the link to the gone node now
        }
    }

    /** A Done that will not come: treated like the Done timeout, only sooner. */
    static final class AcceptorLeft extends TimeoutException {
        private static final long serialVersionUID = 1L;

        AcceptorLeft(String acceptor) {
            super(acceptor + " left the group before its Done");
        }
    }

    /** Writing Init took the whole Done timeout: the acceptor stopped reading. */
    static final class InitNotWritten extends TimeoutException {
        private static final long serialVersionUID = 1L;

        InitNotWritten(String message) {
            super(message);
        }
    }

    /** Completes the wait for the acceptor's answer; false when it is not awaited (late or duplicate). */
    boolean answer(NodeMessage m) {
        return reply.complete(m);
    }

    HandoffEvent run() throws HandoffFailedException {
        ConnectionMigrator migrator = c.drivers.migrator()
                .orElseThrow(() -> fail(Reason.NOT_AVAILABLE, "no ConnectionMigrator service", null));
        Optional<String> cause = migrator.unavailabilityCause();
        if (cause.isPresent()) {
            throw fail(Reason.NOT_AVAILABLE, "connection migration unavailable: " + cause.get(), null);
        }
        try {
            c.transport.send(acceptor, new Prepare(id, c.group.logicalAddress(), client, c.config.initTimeout().toMillis()));
        } catch (IOException e) {
            throw fail(Reason.PREPARE_FAILED, e.getMessage(), e);
        }
        try {
            Optional<StateAhead> ahead = stateAhead();
            if (ahead.isPresent()) {
                c.transport.send(acceptor, ahead.get());
            }
        } catch (IOException e) {
            abortQuietly(AbortReason.DONOR_CANCELLED, "sending the state ahead failed");
            throw fail(Reason.PREPARE_FAILED, "state ahead: " + e.getMessage(), e);
        }
        timer.end(HandoffPhase.PREPARE);
        // drawn now, off the critical part that follows the drain (the Init's timestamp is taken there)
        byte[] nonce = c.nonce();
        try {
            // one deadline for the whole batch: a leave moving N connections of one client waits
            // at most one drain timeout, not N of them (connections already drained cost one poll)
            long deadline = c.clock.nanoTime() + c.config.drainTimeout().toNanos();
            for (Outgoing o : outgoing) {
                migrator.drain(o.channel(), Duration.ofNanos(Math.max(0, deadline - c.clock.nanoTime())));
            }
        } catch (IOException e) {
            abortQuietly(AbortReason.DONOR_CANCELLED, "drain failed");
            throw fail(Reason.DRAIN_FAILED, e.getMessage(), e);
        }
        timer.end(HandoffPhase.DRAIN);

        List<FrozenConnection> frozen = new ArrayList<>();
        List<Init.Migrated> states = new ArrayList<>();
        try {
            for (Outgoing o : outgoing) {
                // freeze is all-or-nothing per connection: a failed one is untouched
                frozen.add(migrator.freeze(o.channel()));
            }
        } catch (IOException e) {
            abortQuietly(AbortReason.DONOR_CANCELLED, "freeze failed");
            throw rollback(frozen, Reason.FREEZE_FAILED, e.getMessage(), e, false, 0);
        }
        try {
            for (int i = 0; i < frozen.size(); i++) {
                states.add(new Init.Migrated(frozen.get(i).extract(), outgoing.get(i).appState()));
            }
        } catch (IOException e) {
            abortQuietly(AbortReason.DONOR_CANCELLED, "extract failed");
            throw rollback(frozen, Reason.FREEZE_FAILED, "extract: " + e.getMessage(), e, false, 0);
        }
        socketStateBytes = states.stream().mapToInt(m -> m.socketState().size()).sum();
        timer.end(HandoffPhase.EXTRACT);

        int sequence = c.sequences.current(client.getAddress());
        Init init = new Init(id, nonce, c.clock.currentTimeMillis(), sequence, c.group.logicalAddress(), states);
        c.awaiting.put(id, this);
        NodeMessage answer;
        try {
            answer = sendInitAndAwaitAnswer(init);
        } catch (IOException e) {
            throw rollback(frozen, Reason.SEND_FAILED, e.getMessage(), e, false, 0);
        } catch (TimeoutException e) {
            c.transport.disconnect(acceptor); // a silent acceptor's link: the next handoff reconnects
            abortQuietly(AbortReason.TIMEOUT, "no Done within " + c.config.doneTimeout().toMillis() + " ms");
            // the acceptor may have sent its binding (sequence + 1) before it went silent
            String why = e instanceof AcceptorLeft ? e.getMessage()
                    : "no Done from " + acceptor + " within " + c.config.doneTimeout().toMillis() + " ms"
                            + (e instanceof InitNotWritten ? " (" + e.getMessage() + ")" : "");
            throw rollback(frozen, Reason.DONE_TIMEOUT, why, null, true, (sequence + 1) & 0xFFFF);
        } finally {
            c.awaiting.remove(id, this);
        }
        if (answer instanceof Done done) {
            return complete(frozen, done);
        }
        Abort abort = (Abort) answer;
        throw rollback(frozen, Reason.ACCEPTOR_ABORTED, abort.reason() + ": " + abort.message(), null,
                abort.bindingMoved(), abort.sequenceUsed());
    }

    /**
     * The application states to send right after Prepare, so the acceptor's service prepares its
     * take-over during the drain: only when there is some and it is small enough to send twice
     * (the Init carries it again and stays authoritative).
     */
    private Optional<StateAhead> stateAhead() throws IOException {
        long total = 0;
        List<StateAhead.Entry> states = new ArrayList<>();
        for (Outgoing o : outgoing) {
            total += o.appState().length;
            if (!(o.channel().getLocalAddress() instanceof InetSocketAddress local)) {
                return Optional.empty();
            }
            states.add(new StateAhead.Entry(local.getPort(), o.appState()));
        }
        if (total == 0 || total > StateAhead.MAX_TOTAL_BYTES) {
            return Optional.empty();
        }
        return Optional.of(new StateAhead(id, states));
    }

    /**
     * Sends Init on this thread (no hand-off to another one on the critical path) and waits for
     * the answer; the Done timeout counts from the start of the send. A stalled acceptor that
     * blocks a large write cannot hold this handoff beyond it: the write's deadline is the Done
     * timeout, and a write cut off there ends the handoff as the Done timeout does (the acceptor
     * may have received all of it just as the deadline fired).
     */
    private NodeMessage sendInitAndAwaitAnswer(Init init) throws TimeoutException, IOException {
        long start = System.nanoTime();
        long doneTimeout = c.config.doneTimeout().toNanos();
        sendingInit = true;
        try {
            if (reply.isDone()) {
                return awaitAnswer(0); // the acceptor left before Init went out
            }
            c.transport.send(acceptor, init, c.config.doneTimeout());
        } catch (WriteTimeoutException e) {
            if (reply.isCompletedExceptionally()) {
                awaitAnswer(0); // throws AcceptorLeft: the write was cut because of it
            }
            throw new InitNotWritten(e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (reply.isCompletedExceptionally()) {
                awaitAnswer(0);
            }
            throw e instanceof IOException io ? io : new IOException("sending Init: " + e, e);
        } finally {
            sendingInit = false;
        }
        return awaitAnswer(Math.max(0, doneTimeout - (System.nanoTime() - start)));
    }

    private NodeMessage awaitAnswer(long timeoutNanos) throws TimeoutException, IOException {
        try {
            return reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AcceptorLeft left) {
                throw left;
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private HandoffEvent complete(List<FrozenConnection> frozen, Done done) {
        long roundTrip = timer.sinceMark();
        timer.put(HandoffPhase.TRANSFER, roundTrip - done.acceptorNanos());
        timer.put(HandoffPhase.RECREATE, done.recreateNanos());
        timer.put(HandoffPhase.REDIRECT, done.redirectNanos());
        timer.put(HandoffPhase.ACTIVATE, done.activateNanos());
        timer.restart();
        c.sequences.update(client.getAddress(), done.sequenceUsed());
        outgoing.forEach(o -> c.connections.untrack(o.channel()));
        Optional<String> failure = Optional.empty();
        for (FrozenConnection f : frozen) {
            try {
                f.release();
            } catch (IOException e) {
                // the acceptor serves the client; a frozen copy we could not close only leaks a descriptor
                failure = Optional.of("release: " + e.getMessage());
            }
        }
        timer.end(HandoffPhase.RELEASE);
        return event(HandoffOutcome.COMPLETED, failure);
    }

    private HandoffFailedException rollback(List<FrozenConnection> frozen, Reason reason, String message, Throwable cause,
            boolean bindingMaybeMoved, int acceptorSequence) {
        StringBuilder why = new StringBuilder(message);
        if (bindingMaybeMoved) {
            Optional<NetworkRedirector> redirector = c.drivers.redirector();
            try {
                if (redirector.isEmpty()) {
                    throw new IOException("no NetworkRedirector service");
                }
                int seq = (acceptorSequence + 1) & 0xFFFF;
                try (NetworkRedirector.Preparation p = redirector.get().prepare(c.group.logicalAddress(), client.getAddress())) {
                    c.sequences.update(client.getAddress(), p.commit(seq, c.config.commitTimeout()));
                    // resumed only once the client took it: it may have another node's binding
                    p.confirm(c.config.commitTimeout());
                    p.confirmedSequence().ifPresent(s -> c.sequences.update(client.getAddress(), s));
                }
            } catch (IOException e) {
                why.append("; taking the binding back failed: ").append(e.getMessage());
            }
        }
        for (int i = 0; i < frozen.size(); i++) {
            SocketChannel original = outgoing.get(i).channel();
            try {
                resumed[i] = frozen.get(i).resume();
            } catch (IOException e) {
                why.append("; resume failed: ").append(e.getMessage());
                resumed[i] = null;
            }
            if (resumed[i] != original) {
                c.connections.untrack(original);
                if (resumed[i] != null) {
                    c.connections.track(resumed[i]);
                }
            }
        }
        return fail(reason, why.toString(), cause);
    }

    /** Best effort and asynchronous: rollback never waits for an acceptor that may be gone. */
    private void abortQuietly(AbortReason reason, String message) {
        Abort abort = new Abort(id, reason, false, 0, message);
        c.executor().execute(() -> {
            try {
                c.transport.send(acceptor, abort);
            } catch (IOException | RuntimeException e) {
                // the acceptor's Prepare expires on its own
            }
        });
    }

    private HandoffFailedException fail(Reason reason, String message, Throwable cause) {
        HandoffEvent e = event(HandoffOutcome.ROLLED_BACK, Optional.of(reason + ": " + message));
        return new HandoffFailedException(reason, message, resumed[0], e, cause);
    }

    private HandoffEvent event(HandoffOutcome outcome, Optional<String> failure) {
        int appBytes = outgoing.stream().mapToInt(o -> o.appState().length).sum();
        // the freeze begins where the drain ends (only when the freeze was reached)
        long freezeAt = timer.endedAt(HandoffPhase.EXTRACT) < 0 ? -1 : timer.endedAt(HandoffPhase.DRAIN);
        return new HandoffEvent(id, HandoffRole.DONOR, c.self, acceptor, client, outgoing.size(), outcome, timer.phases(),
                socketStateBytes, appBytes, failure, freezeAt, -1);
    }
}
