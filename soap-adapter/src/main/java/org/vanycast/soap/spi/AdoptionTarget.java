package org.vanycast.soap.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An HTTP server connector that can take in a connection accepted on another node and serve
 * it like any connection it accepted itself. The Vanycast Jetty connector is one; another
 * HTTP server can implement it and register with the {@code SoapHandoff}.
 */
@ConsumerType
public interface AdoptionTarget {

    /** Whether this connector listens on {@code local}, the logical address and port of the connection. */
    boolean serves(InetSocketAddress local);

    /**
     * Serves {@code channel} from now on. {@code alreadyRead} are bytes the client sent that
     * the donor had read off the socket (or a request to replay): the server reads them first.
     */
    void adopt(SocketChannel channel, byte[] alreadyRead) throws IOException;
}
