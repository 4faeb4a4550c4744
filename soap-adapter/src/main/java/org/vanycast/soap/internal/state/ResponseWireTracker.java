package org.vanycast.soap.internal.state;

import java.nio.ByteBuffer;

/**
 * Follows the HTTP/1.1 responses a server writes on one connection, byte by byte as they are
 * handed to the socket, so that at any quiet moment it can say exactly where the response
 * stands: before the status line, inside the header, or how far into the body and the chunk
 * framing. Body bytes are skipped by count; only header and chunk-size lines are looked at.
 *
 * <p>Not thread-safe: the single writer of a connection feeds it; readers must hold the
 * connection's lock while no write is in progress.
 */
public final class ResponseWireTracker {

    private enum State { IDLE, HEAD, BODY_LENGTH, BODY_UNTIL_CLOSE, CHUNK_SIZE, CHUNK_EXT, CHUNK_SIZE_LF,
        CHUNK_DATA, CHUNK_CR, CHUNK_LF, TRAILER_LINE_START, TRAILER_LINE, TRAILER_END_LF, BROKEN }

    private final int maxHeadBytes;
    private final byte[] head;
    private int headLength;
    private State state = State.IDLE;
    private boolean headRequest;
    private Framing framing = Framing.NONE;
    private long contentLength = -1;
    private long bodySent;
    private long chunkRemaining;
    private int chunkSizeDigits;
    private boolean closeAfter;
    private long responsesCompleted;
    private String brokenReason;

    public ResponseWireTracker(int maxHeadBytes) {
        this.maxHeadBytes = maxHeadBytes;
        this.head = new byte[maxHeadBytes];
    }

    /** The next response answers a HEAD request: its header announces a body that is not sent. */
    public void expectResponseTo(String method) {
        headRequest = "HEAD".equalsIgnoreCase(method);
    }

    /** Feeds the bytes between the buffer's position and limit; does not move the position. */
    public void written(ByteBuffer buffer) {
        int end = buffer.limit();
        for (int i = buffer.position(); i < end; ) {
            i = step(buffer, i, end);
        }
    }

    /** Feeds {@code length} bytes of {@code bytes} from {@code offset}. */
    public void written(byte[] bytes, int offset, int length) {
        written(ByteBuffer.wrap(bytes, offset, length));
    }

    private int step(ByteBuffer b, int i, int end) {
        switch (state) {
            case IDLE:
                resetResponse();
                state = State.HEAD;
                return i;
            case HEAD:
                return head(b, i, end);
            case BODY_LENGTH: {
                long n = Math.min(contentLength - bodySent, end - i);
                bodySent += n;
                if (bodySent == contentLength) {
                    complete();
                }
                return i + (int) n;
            }
            case BODY_UNTIL_CLOSE:
                bodySent += end - i;
                return end;
            case CHUNK_SIZE: {
                byte c = b.get(i);
                int digit = Character.digit(c, 16);
                if (digit >= 0) {
                    if (++chunkSizeDigits > 15) {
                        return broken("chunk size too long");
                    }
                    chunkRemaining = chunkRemaining * 16 + digit;
                } else if (c == ';' || c == ' ' || c == '\t') {
                    state = State.CHUNK_EXT;
                } else if (c == '\r') {
                    state = State.CHUNK_SIZE_LF;
                } else {
                    return broken("bad chunk size byte " + (c & 0xff));
                }
                return i + 1;
            }
            case CHUNK_EXT:
                if (b.get(i) == '\r') {
                    state = State.CHUNK_SIZE_LF;
                }
                return i + 1;
            case CHUNK_SIZE_LF:
                if (b.get(i) != '\n' || chunkSizeDigits == 0) {
                    return broken("bad chunk size line");
                }
                state = chunkRemaining == 0 ? State.TRAILER_LINE_START : State.CHUNK_DATA;
                return i + 1;
            case CHUNK_DATA: {
                long n = Math.min(chunkRemaining, end - i);
                chunkRemaining -= n;
                bodySent += n;
                if (chunkRemaining == 0) {
                    state = State.CHUNK_CR;
                }
                return i + (int) n;
            }
            case CHUNK_CR:
                if (b.get(i) != '\r') {
                    return broken("chunk data not followed by CR");
                }
                state = State.CHUNK_LF;
                return i + 1;
            case CHUNK_LF:
                if (b.get(i) != '\n') {
                    return broken("chunk data not followed by LF");
                }
                startChunk();
                return i + 1;
            case TRAILER_LINE_START:
                state = b.get(i) == '\r' ? State.TRAILER_END_LF : State.TRAILER_LINE;
                return i + 1;
            case TRAILER_LINE:
                if (b.get(i) == '\n') {
                    state = State.TRAILER_LINE_START;
                }
                return i + 1;
            case TRAILER_END_LF:
                if (b.get(i) != '\n') {
                    return broken("bad end of chunked body");
                }
                complete();
                return i + 1;
            case BROKEN:
            default:
                return end;
        }
    }

