package org.vanycast.soap.internal;

import org.vanycast.soap.spi.AdoptionTarget;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.soap.api.HandoffSettings;
import org.vanycast.soap.api.ResumableResponse;
import org.vanycast.soap.internal.state.HttpAppState;
import org.vanycast.soap.internal.state.Framing;
import org.vanycast.soap.internal.state.HttpStateFormat;
import org.vanycast.soap.internal.state.ResponseProgress;

/**
 * {@link AppStateCodec} for HTTP/1.1 connections served by a Vanycast connector (SOAP over
 * HTTP included): the donor holds the connection at a point where it can move and describes
 * it; the acceptor continues the response in progress, if any, and gives the connection to
 * its own HTTP server for the next request.
 */
public final class HttpAppStateCodec implements AppStateCodec {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAppStateCodec.class);

    private final DefaultSoapHandoff handoff;
    private final Map<SocketChannel, TrackedConnection> held = new ConcurrentHashMap<>();
    // Responses continued here after a handoff, by connection; and those held for the next one.
    private final Map<SocketChannel, MovableContinuation> continuing = new ConcurrentHashMap<>();
    private final Map<SocketChannel, MovableContinuation> heldContinuations = new ConcurrentHashMap<>();

    HttpAppStateCodec(DefaultSoapHandoff handoff) {
        this.handoff = handoff;
    }

    @Override
    public boolean handles(int localPort) {
        return handoff.settings().handlesPort(localPort);
    }

    @Override
    public Optional<byte[]> capture(SocketChannel connection, Duration timeout) throws IOException {
        HandoffSettings s = handoff.settings();
        MovableContinuation m = continuing.get(connection);
        if (m != null) {
            Duration bound = timeout.compareTo(s.captureTimeout()) < 0 ? timeout : s.captureTimeout();
            Optional<byte[]> state = m.pause(bound.toNanos()).map(HttpStateFormat::encode);
            state.ifPresent(x -> heldContinuations.put(connection, m));
            return state;
        }
        TrackedConnection c = handoff.registry().get(ConnectionKey.of(connection));
        if (c == null) {
            LOG.debug("{}: not a connection of a Vanycast HTTP connector", connection);
            return Optional.empty();
        }
        Duration bound = timeout.compareTo(s.captureTimeout()) < 0 ? timeout : s.captureTimeout();
        Optional<byte[]> state = c.capture(bound.toNanos(), s.midResponse(), handoff::resolve)
                .map(HttpStateFormat::encode);
        if (state.isPresent()) {
            held.put(connection, c);
        }
        return state;
    }

    /** The held connection, found by the channel object first: after release it is closed and has no address. */
    private TrackedConnection heldConnection(SocketChannel connection) throws IOException {
        TrackedConnection c = held.remove(connection);
        return c != null ? c : handoff.registry().get(ConnectionKey.of(connection));
    }

    @Override
    public void resumeLocally(SocketChannel connection, byte[] state) throws IOException {
        MovableContinuation m = heldContinuations.remove(connection);
        if (m != null) {
            m.resume();
            return;
        }
        TrackedConnection c = heldConnection(connection);
        if (c == null) {
            throw new IOException("no held connection " + connection + " to resume");
        }
        c.rollback();
    }

    @Override
    public void released(SocketChannel connection) throws IOException {
        MovableContinuation m = heldContinuations.remove(connection);
        if (m != null) {
            m.release();
            return;
        }
        TrackedConnection c = heldConnection(connection);
        if (c != null) {
            c.released(handoff.settings().forgetDelay().toNanos());
        }
    }

    @Override
    public void validate(byte[] state) throws MalformedStateException {
        check(HttpStateFormat.decode(incoming(state)));
    }

    /**
     * Fault injection for acceptance tests through real node containers (which have no other
     * way in): with the node's system property {@value #CORRUPT_INCOMING} set to {@code true},
     * every incoming state record has one byte flipped before it is decoded, as if it had been
     * damaged on the way, so that the real decoder rejects it and the handoff rolls back.
     */
    static final String CORRUPT_INCOMING = "vanycast.soap.fault.corruptIncomingState";

    private static byte[] incoming(byte[] state) {
        if (!Boolean.getBoolean(CORRUPT_INCOMING) || state == null || state.length == 0) {
            return state;
        }
        byte[] damaged = state.clone();
        damaged[damaged.length / 2] ^= 0x5a;
        LOG.warn("{} is set: incoming application state damaged on purpose", CORRUPT_INCOMING);
        return damaged;
    }

    private HttpAppState check(HttpAppState s) throws MalformedStateException {
        if (s.kind() != HttpAppState.Kind.IDLE && handoff.resumable(s.resumable()) == null) {
            throw new MalformedStateException("no resumable response '" + s.resumable() + "' on this node", 0);
        }
        return s;
    }

    @Override
    public void restore(SocketChannel connection, byte[] state) throws IOException {
        restoreAsync(connection, state);
    }

    /**
     * Restores and returns once the connection is taken over; the returned future completes
     * when a response in progress has been continued to its end and the connection handed to
     * the HTTP server (or closed, when the response closes it).
     */
    public CompletableFuture<Void> restoreAsync(SocketChannel connection, byte[] state) throws IOException {
        return prepare(state).takeOver(connection);
    }

    /**
     * Decodes the state once and opens the rest of a response in progress, so that a missing
     * document refuses the handoff before the acceptor acts (the donor resumes the client).
     */
    @Override
    public Restore prepareRestore(byte[] state) throws IOException {
        return prepare(state);
    }

    private PreparedTakeOver prepare(byte[] state) throws IOException {
        HttpAppState s = check(HttpStateFormat.decode(incoming(state)));
        if (s.kind() != HttpAppState.Kind.CONTINUE) {
            return new PreparedTakeOver(s, null, EMPTY);
        }
        ResumableResponse r = handoff.resumable(s.resumable());
        InputStream rest = r.openBody(s.request(), s.progress().bodySent());
        if (!MovableContinuation.movable(s)) {
            return new PreparedTakeOver(s, rest, EMPTY);
        }
        try {
            return new PreparedTakeOver(s, rest, readHead(rest, s.progress()));
        } catch (IOException | RuntimeException e) {
            closeQuietly(rest);
            throw e;
        }
    }

    /**
     * The first body bytes the continuation writes, read while the take-over is prepared (the
     * donor still drains): at most {@link #HEAD_BYTES}, never past a declared length.
     */
    private static byte[] readHead(InputStream rest, ResponseProgress p) throws IOException {
        long want = p.framing() == Framing.LENGTH ? Math.min(HEAD_BYTES, p.lengthRemaining()) : HEAD_BYTES;
        byte[] head = new byte[(int) want];
        int got = ResponseContinuation.readFully(rest, head); // short: the continuation finds out and says so
        return got == head.length ? head : java.util.Arrays.copyOf(head, got);
    }

    /** Where a continuation goes on: the state it describes and the body from there. */
    private record Rest(HttpAppState state, InputStream body) {
        /** After {@code written} bytes of {@code head} went out: the state past them, the rest of the head, then {@code rest}. */
        static Rest afterHead(HttpAppState s, byte[] head, int written, InputStream rest) {
            InputStream body = written == head.length ? rest
                    : new SequenceInputStream(new ByteArrayInputStream(head, written, head.length - written), rest);
            return new Rest(s.advancedBy(written), body);
        }
    }

    /**
     * A decoded state and, for a response in progress, its open rest; used once or discarded.
     * A movable response's first bytes ({@code head}, read ahead) are written by
     * {@link #restore} itself, on the caller's thread right after activation, as far as the
     * socket takes them without waiting: the client's first data from this node then follows
     * the Binding Update without waiting for the continuation pool's thread; that thread writes
     * the rest.
     */
    private final class PreparedTakeOver implements Restore {
        private final HttpAppState s;
        private final InputStream rest;
        private final byte[] head;

        PreparedTakeOver(HttpAppState s, InputStream rest, byte[] head) {
            this.s = s;
            this.rest = rest;
            this.head = head;
        }

        @Override
        public void restore(SocketChannel connection) throws IOException {
            takeOver(connection);
        }

        @Override
        public void discard() {
            closeQuietly(rest);
        }

        CompletableFuture<Void> takeOver(SocketChannel connection) throws IOException {
            InetSocketAddress local = (InetSocketAddress) connection.getLocalAddress();
            AdoptionTarget target = handoff.targetFor(local);
            if (target == null) {
                closeQuietly(rest);
                throw new IOException("no Vanycast HTTP connector serves " + local + " on this node");
            }
            return takeOver(connection, target);
        }

        /** The take-over proper, with the connector that serves the connection afterwards. */
        CompletableFuture<Void> takeOver(SocketChannel connection, AdoptionTarget target) throws IOException {
            switch (s.kind()) {
                case IDLE -> {
                    target.adopt(connection, s.pendingInput());
                    return CompletableFuture.completedFuture(null);
                }
                case REPLAY -> {
                    byte[] req = s.request().toHttp11();
                    byte[] pending = s.pendingInput();
                    byte[] all = new byte[req.length + pending.length];
                    System.arraycopy(req, 0, all, 0, req.length);
                    System.arraycopy(pending, 0, all, req.length, pending.length);
                    target.adopt(connection, all);
                    return CompletableFuture.completedFuture(null);
                }
                case CONTINUE -> {
                    MovableContinuation m = MovableContinuation.movable(s) ? new MovableContinuation(s) : null;
                    Rest r = m == null || head.length == 0 ? new Rest(s, rest) : writeHead(connection, m);
                    if (m != null) {
                        continuing.put(connection, m);
                    }
                    try {
                        return CompletableFuture.runAsync(() -> {
                            try {
                                continueResponse(connection, r.state(), r.body(), target, m);
                            } finally {
                                continuing.remove(connection);
                            }
                        }, handoff.continuations());
                    } catch (RejectedExecutionException e) {
                        continuing.remove(connection);
                        closeQuietly(rest);
                        throw new IOException("the continuation pool refused the response: " + e.getMessage(), e);
                    }
                }
                default -> throw new IllegalStateException(s.kind().toString());
            }
        }

        /**
         * Writes what of {@link #head} the socket takes at once and counts it in {@code m}, so a
         * later handoff describes the body from there; @return where the continuation goes on
         */
        private Rest writeHead(SocketChannel connection, MovableContinuation m) throws IOException {
            int w = writeHeadNow(connection);
            m.afterWrite(w);
            return Rest.afterHead(s, head, w, rest);
        }

        /**
         * Writes what of {@link #head} the socket takes at once, never waiting for the client;
         * @return the bytes written (0 when the write failed: the continuation meets the failure
         *         again and ends the connection as it would have)
         */
        private int writeHeadNow(SocketChannel connection) {
            try {
                boolean blocking = connection.isBlocking();
                if (blocking) {
                    connection.configureBlocking(false);
                }
                try {
                    return connection.write(ByteBuffer.wrap(head));
                } finally {
                    if (blocking) {
                        connection.configureBlocking(true);
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: first bytes of the continued response not written here: {}", connection, e.toString());
                return 0;
            }
        }
    }

    /**
     * Runs the take-over of a continued download once on made-up data and a connection over
     * this node's loopback (a state encoded and decoded, the body's first bytes read ahead and
     * written on the calling thread, the rest continued by a pool thread, the connection then
     * handed to a connector that only closes it), so that the first real take-over of a node
     * does not load and link these classes or start the pool's first thread on the handoff's
     * critical path: in the demo the first take-over on a node took 2-13 ms, later ones 0.3 ms.
     * Nothing of it touches a client's connection or a document.
     *
     * @return completes when the rehearsal has run (exceptionally if it failed, which is harmless)
     */
    CompletableFuture<Void> warmUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                rehearseTakeOver();
                done.complete(null);
            } catch (IOException | RuntimeException | InterruptedException | java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                LOG.debug("take-over warm-up failed (harmless): {}", e.toString());
                done.completeExceptionally(e);
            }
        }, "vanycast-soap-warmup");
        t.setDaemon(true);
        t.start();
        return done;
    }

    private void rehearseTakeOver() throws IOException, InterruptedException, java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException {
        int length = 4 * HEAD_BYTES;
        int sent = 1024;
        HttpAppState made = HttpAppState.resume(new byte[0], new org.vanycast.soap.api.RecordedRequest("GET", "/warm-up",
                java.util.List.of(new org.vanycast.soap.api.RecordedRequest.Header("Host", "warm-up")), new byte[0], true),
                "warm-up", new ResponseProgress(Framing.LENGTH, length, sent,
                        org.vanycast.soap.internal.state.ChunkPhase.AT_CHUNK_START, 0, false));
        HttpAppState s = HttpStateFormat.decode(HttpStateFormat.encode(made));
        InputStream rest = new ByteArrayInputStream(new byte[length - sent]);
        PreparedTakeOver takeOver = new PreparedTakeOver(s, rest, readHead(rest, s.progress()));
        try (java.nio.channels.ServerSocketChannel listener = java.nio.channels.ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                    SocketChannel served = listener.accept()) {
                CompletableFuture<Void> continued = takeOver.takeOver(served, CLOSING_TARGET);
                // read the rest of the body as a client would (the continuation may need the room), never for long
                client.socket().setSoTimeout(10_000);
                int got = client.socket().getInputStream().readNBytes(length - sent).length;
                continued.get(10, java.util.concurrent.TimeUnit.SECONDS);
                if (got != length - sent) {
                    throw new IOException("take-over rehearsal: " + (length - sent - got) + " body bytes missing");
                }
            }
        }
        new MovableContinuation(s).pause(0); // and what a later handoff of a continued response asks of it
    }

    /** The rehearsal's connector: the connection, its response continued, is closed. */
    private static final AdoptionTarget CLOSING_TARGET = new AdoptionTarget() {
        @Override
        public boolean serves(InetSocketAddress local) {
            return false;
        }

        @Override
        public void adopt(SocketChannel channel, byte[] alreadyRead) throws IOException {
            channel.close();
        }
    };

    /** Read ahead of a continued response, at most: about 11 segments, what a fresh congestion window sends at once. */
    static final int HEAD_BYTES = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private static void closeQuietly(InputStream in) {
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing a prepared response body: {}", e.toString());
        }
    }

    private void continueResponse(SocketChannel connection, HttpAppState s, InputStream rest, AdoptionTarget target,
            MovableContinuation movable) {
        try (rest) {
            if (!connection.isRegistered()) {
                connection.configureBlocking(true);
            }
            long n = new ResponseContinuation(s.progress(), handoff.settings().continuationChunk(),
                    movable == null ? ResponseContinuation.Gate.NONE : movable).writeTo(rest, connection);
            LOG.debug("{}: continued {} from body byte {} with {} more", connection, s.request(),
                    s.progress().bodySent(), n);
            if (s.progress().closeAfter()) {
                connection.close();
            } else {
                target.adopt(connection, s.pendingInput());
            }
        } catch (MovableContinuation.Released e) {
            LOG.debug("{}: continuation of {} went on to another node", connection, s.request());
        } catch (IOException | RuntimeException e) {
            // Past this point the client has part of a response: all that is left is to end the connection.
            LOG.warn("{}: could not continue {}: {}", connection, s.request(), e.toString());
            try {
                connection.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new IllegalStateException(e);
        }
    }
}
