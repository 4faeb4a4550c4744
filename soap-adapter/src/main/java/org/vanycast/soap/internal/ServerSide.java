package org.vanycast.soap.internal;

/**
 * What the HTTP server's side of one connection lets the handoff see and do. Implemented by
 * the Vanycast Jetty endpoint; a connection served by another server has none, and is then
 * observed but never handed off.
 */
public interface ServerSide {

    /** Bytes the server has read from the socket and not yet parsed. */
    int inputBuffered();

    /** The server's request parser is between requests (has consumed no byte of the next). */
    boolean parserAtStart();

    /** Re-arms reading that was held back while a handoff was being prepared. */
    void resumeReading();

    /** Re-arms writing that was held back while a handoff was being prepared. */
    void resumeWriting();

    /**
     * The server forgets the connection after {@code delayNanos} (fails what is pending and
     * closes its endpoint); the socket was released by the migrator, which may still hold it.
     */
    void abandon(long delayNanos);

    /** The socket is still open on this node. */
    boolean isOpen();
}
