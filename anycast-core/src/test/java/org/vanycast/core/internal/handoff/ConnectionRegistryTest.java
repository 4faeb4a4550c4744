package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {

    @Test
    void shouldForgetConnectionsTheServiceClosedWithoutBeingTold() throws Exception {
        InetAddress lo = InetAddress.getByName("::1");
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(lo, 0));
             SocketChannel c1 = SocketChannel.open(server.getLocalAddress());
             SocketChannel s1 = server.accept();
             SocketChannel c2 = SocketChannel.open(server.getLocalAddress());
             SocketChannel s2 = server.accept()) {
            ConnectionRegistry r = new ConnectionRegistry();
            r.track(s1);
            r.track(s2);
            InetSocketAddress client1 = (InetSocketAddress) s1.getRemoteAddress();
            assertEquals(2, r.ofHost(lo, s2).size());

            s1.close();

            assertTrue(r.find(client1).isEmpty(), "a closed connection is not found");
            assertEquals(1, r.ofHost(lo, s2).size(), "nor counted among the client's connections");
            assertEquals(0, r.othersOf(lo, s2));
            assertEquals(1, r.size());
        }
    }
}
