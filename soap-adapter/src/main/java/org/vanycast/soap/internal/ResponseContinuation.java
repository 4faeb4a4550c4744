package org.vanycast.soap.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import org.vanycast.soap.internal.state.Framing;
import org.vanycast.soap.internal.state.ResponseProgress;

/**
 * Writes the rest of a response the donor had begun: the remaining body bytes with the
 * original framing. A chunked body first finishes the chunk the donor was in (its data and
 * CR LF), then goes on in fresh chunks and ends with the last-chunk.
 */
public final class ResponseContinuation {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Called after each body write; may hold the writer or stop it by throwing. */
    public interface Gate {
        Gate NONE = n -> { };

        void afterWrite(long bodyBytes) throws IOException;
    }

    private final ResponseProgress progress;
    private final int chunkSize;
    private final Gate gate;

    public ResponseContinuation(ResponseProgress progress, int chunkSize) {
        this(progress, chunkSize, Gate.NONE);
    }

    public ResponseContinuation(ResponseProgress progress, int chunkSize, Gate gate) {
        this.progress = progress;
        this.chunkSize = chunkSize;
        this.gate = gate;
    }

    /**
     * @param rest the body from {@code progress.bodySent()} on
     * @return body bytes written
     * @throws IOException when the body source ends early or runs long (the response cannot be
     *         completed correctly; the caller closes the connection)
     */
    public long writeTo(InputStream rest, WritableByteChannel out) throws IOException {
        byte[] buf = new byte[Math.max(chunkSize, 8192)];
        return switch (progress.framing()) {
            case NONE -> 0;
            case LENGTH -> {
                long n = copyExactly(rest, out, progress.lengthRemaining(), buf, gate);
                if (rest.read() >= 0) {
                    throw new IOException("resumable body is longer than the declared Content-Length "
                            + progress.contentLength());
                }
                yield n;
            }
            case UNTIL_CLOSE -> copyAll(rest, out, buf, gate);
            case CHUNKED -> chunked(rest, out, buf);
        };
    }

    private long chunked(InputStream rest, WritableByteChannel out, byte[] buf) throws IOException {
        long n = 0;
        switch (progress.chunkPhase()) {
            case IN_DATA -> {
                n += copyExactly(rest, out, progress.chunkRemaining(), buf, Gate.NONE);
                write(out, CRLF, 0, 2);
            }
            case AWAIT_CR -> write(out, CRLF, 0, 2);
            case AWAIT_LF -> write(out, CRLF, 1, 1);
            case AT_CHUNK_START -> { }
            default -> throw new IllegalStateException(progress.chunkPhase().toString());
        }
        byte[] data = new byte[chunkSize];
        while (true) {
            int got = readFully(rest, data);
            if (got == 0) {
                break;
            }
            byte[] size = (Integer.toHexString(got) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            write(out, size, 0, size.length);
            write(out, data, 0, got);
            write(out, CRLF, 0, 2);
            n += got;
        }
        write(out, LAST_CHUNK, 0, LAST_CHUNK.length);
        return n;
    }

    /** Reads until {@code b} is full or the stream ends; @return the bytes read. */
    static int readFully(InputStream in, byte[] b) throws IOException {
        int got = 0;
        while (got < b.length) {
            int r = in.read(b, got, b.length - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        return got;
    }

    private static long copyExactly(InputStream in, WritableByteChannel out, long count, byte[] buf, Gate gate)
            throws IOException {
        long left = count;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new IOException("resumable body ended " + left + " bytes early");
            }
            write(out, buf, 0, r);
            left -= r;
            gate.afterWrite(r);
        }
        return count;
    }

    private static long copyAll(InputStream in, WritableByteChannel out, byte[] buf, Gate gate) throws IOException {
        long n = 0;
        for (int r; (r = in.read(buf)) >= 0; ) {
            write(out, buf, 0, r);
            n += r;
            gate.afterWrite(r);
        }
        return n;
    }

    private static void write(WritableByteChannel out, byte[] b, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        while (bb.hasRemaining()) {
            if (out.write(bb) == 0 && out instanceof SelectableChannel sc && !sc.isBlocking()) {
                awaitWritable(sc);
            }
        }
    }

    /** A non-blocking channel (one a server selector still knows) is waited on with a selector of its own. */
    private static void awaitWritable(SelectableChannel channel) throws IOException {
        try (Selector selector = Selector.open()) {
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            selector.select(1000);
            key.cancel();
        }
    }

    public Framing framing() {
        return progress.framing();
    }
}
