package org.vanycast.node.internal.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;

import org.junit.jupiter.api.Test;

/**
 * Binding only: no address is configured and no packet is sent. fd00:5a:ff::77 is a ULA
 * address no interface of this host has.
 */
class FreebindTest {

    private static final InetSocketAddress NOT_LOCAL = new InetSocketAddress(addr("fd00:5a:ff::77"), 0);

    private static InetAddress addr(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldBeAvailableOnLinux() {
        assertTrue(Freebind.isAvailable(), () -> String.valueOf(Freebind.unavailabilityCause()));
    }

    @Test
    void shouldRefuseNonLocalBindWithoutFreebind() throws IOException {
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            assertThrows(IOException.class, () -> channel.bind(NOT_LOCAL));
        }
    }

    @Test
    void shouldListenOnAddressNoInterfaceHasWithFreebind() throws IOException {
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            Freebind.enable(channel, true);
            channel.bind(NOT_LOCAL);
            assertEquals(NOT_LOCAL.getAddress(), ((InetSocketAddress) channel.getLocalAddress()).getAddress());
        }
    }

    @Test
    void shouldNameTheCallWhenSetsockoptFails() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET6);
        int fd = Freebind.fileDescriptor(channel);
        channel.close(); // the descriptor is now invalid: setsockopt must fail with EBADF
        IOException e = assertThrows(IOException.class, () -> Freebind.enable(channel, true));
        assertTrue(e.getMessage().contains("setsockopt(IPV6_FREEBIND)") || e.getMessage().contains("file descriptor"),
                e.getMessage() + " fd " + fd);
    }
}
