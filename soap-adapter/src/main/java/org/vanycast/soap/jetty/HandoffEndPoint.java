package org.vanycast.soap.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.soap.internal.ConnectionKey;
import org.vanycast.soap.internal.ServerSide;
import org.vanycast.soap.internal.TrackedConnection;

/**
 * A Jetty endpoint whose reads and writes pass through its {@link TrackedConnection}: writes
 * are seen by the wire tracker after the socket took them and can be held; reads can be held
 * at request boundaries; an adopted connection first serves the bytes the donor had read.
 */
final class HandoffEndPoint extends SocketChannelEndPoint implements ServerSide {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffEndPoint.class);
    private static final long WATCH_MILLIS = 100;

    private final TrackedConnection tracked;
    private final Executor executor;
    private final Scheduler scheduler;
    private final ManagedSelector managedSelector;
    private ByteBuffer prefix;
    private volatile int detachedInterest;
    // Set while the key is cancelled for a handoff: Jetty's queued interest updates (a held write
    // asks for OP_WRITE) must not touch the cancelled key — ChannelEndPoint closes the endpoint on
    // CancelledKeyException, which killed a connection captured mid-response.
    private volatile boolean detached;

    HandoffEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
            Executor executor, ByteBuffer prefix, int maxResponseHead) throws IOException {
        super(channel, selector, key, scheduler);
        this.tracked = new TrackedConnection(ConnectionKey.of(channel), this, maxResponseHead);
        this.executor = executor;
        this.scheduler = scheduler;
        this.managedSelector = selector;
        this.prefix = prefix != null && prefix.hasRemaining() ? prefix : null;
    }

    TrackedConnection tracked() {
        return tracked;
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
        if (!tracked.mayRead()) {
            return 0;
        }
        synchronized (this) {
            if (prefix != null) {
                int pos = BufferUtil.flipToFill(buffer);
                int n = Math.min(prefix.remaining(), buffer.remaining());
                ByteBuffer slice = prefix.duplicate();
                slice.limit(slice.position() + n);
                buffer.put(slice);
                prefix.position(prefix.position() + n);
                BufferUtil.flipToFlush(buffer, pos);
                if (!prefix.hasRemaining()) {
                    prefix = null;
                }
                return n;
            }
        }
        return super.fill(buffer);
    }

    @Override
    protected void needsFillInterest() {
        synchronized (this) {
            if (prefix != null) {
                // The donor's bytes are already here: no reason to wait for the socket.
                executor.execute(() -> getFillInterest().fillable());
                return;
            }
        }
        if (tracked.deferReadInterest()) {
            return;
        }
        super.needsFillInterest();
    }

    @Override
    public boolean flush(ByteBuffer... buffers) throws IOException {
        if (!tracked.tryBeginWrite()) {
            // Held by a handoff: to Jetty this looks like a full socket.
            for (ByteBuffer b : buffers) {
                if (b.hasRemaining()) {
                    return false;
                }
            }
            return true;
        }
        ByteBuffer[] before = new ByteBuffer[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            before[i] = buffers[i].duplicate();
        }
        try {
            return super.flush(buffers);
        } finally {
            tracked.afterWrite(before, buffers);
        }
    }

    @Override
    protected void onIncompleteFlush() {
        if (!tracked.deferWriteInterest()) {
            super.onIncompleteFlush();
        }
    }

    @Override
    public void resumeWriting() {
        super.onIncompleteFlush();
    }

    @Override
    public int inputBuffered() {
        if (getConnection() instanceof HttpConnection h) {
            ByteBuffer b = h.getRequestBuffer();
            return b == null ? 0 : b.remaining();
        }
        return 0;
    }

    @Override
    public boolean parserAtStart() {
        return !(getConnection() instanceof HttpConnection h) || h.getParser().isStart();
    }

    @Override
    public void resumeReading() {
        if (getFillInterest().isInterested()) {
            super.needsFillInterest();
        }
    }

    @Override
    public void detach() {
        // The JDK keeps the fd of a selector-registered channel open after close() until the
        // selector deregisters it: the migrator's close of the released socket would not free
        // the 4-tuple, and the same connection could not come back to this node.
        detached = true;
        managedSelector.submit(selector -> {
            SelectionKey key = getChannel().keyFor(selector);
            if (key != null) {
                detachedInterest = key.isValid() ? key.interestOps() : 0;
                key.cancel();
            }
        });
        scheduler.schedule(this::watchRelease, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A coordinator that never calls {@code released}: forget the connection once the migrator closed it. */
    private void watchRelease() {
        if (tracked.handoff() != TrackedConnection.Handoff.CAPTURED) {
            return;
        }
        if (!getChannel().isOpen()) {
            tracked.released(0);
        } else {
            scheduler.schedule(this::watchRelease, WATCH_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void reattach() {
        managedSelector.submit(selector -> {
            try {
                SelectionKey old = getChannel().keyFor(selector);
                if (old != null && !old.isValid()) {
                    // Cancelled at capture but not yet deregistered (no select since): flush it.
                    selector.selectNow();
                }
                replaceKey(getChannel().register(selector, detachedInterest, this));
                detached = false;
                super.updateKey(); // interest changes asked for while detached

            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: could not take the connection back after a rollback: {}", tracked.key(), e.toString());
                close(e);
            }
        });
    }

    @Override
    public void updateKey() {
        if (!detached) {
            super.updateKey();
        }
    }

    @Override
    public void abandon(long delayNanos) {
        LOG.debug("{}: handed off, closing the local endpoint in {} ms", tracked.key(), delayNanos / 1_000_000);
        if (delayNanos <= 0) {
            close();
        } else {
            scheduler.schedule(this::close, delayNanos, TimeUnit.NANOSECONDS);
        }
    }
}
