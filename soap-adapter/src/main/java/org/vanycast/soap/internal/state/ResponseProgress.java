package org.vanycast.soap.internal.state;

/**
 * How far a response has gone out on the wire once its status line and header were sent
 * (paper §4.4: "the description of the content part that has been sent so far").
 *
 * @param framing        how the body ends
 * @param contentLength  the declared length for {@link Framing#LENGTH}, else -1
 * @param bodySent       body bytes written so far (chunk framing not counted)
 * @param chunkPhase     position inside the chunk framing ({@link ChunkPhase#AT_CHUNK_START} when not chunked)
 * @param chunkRemaining data bytes of the current chunk still owed (only in {@link ChunkPhase#IN_DATA})
 * @param closeAfter     the server closes the connection after this response
 */
public record ResponseProgress(Framing framing, long contentLength, long bodySent, ChunkPhase chunkPhase,
        long chunkRemaining, boolean closeAfter) {

    public ResponseProgress {
        if (framing == null || chunkPhase == null) {
            throw new IllegalArgumentException("framing and chunk phase are required");
        }
        if (bodySent < 0 || chunkRemaining < 0) {
            throw new IllegalArgumentException("negative count");
        }
        if (framing == Framing.LENGTH && (contentLength < 0 || bodySent > contentLength)) {
            throw new IllegalArgumentException("body sent " + bodySent + " exceeds content length " + contentLength);
        }
        if (framing != Framing.LENGTH && contentLength != -1) {
            throw new IllegalArgumentException("content length only with LENGTH framing");
        }
        if (framing != Framing.CHUNKED && (chunkPhase != ChunkPhase.AT_CHUNK_START || chunkRemaining != 0)) {
            throw new IllegalArgumentException("chunk position only with CHUNKED framing");
        }
        if (chunkPhase != ChunkPhase.IN_DATA && chunkRemaining != 0) {
            throw new IllegalArgumentException("chunk remainder only inside chunk data");
        }
        if (chunkPhase == ChunkPhase.IN_DATA && chunkRemaining == 0) {
            throw new IllegalArgumentException("inside chunk data with nothing owed");
        }
    }

    /**
     * The same response {@code bodyBytes} further on. Only for bodies without chunk framing
     * (Content-Length or until close), whose position is the body byte count alone.
     */
    public ResponseProgress advancedBy(long bodyBytes) {
        if (framing == Framing.CHUNKED) {
            throw new IllegalStateException("a chunked body's position is more than a byte count");
        }
        return new ResponseProgress(framing, contentLength, bodySent + bodyBytes, chunkPhase, chunkRemaining, closeAfter);
    }

    /** Body bytes still owed under {@link Framing#LENGTH}. */
    public long lengthRemaining() {
        return framing == Framing.LENGTH ? contentLength - bodySent : -1;
    }
}
