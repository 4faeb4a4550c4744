package org.vanycast.soap.internal.state;

/** How the end of a response body is marked on the wire (RFC 9112 §6). */
public enum Framing {
    /** No body follows the header (HEAD, 1xx, 204, 304, or Content-Length: 0). */
    NONE(0),
    /** {@code Content-Length}: exactly that many bytes. */
    LENGTH(1),
    /** {@code Transfer-Encoding: chunked}. */
    CHUNKED(2),
    /** Neither: the body ends when the server closes the connection. */
    UNTIL_CLOSE(3);

    public final int code;

    Framing(int code) {
        this.code = code;
    }

    /** @return the framing, or null for an unknown code */
    public static Framing ofCode(int code) {
        for (Framing f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }
}
