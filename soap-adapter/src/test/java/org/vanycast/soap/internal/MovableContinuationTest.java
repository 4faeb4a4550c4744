package org.vanycast.soap.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vanycast.soap.api.RecordedRequest;
import org.vanycast.soap.internal.state.ChunkPhase;
import org.vanycast.soap.internal.state.Framing;
import org.vanycast.soap.internal.state.HttpAppState;
import org.vanycast.soap.internal.state.ResponseProgress;

class MovableContinuationTest {
    private static final int TOTAL = 200_000;
    private static final int SENT_BY_DONOR = 50_000;

    /** Collects what the continuation writes; its first write waits until a capture asks for a pause. */
    private static final class Sink implements WritableByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final MovableContinuation gate;

        Sink(MovableContinuation gate) {
            this.gate = gate;
        }

        @Override
        public int write(ByteBuffer src) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (bytes.size() == 0 && !gate.pauseRequested() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return append(src);
        }

        private synchronized int append(ByteBuffer src) {
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            bytes.write(b, 0, n);
            return n;
        }

        synchronized int size() {
            return bytes.size();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static HttpAppState state() {
        return HttpAppState.resume(new byte[0], new RecordedRequest("GET", "/content/doc.bin", List.of(), new byte[0], true),
                "download", new ResponseProgress(Framing.LENGTH, TOTAL, SENT_BY_DONOR, ChunkPhase.AT_CHUNK_START, 0, false));
    }

    private static byte[] body() {
        byte[] b = new byte[TOTAL];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    /** A continuation writing the rest of the body while a capture asks it to pause. */
    private record PausedWriter(MovableContinuation continuation, Sink sink,
            CompletableFuture<Optional<HttpAppState>> paused, CompletableFuture<Void> writer) {
        static PausedWriter start() {
            HttpAppState s = state();
            MovableContinuation m = new MovableContinuation(s);
            Sink sink = new Sink(m);
            CompletableFuture<Optional<HttpAppState>> paused = CompletableFuture.supplyAsync(
                    () -> m.pause(TimeUnit.SECONDS.toNanos(10)));
            byte[] rest = Arrays.copyOfRange(body(), SENT_BY_DONOR, TOTAL);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    new ResponseContinuation(s.progress(), 4096, m).writeTo(new ByteArrayInputStream(rest), sink);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return new PausedWriter(m, sink, paused, writer);
        }
    }

    @Test
    void shouldDescribeExactlyTheBytesSentWhenPausedAndStopSilentlyWhenReleased() throws Exception {
        PausedWriter w = PausedWriter.start();
        HttpAppState next = w.paused().get(10, TimeUnit.SECONDS).orElseThrow();
        int written = w.sink().size();
        assertEquals(SENT_BY_DONOR + written, next.progress().bodySent());
        assertEquals(HttpAppState.Kind.CONTINUE, next.kind());
        w.continuation().release();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> w.writer().get(10, TimeUnit.SECONDS));
        assertInstanceOf(MovableContinuation.Released.class, e.getCause().getCause());
        assertEquals(written, w.sink().size(), "nothing written after the release");
    }

    @Test
    void shouldFinishTheBodyWhenTheHandoffIsRolledBack() throws Exception {
        PausedWriter w = PausedWriter.start();
        assertTrue(w.paused().get(10, TimeUnit.SECONDS).isPresent());
        w.continuation().resume();
        w.writer().get(10, TimeUnit.SECONDS);
        assertArrayEquals(Arrays.copyOfRange(body(), SENT_BY_DONOR, TOTAL), w.sink().bytes.toByteArray());
    }

    @Test
    void shouldNotMoveChunkedContinuations() {
        HttpAppState chunked = HttpAppState.resume(new byte[0],
                new RecordedRequest("GET", "/x", List.of(), new byte[0], true), "download",
                new ResponseProgress(Framing.CHUNKED, -1, 10, ChunkPhase.AT_CHUNK_START, 0, false));
        assertTrue(!MovableContinuation.movable(chunked));
        assertTrue(MovableContinuation.movable(state()));
    }
}
