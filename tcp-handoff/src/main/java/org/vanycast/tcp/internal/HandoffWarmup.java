package org.vanycast.tcp.internal;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.spi.ConnectionMigrator.FrozenConnection;
import org.vanycast.core.spi.ConnectionMigrator.RecreatedConnection;
import org.vanycast.core.spi.SocketState;

/**
 * Warms the handoff path up when a migrator starts: a node's first handoff otherwise pays for
 * class loading, JNA's function binding and the interpreter (measured in the node containers:
 * re-create 13-53 ms and freeze + extract 3-5 ms for the first handoffs, well under a
 * millisecond once warm). Runs a few complete migrations of its own connections over
 * {@code [::1]} in the caller's network namespace: connect, accept, then on the accepted side
 * drain, freeze, extract, release, re-create (which closes the released copy first), activate,
 * and bytes both ways, checked, before and after.
 *
 * <p>It shares the migrator with real handoffs, which stay safe: everything the migrator keeps
 * per connection (pending releases, the socket filter freezer's saved marks, the nftables drop
 * set) is keyed by the 4-tuple, and a loopback 4-tuple is never a client's. Its failures are
 * logged (debug, and one info line at the end) and never leave this class.
 */
final class HandoffWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffWarmup.class);
    /** Per migration: a stuck loopback connection must not hold the thread (and its sockets) forever. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(2);

    /** What a warm-up did: {@code migrations} verified migrations, or why it stopped or was skipped. */
    record Result(int requested, int migrations, long nanos, Optional<String> stopCause) {
        boolean complete() {
            return migrations == requested && stopCause.isEmpty();
        }
    }

    private final TcpConnectionMigrator migrator;
    private final int migrations;
    private volatile boolean cancelled;

    HandoffWarmup(TcpConnectionMigrator migrator, int migrations) {
        this.migrator = Objects.requireNonNull(migrator, "migrator");
        if (migrations < 0) {
            throw new IllegalArgumentException("negative warm-up count " + migrations);
        }
        this.migrations = migrations;
    }

    /**
     * Starts the warm-up on a daemon thread (which inherits the caller's network namespace) and
     * returns it, or returns {@code null} when the count is 0.
     */
    Thread start() {
        if (migrations == 0) {
            LOG.debug("handoff path warm-up off");
            return null;
        }
        Thread t = new Thread(this::run, "vanycast-tcp-warmup");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Asks a running warm-up to stop after the migration in progress. */
    void cancel() {
        cancelled = true;
    }

    /** Runs the warm-up on the calling thread; logs the one info line and never throws. */
    Result run() {
        long t0 = System.nanoTime();
        Result r;
        try {
            r = runMigrations(t0);
        } catch (RuntimeException | Error e) {
            // nothing of a warm-up may reach the caller, not even a bug of ours
            LOG.debug("handoff path warm-up failed", e);
            r = new Result(migrations, 0, System.nanoTime() - t0, Optional.of(e.toString()));
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(r.nanos());
        if (r.requested() == 0) {
            LOG.debug("handoff path warm-up off");
        } else if (r.complete()) {
            LOG.info("handoff path warmed: {} loopback migrations in {} ms", r.migrations(), ms);
        } else if (r.migrations() == 0 && r.stopCause().isPresent()) {
            LOG.info("handoff path not warmed: {}", r.stopCause().get());
        } else {
            LOG.info("handoff path warmed partly: {} of {} loopback migrations in {} ms ({})", r.migrations(),
                    r.requested(), ms, r.stopCause().orElse("?"));
        }
        return r;
    }

    private Result runMigrations(long t0) {
        if (migrations == 0) {
            return new Result(0, 0, 0, Optional.empty());
        }
        Optional<String> unavailable = migrator.unavailabilityCause();
        if (unavailable.isPresent()) {
            return new Result(migrations, 0, System.nanoTime() - t0,
                    Optional.of("TCP migration unavailable: " + unavailable.get()));
        }
        ServerSocketChannel listener;
        try {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(loopback(), 0));
        } catch (IOException e) {
            // the migrator is IPv6 only: no [::1] (loopback down, IPv6 off), no warm-up
            LOG.debug("handoff path warm-up: no [::1] listener here", e);
            return new Result(migrations, 0, System.nanoTime() - t0, Optional.of("no [::1] here: " + e));
        }
        int done = 0;
        try (listener) {
            for (int i = 0; i < migrations; i++) {
                if (cancelled) {
                    return new Result(migrations, done, System.nanoTime() - t0, Optional.of("cancelled"));
                }
                migrateOne(listener, i);
                done++;
            }
            return new Result(migrations, done, System.nanoTime() - t0, Optional.empty());
        } catch (IOException | RuntimeException e) {
            LOG.debug("handoff path warm-up: loopback migration {} failed", done + 1, e);
            return new Result(migrations, done, System.nanoTime() - t0, Optional.of(e.toString()));
        }
    }

    /** One loopback connection, migrated in place and checked end to end; closes all it opened. */
    private void migrateOne(ServerSocketChannel listener, int i) throws IOException {
        byte[] toServerBefore = bytes("c>s before " + i);
        byte[] toClientBefore = bytes("s>c before " + i);
        byte[] toServerAfter = bytes("c>s after " + i);
        byte[] toClientAfter = bytes("s>c after " + i);
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                SocketChannel accepted = listener.accept()) {
            writeFully(client, toServerBefore);
            writeFully(accepted, toClientBefore);
            // unread on both sides: the server's bytes wait in the client's queue, the
            // client's travel in the extracted state's receive queue
            migrator.drain(accepted, STEP_TIMEOUT);
            SocketState state;
            try (FrozenConnection frozen = migrator.freeze(accepted)) {
                state = frozen.extract();
                frozen.release(); // the accepted channel now belongs to the migrator
            }
            try (RecreatedConnection recreated = migrator.recreate(state);
                    SocketChannel served = recreated.activate()) {
                writeFully(served, toClientAfter);
                expect(client, concat(toClientBefore, toClientAfter), deadline, "client");
                writeFully(client, toServerAfter);
                expect(served, concat(toServerBefore, toServerAfter), deadline, "re-created server");
            }
        }
    }

    private static InetAddress loopback() throws UnknownHostException {
        return Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void writeFully(SocketChannel ch, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            ch.write(buf); // a few bytes into an empty loopback buffer: never blocks
        }
    }

    /** Reads exactly {@code expected.length} bytes by {@code deadline} and compares them. */
    private static void expect(SocketChannel ch, byte[] expected, long deadline, String who) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(expected.length);
        ch.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_READ);
            while (in.hasRemaining()) {
                if (ch.read(in) < 0) {
                    throw new IOException(who + " saw end of stream after " + in.position() + " bytes");
                }
                if (!in.hasRemaining()) {
                    break;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IOException(who + " got " + in.position() + " of " + expected.length
                            + " bytes in time");
                }
                sel.select(left);
                sel.selectedKeys().clear();
            }
        } finally {
            ch.configureBlocking(true); // also deregisters: the selector is closed
        }
        if (!Arrays.equals(in.array(), expected)) {
            throw new IOException(who + " read different bytes: '"
                    + new String(in.array(), StandardCharsets.US_ASCII) + "'");
        }
    }
}
