package org.vanycast.core.spi;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.OptionalInt;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Network-level handoff: "make client C's traffic to the logical address X reach this node".
 * Mobile IPv6 route optimization (mipv6-driver) or forwarding through the contact node.
 *
 * <p>Split into prepare and commit so that return routability can run ahead of {@code Init}
 * (paper §5.4): {@code Prepare} starts it, the binding is only sent on commit.
 */
@ConsumerType
public interface NetworkRedirector {

    /** Short name for logs and configuration, e.g. {@code "mipv6-ro"} or {@code "forward"}. */
    String name();

    /**
     * Acceptor: starts whatever must happen before the binding can be sent (return
     * routability towards {@code client} for {@code logicalAddress}). Does not block.
     */
    Preparation prepare(InetAddress logicalAddress, InetAddress client) throws IOException;

    /**
     * Whether a redirection moves every connection of the client to this node (a Mobile IPv6
     * binding does: it maps the client's view of X) rather than only the handed-off one (a
     * forwarding redirector). The coordinator refuses to hand off one connection of a client
     * that has others on the donor when this is true. Default: true.
     */
    default boolean movesWholeClient() {
        return true;
    }

    /**
     * {@code client_close}: the client has no connection left on this node; remove its binding
     * (e.g. a Binding Update with lifetime 0) so its next connection to X goes through the
     * home agent again. Default: nothing to remove.
     */
    default void release(InetAddress logicalAddress, InetAddress client) throws IOException {
        // nothing kept per client
    }

    /** A prepared redirection of one client to this node. */
    interface Preparation extends AutoCloseable {
        /**
         * Sends the binding (e.g. a Binding Update with {@code sequence}) and makes it take
         * effect locally. Waits at most {@code timeout} for prerequisites (RR tokens); does not
         * wait for the Binding Acknowledgement (RFC 6275 allows sending data right away): the
         * caller may serve the client as soon as this returns, then call {@link #confirm}.
         *
         * @return the sequence number used, for the next handoff of this client
         */
        int commit(int sequence, Duration timeout) throws IOException;

        /**
         * Whether {@link #commit} would now send the binding without waiting for anything (the
         * prerequisites started on {@code prepare}, e.g. the return routability tokens, are
         * all in). The acceptor then runs the handoff's critical part on the group channel's
         * reader thread as the Init arrives, skipping a hand-off to another thread; otherwise
         * it runs it on a worker thread, where {@code commit} may wait. Must not block and
         * should be cheap; {@code true} must mean that {@code commit} does not block.
         * Default: {@code false}.
         *
         * @since 0.3.0
         */
        default boolean readyToCommit() {
            return false;
        }

        /**
         * After {@link #commit}: waits until the client confirmed the binding (e.g. a Binding
         * Acknowledgement), retrying as the redirector sees fit within {@code timeout}.
         * Default: nothing to wait for.
         *
         * @throws IOException the client refused the binding or never answered; its traffic to
         *                     the logical address does not reach this node
         */
        default void confirm(Duration timeout) throws IOException {
            // a redirector that needs no answer is confirmed on commit
        }

        /**
         * After {@link #confirm} returned: the sequence number of the binding the client
         * confirmed. When {@code confirm} had to send the binding again (its acknowledgement was
         * lost or refused), that is a newer one than {@link #commit} returned, and the next
         * handoff of this client must count from it. Default: empty (the commit's sequence holds).
         *
         * @since 0.4.0
         */
        default OptionalInt confirmedSequence() {
            return OptionalInt.empty();
        }

        /**
         * Runs, without sending anything, the code {@link #commit} will run (e.g. builds and
         * drops a binding for a made-up peer), so that it is in the CPU's caches when the Init
         * arrives. Called now and then while the acceptor waits for that Init; must be cheap (tens
         * of µs), never block and touch nothing a handoff uses. Default: nothing.
         *
         * @since 0.5.0
         */
        default void rehearse() {
            // nothing to keep warm
        }

        /** Abandons the preparation; nothing was sent to the client. */
        @Override
        void close();
    }
}
