package org.vanycast.tcp.internal.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vanycast.core.spi.ConnectionMigrator.FrozenConnection;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.core.spi.SocketState;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.internal.TcpConnectionState;
import org.vanycast.tcp.internal.TcpStateCodec;

/** The verbs one by one on a real connection, including misuse. */
@Tag("netns")
class MigratorVerbsTest {
    @RegisterExtension
    final MigrationBed bed = new MigrationBed();
    private Testbed testbed;
    private MigrationHarness harness;
    private SocketChannel client;
    private SocketChannel server;

    /** One connection from the client to node 1, accepted; the bed removes the rest. */
    @BeforeEach
    void connect() throws Exception {
        testbed = bed.testbed();
        harness = bed.harness(FreezeMode.SOCKET_FILTER, Duration.ZERO);
        client = testbed.client().call(() -> SocketChannel.open(new InetSocketAddress(Testbed.X, MigrationHarness.PORT)));
        server = Download.acceptOne(harness.listener(1), 10_000);
    }

    @AfterEach
    void disconnect() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldDrainToZeroAndExtractTheFixedPartOnly() throws Exception {
        server.write(ByteBuffer.wrap(new byte[10_000]));
        assertEquals(0, harness.migrator(1).drain(server, Duration.ofSeconds(5)));
        try (FrozenConnection f = harness.migrator(1).freeze(server)) {
            SocketState s = f.extract();
            assertEquals(104, s.size());
            assertEquals(new InetSocketAddress(Testbed.X, MigrationHarness.PORT), s.local());
            f.resume();
        }
    }

    @Test
    void shouldCarryUnreadClientBytesAndKeepServingAfterResume() throws Exception {
        client.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
        FrozenConnection f = harness.migrator(1).freeze(MigrationBed.awaitReadable(server));
        TcpConnectionState s = TcpStateCodec.decode(f.extract().encoded());
        assertEquals("hello", new String(s.received(), StandardCharsets.US_ASCII));
        SocketChannel resumed = f.resume();
        ByteBuffer in = ByteBuffer.allocate(5);
        while (in.hasRemaining()) {
            resumed.read(in);
        }
        assertEquals("hello", new String(in.array(), StandardCharsets.US_ASCII));
        resumed.write(ByteBuffer.wrap("world".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer back = ByteBuffer.allocate(5);
        while (back.hasRemaining()) {
            client.read(back);
        }
        assertEquals("world", new String(back.array(), StandardCharsets.US_ASCII));
    }

    @Test
    void shouldOpenOneSocketAheadPerAnnouncedClientAndReCreateOnIt() throws Exception {
        var acceptor = (org.vanycast.tcp.internal.TcpConnectionMigrator) harness.migrator(2);
        InetSocketAddress local = (InetSocketAddress) server.getLocalAddress();
        InetSocketAddress remote = (InetSocketAddress) server.getRemoteAddress();
        testbed.node(2).call(() -> {
            acceptor.expect(local.getAddress(), remote);
            acceptor.expect(local.getAddress(), remote); // announced again: the earlier one is closed
            return null;
        });
        assertEquals(1, acceptor.spares());

        // the harness announces the connection itself, then migrates it: data still flows both ways
        server.write(ByteBuffer.wrap(new byte[10_000]));
        var result = harness.migrate(server, 1, true, MigrationHarness.Fault.NONE);
        assertEquals(0, acceptor.spares(), "re-created on the socket opened ahead");
        SocketChannel moved = result.channel();
        moved.write(ByteBuffer.wrap("moved".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer in = ByteBuffer.allocate(10_005);
        while (in.hasRemaining()) {
            client.read(in);
        }
        assertEquals("moved", new String(in.array(), 10_000, 5, StandardCharsets.US_ASCII));
        client.write(ByteBuffer.wrap("back".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer back = ByteBuffer.allocate(4);
        while (back.hasRemaining()) {
            moved.read(back);
        }
        assertEquals("back", new String(back.array(), StandardCharsets.US_ASCII));
        server = moved;
    }

    @Test
    void shouldReturnUnacknowledgedBytesWhenDrainTimesOut() throws Exception {
        testbed.limitClientReceiveBuffer(64 * 1024);
        // the client reads nothing: after its buffer fills, the server's queue cannot drain
        server.configureBlocking(false);
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        while (server.write(b) > 0) {
            // fill until the kernel takes no more
        }
        server.configureBlocking(true);
        var migrator = (org.vanycast.tcp.internal.TcpConnectionMigrator) harness.migrator(1);
        long before = migrator.rehearsals();
        long left = migrator.drain(server, Duration.ofMillis(20));
        assertTrue(left > 0, "bytes still unacknowledged: " + left);
        // while it polls, the drain keeps the freeze's and extraction's native calls warm
        assertTrue(migrator.rehearsals() - before >= 2, "rehearsals during 20 ms: " + (migrator.rehearsals() - before));
    }

    @Test
    void shouldRefuseVerbsOutOfOrder() throws Exception {
        FrozenConnection f = harness.migrator(1).freeze(server);
        f.resume();
        assertThrows(IllegalStateException.class, f::extract);
        assertThrows(IllegalStateException.class, f::release);
    }

    @Test
    void shouldRefuseStateWhoseEnvelopeDisagreesWithTheRecord() throws Exception {
        SocketState state;
        try (FrozenConnection f = harness.migrator(1).freeze(server)) {
            state = f.extract();
            f.resume();
        }
        SocketState forged = new SocketState(state.local(), new InetSocketAddress(Testbed.NODE2, 4242), state.encoded());
        assertThrows(MalformedStateException.class, () -> testbed.node(2).call(() -> harness.migrator(2).recreate(forged)));
        assertTrue(testbed.tcpConnections("n2").stream().noneMatch(l -> l.contains("[fd00:ca5e:1::2]")));
    }
}
