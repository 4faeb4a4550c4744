package org.vanycast.soap.internal.state;

import java.util.Arrays;
import java.util.Objects;
import org.vanycast.soap.api.RecordedRequest;

/**
 * The application state of one HTTP/1.1 connection at a handoff (paper §4.4).
 *
 * <ul>
 *   <li>{@link Kind#IDLE}: between requests on a keep-alive connection; {@code pendingInput}
 *       holds bytes of the next request the server had already read (usually none).</li>
 *   <li>{@link Kind#REPLAY}: a request was received but nothing of its response was written;
 *       the acceptor serves it again (only for requests declared resumable).</li>
 *   <li>{@link Kind#CONTINUE}: the status line and header were sent and part of the body;
 *       {@code progress} says how much and with which framing.</li>
 * </ul>
 */
public record HttpAppState(Kind kind, byte[] pendingInput, RecordedRequest request, String resumable,
        ResponseProgress progress) {

    /** The three situations a connection can be handed off in. */
    public enum Kind { IDLE, REPLAY, CONTINUE }

    public HttpAppState {
        Objects.requireNonNull(kind, "kind");
        pendingInput = pendingInput.clone();
        switch (kind) {
            case IDLE -> {
                if (request != null || resumable != null || progress != null) {
                    throw new IllegalArgumentException("an idle connection has no exchange");
                }
            }
            case REPLAY -> {
                if (request == null || resumable == null || progress != null) {
                    throw new IllegalArgumentException("replay needs the request and its resumable name only");
                }
            }
            case CONTINUE -> {
                if (request == null || resumable == null || progress == null) {
                    throw new IllegalArgumentException("continue needs request, resumable name and progress");
                }
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
    }

    public static HttpAppState idle(byte[] pendingInput) {
        return new HttpAppState(Kind.IDLE, pendingInput, null, null, null);
    }

    public static HttpAppState replay(byte[] pendingInput, RecordedRequest request, String resumable) {
        return new HttpAppState(Kind.REPLAY, pendingInput, request, resumable, null);
    }

    public static HttpAppState resume(byte[] pendingInput, RecordedRequest request, String resumable,
            ResponseProgress progress) {
        return new HttpAppState(Kind.CONTINUE, pendingInput, request, resumable, progress);
    }

    /** This response in progress {@code bodyBytes} further on ({@link ResponseProgress#advancedBy}). */
    public HttpAppState advancedBy(long bodyBytes) {
        if (kind != Kind.CONTINUE) {
            throw new IllegalStateException("no response in progress: " + kind);
        }
        return resume(pendingInput, request, resumable, progress.advancedBy(bodyBytes));
    }

    @Override
    public byte[] pendingInput() {
        return pendingInput.clone();
    }

    /** Paper §4.4's indicator: whether the HTTP header has already been sent. */
    public boolean headerSent() {
        return kind == Kind.CONTINUE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpAppState s && kind == s.kind && Arrays.equals(pendingInput, s.pendingInput)
                && Objects.equals(request, s.request) && Objects.equals(resumable, s.resumable)
                && Objects.equals(progress, s.progress);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Arrays.hashCode(pendingInput), request, resumable, progress);
    }

    @Override
    public String toString() {
        return "HttpAppState[" + kind + ", pending " + pendingInput.length + (request == null ? "" : ", " + request)
                + (progress == null ? "" : ", " + progress) + ']';
    }
}
