package org.vanycast.core.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hot wait's sleep on a socket: real loopback sockets, the reader thread's view. */
class SocketReadinessTest {
    private static final long LONG = TimeUnit.SECONDS.toNanos(10);

    @Test
    void shouldBeAvailableWhereTheTestsRun() {
        assertEquals(Optional.empty(), ArrivalWait.unavailabilityCause());
    }

    @Test
    void shouldWakeWhenBytesArriveAndTimeOutWhenNoneDo() throws Exception {
        try (ServerSocket server = ServerSocketChannel.open().socket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket client = SocketChannel.open().socket()) {
                client.connect(server.getLocalSocketAddress());
                try (Socket served = server.accept()) {
                    ArrivalWait w = ArrivalWait.on(served, nanos -> {
                        throw new AssertionError("fell back to parking");
                    });
                    assertFalse(w.await(TimeUnit.MILLISECONDS.toNanos(20)), "nothing sent: the time ran out");
                    CompletableFuture<Boolean> woke = CompletableFuture.supplyAsync(() -> w.await(LONG));
                    Thread.sleep(50);
                    client.getOutputStream().write(42);
                    assertTrue(woke.get(5, TimeUnit.SECONDS), "woken by the byte, long before its 10 s");
                    assertEquals(42, served.getInputStream().read(), "the byte is still there for the read");
                    client.close();
                    assertTrue(w.await(LONG), "the peer's close wakes it too, for the read to report");
                    assertEquals(-1, served.getInputStream().read());
                }
            }
        }
    }

    @Test
    void shouldFallBackForASocketWithoutChannel() throws Exception {
        ArrivalWait fallback = ArrivalWait.parking(1_000);
        try (Socket plain = new Socket()) {
            assertSame(fallback, ArrivalWait.on(plain, fallback));
        }
        assertFalse(fallback.await(TimeUnit.SECONDS.toNanos(10)), "parks a slice (1 µs here), not the time asked");
    }
}
