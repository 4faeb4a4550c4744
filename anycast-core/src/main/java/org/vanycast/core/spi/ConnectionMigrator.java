package org.vanycast.core.spi;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Transport-level handoff (paper §4.3): moves one established TCP connection from a donor
 * node to an acceptor node. The verbs follow the paper's phases and CRIU's libsoccr:
 *
 * <pre>
 *   donor:    drain (optional) → freeze → extract ──SocketState──▶
 *   acceptor:                              recreate (frozen) → [traffic switched] → activate
 *   donor:    release (silent close, after the switch)   or   resume (rollback)
 * </pre>
 *
 * Implementations touch the kernel; everything calling them is plain Java.
 */
@ConsumerType
public interface ConnectionMigrator {

    /** Empty when migration works on this host; otherwise why not (kernel, capability, tool). */
    Optional<String> unavailabilityCause();

    default boolean isAvailable() {
        return unavailabilityCause().isEmpty();
    }

    /**
     * Waits, at most {@code timeout}, until the peer has acknowledged everything written so
     * far (paper §5.3: makes the state small). Returns the bytes still unacknowledged.
     */
    long drain(SocketChannel connection, Duration timeout) throws IOException;

    /**
     * Stops the kernel from answering or accepting the peer's segments on this connection
     * and puts the socket into repair mode. The application must not use the channel
     * afterwards except through the returned handle.
     */
    FrozenConnection freeze(SocketChannel connection) throws IOException;

    /**
     * Acceptor: re-creates a frozen socket from its state. The connection stays silent until
     * {@link RecreatedConnection#activate()}; it must exist before the traffic switches.
     *
     * @throws MalformedStateException when the record is truncated or corrupt; nothing is
     *         left behind in that case
     */
    RecreatedConnection recreate(SocketState state) throws IOException;

    /**
     * Acceptor: runs, without touching any connection, the code {@link #recreate} and
     * {@link RecreatedConnection#activate()} will run (decoding a made-up state, say), so that
     * it is in the CPU's caches when the state arrives. Called now and then while a handoff to
     * this node is imminent; must be cheap (tens of µs) and never block. Default: nothing.
     *
     * @since 0.5.0
     */
    default void rehearse() {
        // nothing to keep warm
    }

    /**
     * Acceptor: a handoff of the connection between {@code logical} (any port) and
     * {@code client} is announced (its Prepare came; its state follows once the donor has
     * drained). The migrator may get ready for that {@link #recreate} now, on the caller's
     * thread and without touching the wire: for instance close a frozen copy of the same
     * connection it still holds from handing it away earlier, which {@link #recreate} would
     * otherwise have to close first. Must not block. Default: nothing.
     *
     * @since 0.6.0
     */
    default void expect(InetAddress logical, InetSocketAddress client) {
        // nothing to get ready
    }

    /** A connection frozen on the donor. */
    interface FrozenConnection extends AutoCloseable {
        /** Reads the connection's complete state (sequence numbers, options, queues). */
        SocketState extract() throws IOException;

        /** Rollback: leaves repair mode, re-admits the peer's segments; the donor serves on. */
        SocketChannel resume() throws IOException;

        /** Handoff succeeded: closes the frozen copy without FIN or RST. */
        void release() throws IOException;

        /** Same as {@link #release()} when neither resume nor release was called. */
        @Override
        void close() throws IOException;
    }

    /** A connection re-created on the acceptor, not yet sending. */
    interface RecreatedConnection extends AutoCloseable {
        /** Leaves repair mode and sends what the donor never sent. */
        SocketChannel activate() throws IOException;

        /** Rollback on the acceptor: closes silently, nothing on the wire. */
        @Override
        void close() throws IOException;
    }
}
