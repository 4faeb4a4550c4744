package org.vanycast.soap.internal.state;

/**
 * Where a chunked body stands on the wire, at the points where another writer can continue
 * it without knowing what the first writer intended next.
 */
public enum ChunkPhase {
    /** Not chunked, or at the start of a chunk-size line: the next byte begins a new chunk. */
    AT_CHUNK_START(0),
    /** Inside chunk data; {@code chunkRemaining} data bytes of the current chunk are owed. */
    IN_DATA(1),
    /** The chunk's data is complete; its CR LF is owed. */
    AWAIT_CR(2),
    /** The chunk's data and CR are written; its LF is owed. */
    AWAIT_LF(3);

    public final int code;

    ChunkPhase(int code) {
        this.code = code;
    }

    /** @return the phase, or null for an unknown code */
    public static ChunkPhase ofCode(int code) {
        for (ChunkPhase p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }
}
