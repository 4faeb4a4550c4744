package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
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
import org.vanycast.core.internal.wire.Abort;
import org.vanycast.core.internal.wire.AbortReason;
import org.vanycast.core.internal.wire.Done;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.internal.wire.Prepare;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.ConnectionMigrator.FrozenConnection;
import org.vanycast.core.spi.NetworkRedirector;
import org.vanycast.core.spi.SocketState;

/**
 * The donor's side of one handoff (paper Figures 8, 10, 13b):
 * Prepare → drain → freeze/extract → Init → wait for Done → release. Any failure rolls back
 * so the donor serves the client again: the socket is resumed and, when the acceptor may
 * already have moved the binding, the donor takes it back with a higher sequence number.
 */
final class DonorHandoff {
    private final HandoffCoordinator c;
    private final long id;
    private final SocketChannel connection;
    private final String acceptor;
    private final byte[] appState;
    private final InetSocketAddress client;
    private final PhaseTimer timer;
    private final CompletableFuture<NodeMessage> reply = new CompletableFuture<>();
    private int socketStateBytes;

    DonorHandoff(HandoffCoordinator c, long id, SocketChannel connection, InetSocketAddress client, String acceptor,
            byte[] appState) {
        this.c = c;
        this.id = id;
        this.connection = connection;
        this.client = client;
        this.acceptor = acceptor;
        this.appState = appState.clone();
        this.timer = new PhaseTimer(c.clock);
    }

    long id() {
        return id;
    }

    boolean acceptorIs(String peer) {
        return acceptor.equals(peer);
    }

    /** Completes the wait for the acceptor's answer; false when it is not awaited (late or duplicate). */
    boolean answer(NodeMessage m) {
        return reply.complete(m);
    }

    HandoffEvent run() throws HandoffFailedException {
        ConnectionMigrator migrator = c.drivers.migrator()
                .orElseThrow(() -> fail(Reason.NOT_AVAILABLE, "no ConnectionMigrator service", connection, null));
        Optional<String> cause = migrator.unavailabilityCause();
        if (cause.isPresent()) {
            throw fail(Reason.NOT_AVAILABLE, "connection migration unavailable: " + cause.get(), connection, null);
        }
        try {
            c.transport.send(acceptor, new Prepare(id, c.group.logicalAddress(), client, c.config.initTimeout().toMillis()));
        } catch (IOException e) {
            throw fail(Reason.PREPARE_FAILED, e.getMessage(), connection, e);
        }
        timer.end(HandoffPhase.PREPARE);
        try {
            migrator.drain(connection, c.config.drainTimeout());
        } catch (IOException e) {
            abortQuietly(AbortReason.DONOR_CANCELLED, "drain failed");
            throw fail(Reason.DRAIN_FAILED, e.getMessage(), connection, e);
        }
        timer.end(HandoffPhase.DRAIN);

        FrozenConnection frozen;
        try {
            frozen = migrator.freeze(connection);
        } catch (IOException e) {
            // freeze is all-or-nothing per the SPI: the channel is untouched
            abortQuietly(AbortReason.DONOR_CANCELLED, "freeze failed");
            throw fail(Reason.FREEZE_FAILED, e.getMessage(), connection, e);
        }
        SocketState state;
        try {
            state = frozen.extract();
        } catch (IOException e) {
            abortQuietly(AbortReason.DONOR_CANCELLED, "extract failed");
            throw rollback(frozen, Reason.FREEZE_FAILED, "extract: " + e.getMessage(), e, false, 0);
        }
        socketStateBytes = state.size();
        timer.end(HandoffPhase.EXTRACT);

        int sequence = c.sequences.current(client.getAddress());
        Init init = new Init(id, c.nonce(), c.clock.currentTimeMillis(), sequence, c.group.logicalAddress(), state, appState);
        c.awaiting.put(id, this);
        NodeMessage answer;
        try {
            // sent from another thread: a stalled acceptor can block a large write, and the
            // Done timeout must still end this handoff
            c.executor().execute(() -> {
                try {
                    c.transport.send(acceptor, init);
                } catch (IOException | RuntimeException e) {
                    reply.completeExceptionally(e);
                }
            });
            answer = awaitAnswer();
        } catch (IOException e) {
            throw rollback(frozen, Reason.SEND_FAILED, e.getMessage(), e, false, 0);
        } catch (TimeoutException e) {
            c.transport.disconnect(acceptor); // unblocks a writer stuck on the stalled link
            abortQuietly(AbortReason.TIMEOUT, "no Done within " + c.config.doneTimeout().toMillis() + " ms");
            // the acceptor may have sent its binding (sequence + 1) before it went silent
            throw rollback(frozen, Reason.DONE_TIMEOUT, "no Done from " + acceptor + " within "
                    + c.config.doneTimeout().toMillis() + " ms", null, true, (sequence + 1) & 0xFFFF);
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

    private NodeMessage awaitAnswer() throws TimeoutException, IOException {
        try {
            return reply.get(c.config.doneTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private HandoffEvent complete(FrozenConnection frozen, Done done) {
        long roundTrip = timer.sinceMark();
        timer.put(HandoffPhase.TRANSFER, roundTrip - done.acceptorNanos());
        timer.put(HandoffPhase.RECREATE, done.recreateNanos());
        timer.put(HandoffPhase.REDIRECT, done.redirectNanos());
        timer.put(HandoffPhase.ACTIVATE, done.activateNanos());
        timer.restart();
        c.sequences.update(client.getAddress(), done.sequenceUsed());
        c.connections.untrack(connection);
        Optional<String> failure = Optional.empty();
        try {
            frozen.release();
        } catch (IOException e) {
            // the acceptor serves the client; a frozen copy we could not close only leaks a descriptor
            failure = Optional.of("release: " + e.getMessage());
        }
        timer.end(HandoffPhase.RELEASE);
        return event(HandoffOutcome.COMPLETED, failure);
    }

    private HandoffFailedException rollback(FrozenConnection frozen, Reason reason, String message, Throwable cause,
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
                }
            } catch (IOException e) {
                why.append("; taking the binding back failed: ").append(e.getMessage());
            }
        }
        SocketChannel resumed = null;
        try {
            resumed = frozen.resume();
        } catch (IOException e) {
            why.append("; resume failed: ").append(e.getMessage());
            c.connections.untrack(connection);
        }
        if (resumed != null && resumed != connection) {
            c.connections.untrack(connection);
            c.connections.track(resumed);
        }
        return fail(reason, why.toString(), resumed, cause);
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

    private HandoffFailedException fail(Reason reason, String message, SocketChannel keep, Throwable cause) {
        HandoffEvent e = event(HandoffOutcome.ROLLED_BACK, Optional.of(reason + ": " + message));
        return new HandoffFailedException(reason, message, keep, e, cause);
    }

    private HandoffEvent event(HandoffOutcome outcome, Optional<String> failure) {
        return new HandoffEvent(id, HandoffRole.DONOR, c.self, acceptor, client, outcome, timer.phases(),
                socketStateBytes, appState.length, failure);
    }
}
