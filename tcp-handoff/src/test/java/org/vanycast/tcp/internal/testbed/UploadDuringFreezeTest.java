package org.vanycast.tcp.internal.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.internal.testbed.MigrationHarness.Fault;

/**
 * The client keeps sending while the connection is frozen and moved: every byte reaches the
 * acceptor's application once and in order, read through the adopted channel with a selector.
 */
@Tag("netns")
class UploadDuringFreezeTest {
    private static final int TOTAL = 4 << 20;
    private static final int READ_BEFORE_HANDOFF = 1 << 20;
    @RegisterExtension
    final MigrationBed bed = new MigrationBed();

    private static byte pattern(long i) {
        return (byte) (i * 7 + (i >>> 11));
    }

    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void clientDataSentDuringFreezeArrivesInOrderAtAcceptor(FreezeMode mode) throws Exception {
        Testbed testbed = bed.testbed();
        MigrationHarness harness = bed.harness(mode);
        // small node buffers: the client is still sending when the connection is frozen
        testbed.limitNodeReceiveBuffer(1, 256 * 1024);
        testbed.limitNodeReceiveBuffer(2, 256 * 1024);
        Future<String> client = testbed.client().spawn("uploader", () -> {
            try (SocketChannel c = SocketChannel.open(new InetSocketAddress(Testbed.X, MigrationHarness.PORT))) {
                ByteBuffer b = ByteBuffer.allocate(16 * 1024);
                for (long sent = 0; sent < TOTAL; ) {
                    b.clear();
                    while (b.hasRemaining() && sent + b.position() < TOTAL) {
                        b.put(pattern(sent + b.position()));
                    }
                    b.flip();
                    sent += b.remaining();
                    while (b.hasRemaining()) {
                        c.write(b);
                    }
                }
                c.shutdownOutput();
                ByteBuffer reply = ByteBuffer.allocate(64);
                while (c.read(reply) >= 0) {
                    // until the server closes
                }
                return new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII);
            }
        });
        SocketChannel donorSide = Download.acceptOne(harness.listener(1), 20_000);
        long position = readAndCheck(donorSide, 0, READ_BEFORE_HANDOFF);
        MigrationBed.awaitReadable(donorSide); // so the receive queue is not empty at the freeze

        MigrationHarness.Result r = harness.migrate(donorSide, 1, false, Fault.NONE);
        assertEquals(2, r.node(), "handoff failed: " + r.acceptorError());
        assertTrue(r.state().received().length > 0, "unread client data travelled in the state");

        SocketChannel acceptorSide = r.channel();
        position = readToEndWithSelector(acceptorSide, position);
        assertEquals(TOTAL, position, "bytes received in total");
        acceptorSide.write(ByteBuffer.wrap(("OK " + position).getBytes(StandardCharsets.US_ASCII)));
        acceptorSide.close();
        assertEquals("OK " + TOTAL, client.get(30, TimeUnit.SECONDS));
        assertEquals(0L, testbed.counters().get("rst"), "RST seen by the router");
    }

    private static long readAndCheck(SocketChannel ch, long position, long until) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        while (position < until) {
            b.clear().limit((int) Math.min(b.capacity(), until - position));
            if (ch.read(b) < 0) {
                throw new IOException("client closed early at " + position);
            }
            position = check(b, position);
        }
        return position;
    }

    private static long check(ByteBuffer b, long position) {
        b.flip();
        while (b.hasRemaining()) {
            byte got = b.get();
            if (got != pattern(position)) {
                throw new AssertionError("byte " + position + " out of order or corrupt");
            }
            position++;
        }
        return position;
    }

    /** The adopted channel in non-blocking mode under a selector, as a server's event loop would use it. */
    private static long readToEndWithSelector(SocketChannel ch, long position) throws IOException {
        ch.configureBlocking(false);
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        try (Selector s = Selector.open()) {
            ch.register(s, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                s.select(1_000);
                s.selectedKeys().clear();
                int n;
                while ((n = ch.read(b.clear())) > 0) {
                    position = check(b, position);
                }
                if (n < 0) {
                    break;
                }
            }
        }
        ch.configureBlocking(true);
        return position;
    }
}
