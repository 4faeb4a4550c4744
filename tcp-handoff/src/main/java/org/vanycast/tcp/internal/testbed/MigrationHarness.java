package org.vanycast.tcp.internal.testbed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.vanycast.core.spi.ConnectionMigrator.FrozenConnection;
import org.vanycast.core.spi.ConnectionMigrator.RecreatedConnection;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.core.spi.SocketState;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.api.TcpMigration;
import org.vanycast.tcp.api.TcpMigrator;
import org.vanycast.tcp.internal.TcpConnectionState;
import org.vanycast.tcp.internal.TcpStateCodec;

/**
 * Two service nodes on a {@link Testbed}, each with a migrator created inside its namespace,
 * a listener on [X]:{@value #PORT} and a state link (a TCP connection between the nodes, over
 * the router) that carries {@code SocketState} records. {@link #migrate} performs one
 * handoff phase by phase, timing each, optionally with a failure on the acceptor side.
 */
public final class MigrationHarness implements AutoCloseable {
    public static final int PORT = 8080;
    private static final int CONTROL_PORT = 7000;

    /** What goes wrong on the acceptor during a handoff. */
    public enum Fault { NONE, ACCEPTOR_REFUSES, ACCEPTOR_CRASHES, CORRUPT_STATE, TRUNCATED_STATE }

    /** What one migrate call did. {@code node} serves the connection afterwards. */
    public record Result(SocketChannel channel, int node, PhaseTimes times, TcpConnectionState state,
            Exception acceptorError, long donorPacketsAtSwitch, long acceptorPacketsBeforeSwitch) {
        public boolean migrated() {
            return acceptorError == null && times.activate() >= 0;
        }
    }

