package org.vanycast.core.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * This node of an anycast group: the paper's library calls (§4.4) in Java form, plus the
 * operator's handoff and leave. Registered as an OSGi service by the core.
 */
@ProviderType
public interface AnycastNode {

    String nodeName();

    AnycastGroup group();

    NodeRole role();

    /** Current members with their last reports, this node included. */
    List<MemberInfo> members();

    /**
     * {@code client_handoff}: moves {@code connection} with {@code appState} to {@code acceptor}.
     * Refused ({@code CLIENT_HAS_OTHER_CONNECTIONS}) when the client has other connections here
     * and the binding would move them too; {@link #handoff} moves such clients whole.
     * The future completes when the acceptor's Done arrived and the donor released its frozen
     * socket; it fails with {@link HandoffFailedException} otherwise, and then the connection
     * is still served by this node ({@link HandoffFailedException#connection()}).
     */
    CompletableFuture<HandoffEvent> clientHandoff(SocketChannel connection, String acceptor, byte[] appState);

    /**
     * {@code client_receive}: the next connection handed to this node whose port no
     * registered {@code AppStateCodec} handles, or empty after {@code timeout}.
     */
    Optional<ReceivedClient> clientReceive(Duration timeout) throws InterruptedException;

    /**
     * {@code client_close}: closes a connection of this node and removes the client's binding
     * when the client has no other connection here.
     */
    void clientClose(SocketChannel connection) throws IOException;

    /** Makes a connection accepted on the logical address known to operator handoff and leave. */
    void track(SocketChannel connection);

    /**
     * Operator-triggered handoff of the tracked connection from {@code client} — together with
     * the client's other connections here when the {@code NetworkRedirector} moves whole clients
     * (a Mobile IPv6 binding does), all in one Init. The application state is captured by the
     * {@code AppStateCodec} of each port. Without {@code acceptor} the {@code AcceptorPolicy} chooses.
     */
    CompletableFuture<HandoffEvent> handoff(InetSocketAddress client, Optional<String> acceptor);

    /**
     * Graceful leave: hands every tracked client to other members, then leaves the group.
     * The last member refuses ({@link LeaveRefusedException}) while it has clients unless forced.
     */
    CompletableFuture<Void> leave(boolean force);
}