    private int head(ByteBuffer b, int i, int end) {
        while (i < end) {
            if (headLength == maxHeadBytes) {
                return broken("response header longer than " + maxHeadBytes + " bytes");
            }
            byte c = b.get(i++);
            head[headLength++] = c;
            if (c == '\n' && headLength >= 4 && head[headLength - 2] == '\r' && head[headLength - 3] == '\n'
                    && head[headLength - 4] == '\r') {
                headComplete();
                return i;
            }
        }
        return i;
    }

    private void headComplete() {
        // Byte-wise, without building strings: this runs once per response on the hot path.
        int eol = lineEnd(0);
        if (eol < 12 || !regionIs(0, 7, "HTTP/1.") || head[8] != ' ') {
            broken("bad status line");
            return;
        }
        boolean http10 = head[7] == '0';
        int code = 0;
        for (int i = 9; i < 12; i++) {
            int d = head[i] - '0';
            if (d < 0 || d > 9) {
                broken("bad status line");
                return;
            }
            code = code * 10 + d;
        }
        boolean chunked = false;
        boolean keepAlive = false;
        closeAfter = false;
        contentLength = -1;
        for (int at = eol + 2; at < headLength - 2; ) {
            int end = lineEnd(at);
            int colon = at;
            while (colon < end && head[colon] != ':') {
                colon++;
            }
            int nameEnd = colon;
            while (nameEnd > at && head[nameEnd - 1] == ' ') {
                nameEnd--;
            }
            int v = colon + 1;
            while (v < end && (head[v] == ' ' || head[v] == '\t')) {
                v++;
            }
            int vEnd = end;
            while (vEnd > v && (head[vEnd - 1] == ' ' || head[vEnd - 1] == '\t')) {
                vEnd--;
            }
            if (colon < end) {
                if (nameIs(at, nameEnd, "transfer-encoding")) {
                    chunked = vEnd - v >= 7 && regionIs(vEnd - 7, vEnd, "chunked");
                } else if (nameIs(at, nameEnd, "content-length")) {
                    contentLength = digits(v, vEnd);
                    if (contentLength < 0) {
                        broken("bad content-length");
                        return;
                    }
                } else if (nameIs(at, nameEnd, "connection")) {
                    closeAfter |= contains(v, vEnd, "close");
                    keepAlive |= contains(v, vEnd, "keep-alive");
                }
            }
            at = end + 2;
        }
        if (http10 && !keepAlive) {
            closeAfter = true;
        }
        if (code < 200) {
            // Interim response (100 Continue): the real one follows.
            state = State.IDLE;
            return;
        }
        if (headRequest || code == 204 || code == 304) {
            framing = Framing.NONE;
            contentLength = -1;
            complete();
        } else if (chunked) {
            framing = Framing.CHUNKED;
            contentLength = -1;
            startChunk();
        } else if (contentLength >= 0) {
            framing = Framing.LENGTH;
            state = State.BODY_LENGTH;
            if (contentLength == 0) {
                complete();
            }
        } else {
            framing = Framing.UNTIL_CLOSE;
            closeAfter = true;
            state = State.BODY_UNTIL_CLOSE;
        }
    }