    private final Testbed testbed;
    private volatile boolean countDonorPackets;
    private volatile long switchDelayNanos;
    private final TcpMigrator[] migrators = new TcpMigrator[3];
    private final ServerSocketChannel[] listeners = new ServerSocketChannel[3];
    private final SocketChannel[][] linkOut = new SocketChannel[3][3];
    private final SocketChannel[][] linkIn = new SocketChannel[3][3];
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "state-link-writer");
        t.setDaemon(true);
        return t;
    });

    public MigrationHarness(Testbed testbed, FreezeMode mode, Duration releaseGrace) throws IOException {
        this.testbed = testbed;
        try {
            ServerSocketChannel[] control = new ServerSocketChannel[3];
            for (int n = 1; n <= 2; n++) {
                NsThread ns = testbed.node(n);
                migrators[n] = ns.call(() -> TcpMigration.create(mode, releaseGrace));
                int node = n;
                listeners[n] = ns.call(() -> ServerSocketChannel.open().bind(new InetSocketAddress(Testbed.X, PORT)));
                control[n] = ns.call(() -> ServerSocketChannel.open()
                        .bind(new InetSocketAddress(testbed.nodeAddress(node), CONTROL_PORT)));
            }
            for (int from = 1; from <= 2; from++) {
                int to = 3 - from;
                linkOut[from][to] = testbed.node(from).call(() -> SocketChannel.open(
                        new InetSocketAddress(testbed.nodeAddress(to), CONTROL_PORT)));
                linkIn[from][to] = control[to].accept();
            }
            control[1].close();
            control[2].close();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Reads the router's counters of packets from the acceptor right before and from the donor
     * right after each switch (a fork of
     * {@code nft}, milliseconds: for tests that check the donor stays silent, not for timing).
     */
    public void countDonorPacketsAtSwitch(boolean on) {
        countDonorPackets = on;
    }

    /** Waits this long between re-creating and switching the traffic (0: no wait). */
    public void delaySwitch(Duration delay) {
        switchDelayNanos = delay.toNanos();
    }

    public Testbed testbed() {
        return testbed;
    }

    public ServerSocketChannel listener(int node) {
        return listeners[node];
    }

    public TcpMigrator migrator(int node) {
        return migrators[node];
    }

    /**
     * Hands {@code channel} (served by node {@code from}) over to the other node: drain
     * (optional), freeze, extract, ship over the state link, re-create, switch the route,
     * activate, release. With a fault the donor resumes instead and keeps serving.
     */
    public Result migrate(SocketChannel channel, int from, boolean drain, Fault fault) throws IOException {
        int to = 3 - from;
        TcpMigrator donor = migrators[from];
        TcpMigrator acceptor = migrators[to];
        // as a node's Prepare does: the acceptor gets ready (a socket opened ahead) before the drain
        InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
        InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
        testbed.node(to).call(() -> {
            acceptor.expect(local.getAddress(), remote);
            return null;
        });
        long drainNs = 0;
        if (drain) {
            long t = System.nanoTime();
            donor.drain(channel, Duration.ofSeconds(2));
            drainNs = System.nanoTime() - t;
        }
        long start = System.nanoTime();
        FrozenConnection frozen = donor.freeze(channel);
        long t1 = System.nanoTime();
        SocketState state;
        try {
            state = frozen.extract();
        } catch (IOException | RuntimeException e) {
            frozen.resume();
            throw e;
        }
        long t2 = System.nanoTime();
        byte[] shipped = ship(state.encoded(), from, to);
        long t3 = System.nanoTime();
        shipped = damage(shipped, fault);
        SocketState received = new SocketState(state.local(), state.remote(), shipped);
        TcpConnectionState decoded = TcpStateCodec.decode(state.encoded());
        long[] recreateNs = new long[1];
        RecreatedConnection recreated;
        try {
            if (fault == Fault.ACCEPTOR_REFUSES) {
                throw new IOException("acceptor refused the connection");
            }
            recreated = testbed.node(to).call(() -> {
                long r0 = System.nanoTime();
                RecreatedConnection rc = acceptor.recreate(received);
                recreateNs[0] = System.nanoTime() - r0;
                return rc;
            });
            if (fault == Fault.ACCEPTOR_CRASHES) {
                recreated.close(); // the acceptor goes away before the traffic switched
                throw new IOException("acceptor crashed before the switch");
            }
        } catch (IOException | RuntimeException e) {
            SocketChannel resumed = frozen.resume();
            return new Result(resumed, from, new PhaseTimes(drainNs, t1 - start, t2 - t1, t3 - t2, -1, -1, -1,
                    System.nanoTime() - start, state.size()), decoded, e, -1, -1);
        }
        long acceptorPackets = -1;
        if (switchDelayNanos > 0) {
            // a slow redirection (e.g. a binding update over a WAN): the re-created socket waits
            java.util.concurrent.locks.LockSupport.parkNanos(switchDelayNanos);
        }
        if (countDonorPackets) {
            acceptorPackets = testbed.counters().getOrDefault(to == 1 ? "x_n1" : "x_n2", -1L);
        }
        long t4 = System.nanoTime();
        testbed.switchTo(to);
        long t5 = System.nanoTime();
        SocketChannel active;
        try {
            active = recreated.activate();
        } catch (IOException | RuntimeException e) {
            // the acceptor lost the socket after the switch: point the traffic back, the donor serves on
            recreated.close();
            testbed.switchTo(from);
            SocketChannel resumed = frozen.resume();
            return new Result(resumed, from, new PhaseTimes(drainNs, t1 - start, t2 - t1, t3 - t2, recreateNs[0],
                    t5 - t4, -1, System.nanoTime() - start, state.size()), decoded, e, -1, -1);
        }
        long t6 = System.nanoTime();
        frozen.release();
        long donorPackets = countDonorPackets ? testbed.counters().getOrDefault(from == 1 ? "x_n1" : "x_n2", -1L) : -1;
        return new Result(active, to, new PhaseTimes(drainNs, t1 - start, t2 - t1, t3 - t2, recreateNs[0], t5 - t4,
                t6 - t5, t6 - start, state.size()), decoded, null, donorPackets, acceptorPackets);
    }

    private byte[] ship(byte[] record, int from, int to) throws IOException {
        SocketChannel out = linkOut[from][to];
        SocketChannel in = linkIn[from][to];
        Future<?> w = writer.submit(() -> {
            ByteBuffer b = ByteBuffer.allocate(4 + record.length).putInt(record.length).put(record).flip();
            while (b.hasRemaining()) {
                out.write(b);
            }
            return null;
        });
        ByteBuffer len = ByteBuffer.allocate(4);
        readFully(in, len);
        ByteBuffer body = ByteBuffer.allocate(len.flip().getInt());
        readFully(in, body);
        try {
            w.get();
        } catch (Exception e) {
            throw new IOException("state link write failed", e);
        }
        return body.array();
    }

    private static void readFully(SocketChannel in, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (in.read(b) < 0) {
                throw new IOException("state link closed");
            }
        }
    }

    private static byte[] damage(byte[] record, Fault fault) {
        if (fault == Fault.CORRUPT_STATE) {
            byte[] c = record.clone();
            c[c.length / 2] ^= 0x5a; // a bit error in the fixed part or the queue data
            return c;
        }
        if (fault == Fault.TRUNCATED_STATE) {
            return java.util.Arrays.copyOf(record, record.length / 2);
        }
        return record;
    }

    /** Whether {@code e} is the migrator refusing a malformed record. */
    public static boolean isMalformed(Exception e) {
        return e instanceof MalformedStateException;
    }

    @Override
    public void close() {
        writer.shutdownNow();
        for (int i = 1; i <= 2; i++) {
            closeQuietly(listeners[i]);
            for (int j = 1; j <= 2; j++) {
                closeQuietly(linkOut[i][j]);
                closeQuietly(linkIn[i][j]);
            }
            if (migrators[i] != null) {
                migrators[i].close();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort at tear-down
            }
        }
    }
}
