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

    /**
     * The connection was captured: the server's selector lets go of the socket (the migrator
     * freezes and closes it; the JDK would keep the fd of a registered channel open).
     */
    void detach();

    /** Rollback: the server's selector takes the socket back, with the interest it had. */
    void reattach();

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