    /** Index of the CR of the CRLF ending the line that starts at {@code from}. */
    private int lineEnd(int from) {
        for (int i = from; i + 1 < headLength; i++) {
            if (head[i] == '\r' && head[i + 1] == '\n') {
                return i;
            }
        }
        return headLength;
    }

    /** Case-insensitive comparison of head[from, to) with a lower-case ASCII word. */
    private boolean regionIs(int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = head[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != Character.toLowerCase(lower.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private boolean nameIs(int from, int to, String lower) {
        return regionIs(from, to, lower);
    }

    private boolean contains(int from, int to, String lower) {
        for (int i = from; i + lower.length() <= to; i++) {
            if (regionIs(i, i + lower.length(), lower)) {
                return true;
            }
        }
        return false;
    }

    /** The decimal number in head[from, to), or -1 when it is not one (or too long). */
    private long digits(int from, int to) {
        if (from == to || to - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            int d = head[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            n = n * 10 + d;
        }
        return n;
    }

    private void startChunk() {
        state = State.CHUNK_SIZE;
        chunkRemaining = 0;
        chunkSizeDigits = 0;
    }

    private void complete() {
        state = State.IDLE;
        responsesCompleted++;
        headRequest = false;
    }

    private int broken(String reason) {
        state = State.BROKEN;
        brokenReason = reason;
        return Integer.MAX_VALUE;
    }

    private void resetResponse() {
        headLength = 0;
        framing = Framing.NONE;
        contentLength = -1;
        bodySent = 0;
        chunkRemaining = 0;
        chunkSizeDigits = 0;
        closeAfter = false;
    }

    /** Between responses: nothing of a response is on the wire unfinished. */
    public boolean atMessageBoundary() {
        return state == State.IDLE;
    }

    /** The status line and header of the current response are completely written. */
    public boolean headerSent() {
        return switch (state) {
            case IDLE, HEAD, BROKEN -> false;
            default -> true;
        };
    }

    /** The output could not be followed (not HTTP/1.x, or malformed framing); never resumable. */
    public boolean isBroken() {
        return state == State.BROKEN;
    }

    public String brokenReason() {
        return brokenReason;
    }

    public long responsesCompleted() {
        return responsesCompleted;
    }

    /**
     * Where the current response's body stands, when another writer could continue it from
     * here; null before the header is complete, between responses, or in the middle of a
     * chunk-size line or trailer.
     */
    public ResponseProgress progress() {
        return switch (state) {
            case BODY_LENGTH -> new ResponseProgress(Framing.LENGTH, contentLength, bodySent,
                    ChunkPhase.AT_CHUNK_START, 0, closeAfter);
            case BODY_UNTIL_CLOSE -> new ResponseProgress(Framing.UNTIL_CLOSE, -1, bodySent,
                    ChunkPhase.AT_CHUNK_START, 0, true);
            case CHUNK_SIZE -> chunkSizeDigits == 0 ? chunked(ChunkPhase.AT_CHUNK_START, 0) : null;
            case CHUNK_DATA -> chunked(ChunkPhase.IN_DATA, chunkRemaining);
            case CHUNK_CR -> chunked(ChunkPhase.AWAIT_CR, 0);
            case CHUNK_LF -> chunked(ChunkPhase.AWAIT_LF, 0);
            default -> null;
        };
    }

    private ResponseProgress chunked(ChunkPhase phase, long remaining) {
        return new ResponseProgress(Framing.CHUNKED, -1, bodySent, phase, remaining, closeAfter);
    }

    @Override
    public String toString() {
        return "ResponseWireTracker[" + state + ", body " + bodySent + ']';
    }
}
