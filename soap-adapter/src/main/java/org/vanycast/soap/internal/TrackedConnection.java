package org.vanycast.soap.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.soap.api.RecordedRequest;
import org.vanycast.soap.internal.state.HttpAppState;
import org.vanycast.soap.internal.state.ResponseProgress;
import org.vanycast.soap.internal.state.ResponseWireTracker;

/**
 * Everything Vanycast keeps about one client connection of the HTTP server: the request being
 * served (from the server and the CXF interceptors), the response as it went onto the wire,
 * and the gates that hold the server's reads and writes still while a handoff is prepared.
 *
 * <p>Reads are only held at request boundaries (a request whose body is being read is let
 * through); writes are held before they reach the socket, so what the tracker has seen is
 * exactly what the kernel has been given.
 */
public final class TrackedConnection {
    private static final Logger LOG = LoggerFactory.getLogger(TrackedConnection.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Where the connection stands in a handoff. */
    public enum Handoff { NONE, CAPTURING, CAPTURED, RELEASED }

    private final ConnectionKey key;
    private final ServerSide server;
    private final ResponseWireTracker wire;

    private RecordedRequest request;
    private boolean exchangeActive;
    private boolean requestEnded;
    private boolean participates = true;
    private boolean fault;
    // The request body as the connector parsed it (any servlet, CXF or not), up to the limit.
    private java.io.ByteArrayOutputStream wireBody;
    private boolean wireBodyOverflow;
    private long exchanges;

    private Handoff handoff = Handoff.NONE;
    private boolean writeGate;
    private boolean writing;
    private boolean readDeferred;
    private boolean writeDeferred;

    public TrackedConnection(ConnectionKey key, ServerSide server, int maxResponseHeadBytes) {
        this.key = key;
        this.server = server;
        this.wire = new ResponseWireTracker(maxResponseHeadBytes);
    }

    public ConnectionKey key() {
        return key;
    }

    public boolean hasServerSide() {
        return server != null;
    }

    // ---- server events ----------------------------------------------------------------

    public synchronized void requestBegin(RecordedRequest r, boolean endpointTakesPart) {
        if (handoff == Handoff.CAPTURED) {
            LOG.warn("{}: request began after the connection was captured for handoff", key);
        }
        request = r;
        exchangeActive = true;
        // Jetty reports the end of a body-less request only lazily; it has ended when it began.
        requestEnded = r.bodyComplete();
        wireBody = null;
        wireBodyOverflow = false;
        fault = false;
        participates &= endpointTakesPart;
        exchanges++;
        wire.expectResponseTo(r.method());
        notifyAll();
    }

    /**
     * The connector parsed a chunk of the request body. Kept up to {@code limit} bytes, so that
     * requests are replayable even where the CXF feature does not run (a bus that is not an
     * OSGi service, a plain servlet); the chunk itself is not consumed.
     */
    public synchronized void requestContent(ByteBuffer chunk, int limit) {
        if (request == null || !exchangeActive || wireBodyOverflow || request.bodyComplete()) {
            return;
        }
        int n = chunk.remaining();
        if (wireBody == null) {
            wireBody = new java.io.ByteArrayOutputStream(Math.min(limit, Math.max(n, 256)));
        }
        if (wireBody.size() + n > limit) {
            wireBodyOverflow = true;
            wireBody = null;
            return;
        }
        byte[] b = new byte[n];
        chunk.duplicate().get(b);
        wireBody.write(b, 0, n);
    }

    /** The connector parsed the whole request body: record it, unless it overflowed. */
    public synchronized void requestContentEnd() {
        if (request != null && exchangeActive && !wireBodyOverflow && !request.bodyComplete()) {
            requestBody(wireBody == null ? new byte[0] : wireBody.toByteArray(), true);
        }
        wireBody = null;
    }

    /** The CXF interceptor recorded the body it tee'd off the request stream. */
    public synchronized void requestBody(byte[] body, boolean complete) {
        if (request != null && exchangeActive) {
            request = new RecordedRequest(request.method(), request.target(), request.headers(), body, complete);
            requestEnded |= complete;
            notifyAll();
        }
    }

    /** The response to the current request is a fault: never regenerated on another node. */
    public synchronized void faulted() {
        fault = true;
    }

    public synchronized void endpointTakesPart(boolean takesPart) {
        participates &= takesPart;
    }

    public synchronized void requestEnd() {
        requestEnded = true;
        notifyAll();
    }

    public synchronized void exchangeComplete() {
        exchangeActive = false;
        requestEnded = true;
        notifyAll();
    }

    /**
     * Reads are let through unless a handoff waits for a request boundary (a request being read
     * is read to its end) or holds the connection (never: the socket belongs to the migrator).
     */
    public synchronized boolean mayRead() {
        return switch (handoff) {
            case NONE -> true;
            case CAPTURING -> (exchangeActive && !requestEnded)
                    || (!exchangeActive && server != null && !server.parserAtStart());
            case CAPTURED, RELEASED -> false;
        };
    }

    /** @return true when the server's wish to read is held back (re-armed on rollback) */
    public synchronized boolean deferReadInterest() {
        if (mayRead()) {
            return false;
        }
        readDeferred = true;
        notifyAll();
        return true;
    }

    /**
     * Called by the server's writer before bytes go to the socket. While a handoff holds the
     * connection the write is refused (the server sees a full socket and waits for
     * {@link #deferWriteInterest}); never blocks a server thread.
     *
     * @return false when the write must wait (also for good, once the connection was handed off)
     */
    public synchronized boolean tryBeginWrite() throws IOException {
        // Released: still held, never failed here — a failed write makes Jetty close the
        // socket at once, while the migrator keeps it (silent) for its release grace.
        if (writeGate || handoff == Handoff.RELEASED) {
            return false;
        }
        writing = true;
        return true;
    }

    /** @return true when the server's wish to write is held back (re-armed on rollback) */
    public synchronized boolean deferWriteInterest() {
        if (!writeGate) {
            return false;
        }
        writeDeferred = true;
        return true;
    }

    /** The bytes between each buffer's old position and its new one were accepted by the socket. */
    public synchronized void afterWrite(ByteBuffer[] before, ByteBuffer[] after) {
        for (int i = 0; i < before.length; i++) {
            ByteBuffer written = before[i];
            written.limit(after[i].position());
            wire.written(written);
        }
        writing = false;
        notifyAll();
    }

    // ---- handoff ----------------------------------------------------------------------

    /**
     * Holds the connection at a point where another node can continue it and describes that
     * point; waits at most {@code timeoutNanos}. Empty when no such point came in time (the
     * connection is then served on as if nothing happened).
     *
     * @param resolver name of the {@code ResumableResponse} covering a request, or null
     */
    public synchronized Optional<HttpAppState> capture(long timeoutNanos, boolean midResponse,
            Function<RecordedRequest, String> resolver) {
        if (handoff != Handoff.NONE) {
            LOG.debug("{}: a handoff is already {}", key, handoff);
            return Optional.empty();
        }
        if (server == null || !participates) {
            LOG.debug("{}: not handed off ({})", key, server == null ? "not on a Vanycast connector" : "endpoint does not take part");
            return Optional.empty();
        }
        handoff = Handoff.CAPTURING;
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (true) {
                if (wire.isBroken()) {
                    LOG.debug("{}: response output not followed ({}); not handed off", key, wire.brokenReason());
                    return abandonCapture();
                }
                if (!exchangeActive && !writing && wire.atMessageBoundary() && server.parserAtStart()
                        && server.inputBuffered() == 0) {
                    return captured(HttpAppState.idle(new byte[0]));
                }
                if (exchangeActive && midResponse && requestEnded && !fault && request != null && request.bodyComplete()) {
                    String name = resolver.apply(request);
                    if (name != null) {
                        writeGate = true;
                        while (writing && System.nanoTime() < deadline) {
                            waitNanos(deadline);
                        }
                        if (!writing) {
                            if (wire.atMessageBoundary()) {
                                return captured(HttpAppState.replay(new byte[0], request, name));
                            }
                            ResponseProgress p = wire.progress();
                            if (p != null) {
                                return captured(HttpAppState.resume(new byte[0], request, name, p));
                            }
                        }
                        // Caught mid-header or mid-chunk-line: let the writer go on and look again.
                        writeGate = false;
                        if (writeDeferred) {
                            writeDeferred = false;
                            server.resumeWriting();
                        }
                        notifyAll();
                    }
                }
                if (System.nanoTime() >= deadline) {
                    LOG.debug("{}: no handoff point within the timeout (exchange {}, request ended {}, fault {}, {}, {})",
                            key, exchangeActive, requestEnded, fault, request, wire);
                    return abandonCapture();
                }
                waitNanos(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return abandonCapture();
        }
    }

    private void waitNanos(long deadline) throws InterruptedException {
        long left = Math.min(deadline - System.nanoTime(), POLL_NANOS);
        if (left > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private Optional<HttpAppState> captured(HttpAppState state) {
        handoff = Handoff.CAPTURED;
        writeGate = true;
        server.detach();
        LOG.debug("{}: captured {}", key, state);
        return Optional.of(state);
    }

    private Optional<HttpAppState> abandonCapture() {
        rollback();
        return Optional.empty();
    }

    /** The handoff was rolled back: serve on from where the connection stopped. */
    public void rollback() {
        boolean rearmRead;
        boolean rearmWrite;
        synchronized (this) {
            if (handoff == Handoff.CAPTURED && server != null) {
                server.reattach();
            }
            handoff = Handoff.NONE;
            writeGate = false;
            rearmRead = readDeferred;
            rearmWrite = writeDeferred;
            readDeferred = false;
            writeDeferred = false;
            notifyAll();
        }
        if (server != null) {
            if (rearmWrite) {
                server.resumeWriting();
            }
            if (rearmRead) {
                server.resumeReading();
            }
        }
    }

    /**
     * The handoff committed and the migrator released the socket: the server forgets the
     * connection after {@code forgetDelayNanos}, holding it silent until then.
     */
    public void released(long forgetDelayNanos) {
        synchronized (this) {
            handoff = Handoff.RELEASED;
            notifyAll();
        }
        if (server != null) {
            server.abandon(forgetDelayNanos);
        }
    }

    public synchronized Handoff handoff() {
        return handoff;
    }

    /** Where the current response stands on the wire (diagnostics); null when not inside a body. */
    public synchronized ResponseProgress responseProgress() {
        return wire.progress();
    }

    public synchronized long exchanges() {
        return exchanges;
    }

    public synchronized RecordedRequest currentRequest() {
        return request;
    }

    @Override
    public synchronized String toString() {
        return "TrackedConnection[" + key + ", " + handoff + ", " + wire + ']';
    }
}
