package org.vanycast.soap.internal;

import java.io.IOException;
import java.util.Optional;
import org.vanycast.soap.internal.state.Framing;
import org.vanycast.soap.internal.state.HttpAppState;

/**
 * A response this node continues after a handoff, which can itself be handed on before it
 * ends (a download passed node1 → node2 → node3): between two socket writes the writer
 * stops when asked, the state then describes exactly the body bytes sent so far, and the
 * writer either goes on (rollback) or leaves the connection alone (released to the next
 * node). Only Content-Length and until-close bodies can move mid-continuation.
 */
final class MovableContinuation implements ResponseContinuation.Gate {
    private enum Mode { RUN, PAUSE_REQUESTED, PAUSED, RELEASED }

    /** Thrown to the writer when the connection went to another node: stop without touching it. */
    static final class Released extends IOException {
        Released() {
            super("connection handed to another node");
        }
    }

    private final HttpAppState state;
    private long written;
    private Mode mode = Mode.RUN;

    MovableContinuation(HttpAppState state) {
        this.state = state;
    }

    static boolean movable(HttpAppState s) {
        Framing f = s.progress().framing();
        return f == Framing.LENGTH || f == Framing.UNTIL_CLOSE;
    }

    @Override
    public synchronized void afterWrite(long bodyBytes) throws IOException {
        written += bodyBytes;
        if (mode == Mode.PAUSE_REQUESTED) {
            mode = Mode.PAUSED;
            notifyAll();
        }
        while (mode == Mode.PAUSED) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while held for a handoff", e);
            }
        }
        if (mode == Mode.RELEASED) {
            throw new Released();
        }
    }

    /**
     * Holds the writer at its next write boundary and describes the connection there; empty
     * when the writer did not reach one within {@code timeoutNanos} (it then goes on).
     */
    synchronized Optional<HttpAppState> pause(long timeoutNanos) {
        if (mode != Mode.RUN) {
            return Optional.empty();
        }
        mode = Mode.PAUSE_REQUESTED;
        long deadline = System.nanoTime() + timeoutNanos;
        while (mode == Mode.PAUSE_REQUESTED) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                mode = Mode.RUN;
                return Optional.empty();
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                mode = Mode.RUN;
                return Optional.empty();
            }
        }
        return Optional.of(state.advancedBy(written));
    }

    /** Whether a capture is waiting for the writer (for tests that order the two threads). */
    synchronized boolean pauseRequested() {
        return mode == Mode.PAUSE_REQUESTED;
    }

    /** Rollback: the writer goes on. */
    synchronized void resume() {
        mode = Mode.RUN;
        notifyAll();
    }

    /** The connection now lives on another node. */
    synchronized void release() {
        mode = Mode.RELEASED;
        notifyAll();
    }
}
