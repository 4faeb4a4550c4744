package org.vanycast.node.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Hands an already connected TCP connection to the node's HTTP server, which then serves it
 * exactly like a connection its own listener accepted (same servlets, same CXF endpoints).
 * This is how a client connection re-created from migrated socket state (tcp-handoff) keeps
 * being served after a handoff.
 *
 * <p>Registered by the bundle {@code org.vanycast.node} once its listeners are open. Service
 * properties: {@value #LISTEN_PROPERTY} (String[]: every address:port the node listens on)
 * and, when a listener could not be opened, {@value #ERRORS_PROPERTY} (String[]).
 */
@ProviderType
public interface ConnectionAdopter {

    String LISTEN_PROPERTY = "vanycast.listen";
    String ERRORS_PROPERTY = "vanycast.listen.errors";

    /**
     * Serves {@code channel} with the Vanycast listener bound to the channel's local address
     * (the listener on the logical address X for a migrated connection to X). The channel is switched to non-blocking mode; from then on the HTTP server owns
     * it and closes it.
     *
     * @throws IOException when no listener of this node matches the channel's local address,
     *         or the channel is not connected
     */
    void adopt(SocketChannel channel) throws IOException;

    /** The addresses the node's listeners are bound to. */
    List<InetSocketAddress> listenAddresses();
}
