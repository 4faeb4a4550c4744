package org.vanycast.soap.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/** An HTTP server connector that can take in a connection accepted on another node. */
public interface AdoptionTarget {

    boolean serves(InetSocketAddress local);

    void adopt(SocketChannel channel, byte[] alreadyRead) throws IOException;
}
