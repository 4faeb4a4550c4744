package org.vanycast.core.spi;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Application-level handoff (paper §4.4): what a service needs to continue a connection on
 * another node. A service registers one for the ports it serves (soap-adapter does for CXF).
 */
@ConsumerType
public interface AppStateCodec {

    /** Whether this codec handles connections accepted on {@code localPort}. */
    boolean handles(int localPort);

    /**
     * Donor: makes the connection quiescent for a handoff and captures its state. Waits at
     * most {@code timeout} for a non-resumable response in progress to finish; returns empty
     * when the connection cannot be handed off now (the caller keeps serving it).
     */
    Optional<byte[]> capture(SocketChannel connection, Duration timeout) throws IOException;

    /** Donor: the handoff was rolled back; serve the connection again from where it stopped. */
    void resumeLocally(SocketChannel connection, byte[] state) throws IOException;

    /**
     * Donor: the handoff committed and the socket was released (after
     * {@code FrozenConnection.release()}); forget the connection without a byte on the wire.
     */
    default void released(SocketChannel connection) throws IOException {
    }

    /**
     * Acceptor: takes over an activated connection and continues the conversation. Called on
     * the thread that accepts the handoff (it may be the group channel's reader), right after
     * the socket went live and before the donor hears of it: return once the connection is taken
     * over and continue on the service's own threads; never wait for the network here.
     *
     * @throws MalformedStateException when the state is truncated or corrupt (the coordinator
     *         then rolls the handoff back)
     */
    void restore(SocketChannel connection, byte[] state) throws IOException;

    /** Checks a state record without acting on it; called before the socket is re-created. */
    void validate(byte[] state) throws MalformedStateException;

    /**
     * Acceptor: everything of a {@link #restore} that needs no connection (decoding the state,
     * finding and opening what a response continues from), done before the socket is
     * re-created. A state this node cannot continue then fails here, while the donor can still
     * resume the client, and the take-over after the socket went live is short. The coordinator
     * calls exactly one of {@link Restore#restore} and {@link Restore#discard} on the result.
     * The default validates now and restores later with {@link #restore}.
     *
     * @throws MalformedStateException when the state is truncated or corrupt
     * @throws IOException when this node cannot continue the conversation (e.g. its document
     *         is missing); the handoff is rolled back
     */
    default Restore prepareRestore(byte[] state) throws IOException {
        validate(state);
        return connection -> restore(connection, state);
    }

    /** A prepared take-over of one connection (see {@link #prepareRestore}). */
    @FunctionalInterface
    interface Restore {
        /**
         * Takes over the activated connection, with the same contract as
         * {@link AppStateCodec#restore}: return once it is taken over, never wait for the network.
         */
        void restore(SocketChannel connection) throws IOException;

        /** The handoff did not reach the take-over: free what was prepared (nothing was written). */
        default void discard() {
        }
    }
}
