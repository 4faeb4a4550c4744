package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.MalformedStateException;

/** A service's state codec: its state is {@link #STATE}; anything else is corrupt. */
public final class FakeCodec implements AppStateCodec {
    public static final byte[] STATE = "http:GET /file;sent=500000".getBytes();

    private final int port;
    public volatile boolean allPorts;
    public final List<byte[]> restored = new CopyOnWriteArrayList<>();
    public final AtomicInteger resumed = new AtomicInteger();
    public final AtomicInteger released = new AtomicInteger();
    /** When set, {@link #prepareRestore} refuses every state with this message (as for a missing document). */
    public volatile String refuse;
    /** When set, the prepared take-over fails once the socket is live. */
    public volatile boolean failRestore;
    public final AtomicInteger discarded = new AtomicInteger();
    /** Take-overs prepared (refused ones not counted). */
    public final AtomicInteger prepared = new AtomicInteger();

    public FakeCodec(int port) {
        this.port = port;
    }

    @Override
    public boolean handles(int localPort) {
        return allPorts || localPort == port;
    }

    @Override
    public Optional<byte[]> capture(SocketChannel connection, Duration timeout) {
        return Optional.of(STATE.clone());
    }

    @Override
    public void resumeLocally(SocketChannel connection, byte[] state) {
        resumed.incrementAndGet();
    }

    @Override
    public void released(SocketChannel connection) {
        released.incrementAndGet();
    }

    @Override
    public void restore(SocketChannel connection, byte[] state) {
        restored.add(state);
    }

    @Override
    public Restore prepareRestore(byte[] state) throws IOException {
        validate(state);
        prepared.incrementAndGet();
        if (refuse != null) {
            throw new IOException(refuse);
        }
        return new Restore() {
            @Override
            public void restore(SocketChannel connection) throws IOException {
                if (failRestore) {
                    throw new IOException("the service gave up on the connection");
                }
                FakeCodec.this.restore(connection, state);
            }

            @Override
            public void discard() {
                discarded.incrementAndGet();
            }
        };
    }

    @Override
    public void validate(byte[] state) throws MalformedStateException {
        if (!Arrays.equals(state, STATE)) {
            throw new MalformedStateException("not a state of this service", 0);
        }
    }
}
