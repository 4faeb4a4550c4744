package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.core.spi.SocketState;

/**
 * An in-memory migrator with failure injection. Its "socket state" is a tagged record the
 * acceptor side checks, so corrupt state is detected the way a real migrator would.
 */
public final class FakeMigrator implements ConnectionMigrator {
    static final String TAG = "fake-socket-v1:";

    public volatile boolean failDrain;
    public volatile boolean failFreeze;
    public volatile boolean corruptExtract;
    public volatile boolean failActivate;
    /** Fails only the n-th activation (1-based), to test partly activated batches. */
    public volatile int failActivationNumber = -1;
    private final AtomicInteger activationCalls = new AtomicInteger();
    /** When set, recreate waits for it: an acceptor that is slow to re-create the socket. */
    public volatile java.util.concurrent.CountDownLatch recreateGate;
    /** The timeout each drain call was given, in call order. */
    public final java.util.List<Duration> drainTimeouts = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** When set, runs in each drain with its timeout: e.g. a client that never acknowledges uses it all up. */
    public volatile java.util.function.Consumer<Duration> onDrain;
    public final AtomicInteger released = new AtomicInteger();
    public final AtomicInteger resumed = new AtomicInteger();
    public final AtomicInteger recreated = new AtomicInteger();
    public final AtomicInteger rehearsals = new AtomicInteger();
    public final AtomicInteger activated = new AtomicInteger();
    public final AtomicInteger closedSilently = new AtomicInteger();
    private final Loopback loopback;

    public FakeMigrator(Loopback loopback) {
        this.loopback = loopback;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public void rehearse() {
        rehearsals.incrementAndGet();
    }

    /** Each connection a Prepare announced: logical address and client. */
    public final java.util.List<java.util.List<Object>> expected = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** When set, expect throws it: a migrator that fails to get ready. */
    public volatile RuntimeException failExpect;

    @Override
    public void expect(java.net.InetAddress logical, InetSocketAddress client) {
        expected.add(java.util.List.of(logical, client));
        if (failExpect != null) {
            throw failExpect;
        }
    }

    @Override
    public long drain(SocketChannel connection, Duration timeout) throws IOException {
        if (failDrain) {
            throw new IOException("injected: drain failed");
        }
        drainTimeouts.add(timeout);
        java.util.function.Consumer<Duration> hook = onDrain;
        if (hook != null) {
            hook.accept(timeout);
        }
        return 0;
    }

    @Override
    public FrozenConnection freeze(SocketChannel connection) throws IOException {
        if (failFreeze) {
            throw new IOException("injected: freeze failed");
        }
        return new FrozenConnection() {
            @Override
            public SocketState extract() throws IOException {
                String body = corruptExtract ? "garbage" : TAG + connection.getRemoteAddress();
                return new SocketState((InetSocketAddress) connection.getLocalAddress(),
                        (InetSocketAddress) connection.getRemoteAddress(), body.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public SocketChannel resume() {
                resumed.incrementAndGet();
                return connection;
            }

            @Override
            public void release() throws IOException {
                released.incrementAndGet();
                connection.close();
            }

            @Override
            public void close() throws IOException {
                release();
            }
        };
    }

    @Override
    public RecreatedConnection recreate(SocketState state) throws IOException {
        String body = new String(state.encoded(), StandardCharsets.UTF_8);
        if (!body.startsWith(TAG)) {
            throw new MalformedStateException("bad tag", 0);
        }
        java.util.concurrent.CountDownLatch gate = recreateGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        recreated.incrementAndGet();
        return new RecreatedConnection() {
            @Override
            public SocketChannel activate() throws IOException {
                if (failActivate || activationCalls.incrementAndGet() == failActivationNumber) {
                    throw new IOException("injected: activate failed");
                }
                activated.incrementAndGet();
                return loopback.pair().server();
            }

            @Override
            public void close() {
                closedSilently.incrementAndGet();
            }
        };
    }
}
