package org.vanycast.core.internal.channel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.internal.wire.MalformedMessageException;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.internal.wire.WireCodec;

/** One authenticated TLS connection to a peer node; both sides send and receive on it. */
final class PeerLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    /**
     * Between two polls for an awaited message where the reader cannot sleep on its socket
     * ({@link SocketReadiness}): short, but the core is not held (spinning on it instead slowed
     * the handoffs down on the 2-vCPU test machine, where the download's own processes need
     * both cores meanwhile).
     */
    static final long PARK_NANOS = 50_000;
    /** The shortest sleep between two looks at the socket while a message is awaited. */
    private static final long MIN_WAIT_NANOS = 5_000;

    private final String peer;
    private final SSLSocket socket;
    /** The TCP connection under {@link #socket}: closed directly to cut off a stuck write. */
    private final Socket tcp;
    private final OutputStream out;
    /** Closes this link when a write is still in progress at its deadline. */
    private final ScheduledExecutorService watchdog;
    /** How the reader waits for an awaited message's bytes between rehearsals (ppoll on {@link #tcp}, or parking). */
    private final ArrivalWait arrival;
    /** One writer at a time; a sender waits for it only until its own deadline. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Deadline (nanoTime) of the write in progress; 0 when none is. */
    private volatile long writeDeadline;
    /** The earliest pending watchdog check and when it runs; guarded by {@code this}. */
    private ScheduledFuture<?> check;
    private long checkAt;
    private volatile boolean stalled;
    private volatile boolean closed;

    PeerLink(String peer, SSLSocket socket, Socket tcp, ScheduledExecutorService watchdog) throws IOException {
        this.peer = peer;
        this.socket = socket;
        this.tcp = tcp;
        this.watchdog = watchdog;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.arrival = ArrivalWait.on(tcp, ArrivalWait.parking(PARK_NANOS));
    }

    String peer() {
        return peer;
    }

    String protocol() {
        return socket.getSession().getProtocol();
    }

    String cipherSuite() {
        return socket.getSession().getCipherSuite();
    }

    boolean isOpen() {
        return !closed && !socket.isClosed();
    }

    /**
     * Writes {@code m}; a write still in progress at {@code deadlineNanos} (System.nanoTime)
     * has the link closed under it and fails with {@link WriteTimeoutException}.
     */
    void send(NodeMessage m, long deadlineNanos) throws IOException {
        long t0 = System.nanoTime();
        byte[] frame = WireCodec.encode(m);
        long t1 = System.nanoTime();
        try {
            if (!writeLock.tryLock(Math.max(0, deadlineNanos - t1), TimeUnit.NANOSECONDS)) {
                // the write ahead of this one is stuck on a peer that stopped reading (the channel
                // drops the link on this failure, which ends that write too)
                throw new WriteTimeoutException("the link to " + peer + " is blocked by an earlier write");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to write to " + peer);
        }
        try {
            watch(deadlineNanos);
            try {
                out.write(frame);
                out.flush();
            } catch (IOException e) {
                if (stalled) {
                    throw new WriteTimeoutException("write to " + peer + " did not finish in time: " + e.getMessage(), e);
                }
                throw e;
            } finally {
                writeDeadline = 0;
            }
        } finally {
            writeLock.unlock();
        }
        if (LOG.isDebugEnabled()) {
            // what a handoff's TRANSFER phase is made of on this side (encoding, then TLS + socket
            // write); monotonic times compare between the nodes' processes on one host (CLOCK_MONOTONIC)
            long t2 = System.nanoTime();
            LOG.debug("sent {} to {}: {} bytes, encode {} us, tls write {} us, from {} to {} us monotonic", m.type(), peer,
                    frame.length, (t1 - t0) / 1000, (t2 - t1) / 1000, t0 / 1000, t2 / 1000);
        }
    }

    /**
     * Makes sure a watchdog check runs by {@code deadline}. Checks are not cancelled when the
     * write returns: one pending check covers all writes until it runs, so a burst of sends
     * (Prepare, Init, ...) costs no wake-up of the watchdog thread each.
     */
    private void watch(long deadline) {
        writeDeadline = deadline;
        synchronized (this) {
            if (check != null && checkAt - deadline <= 0) {
                return;
            }
            if (check != null) {
                check.cancel(false);
            }
            schedule(deadline, System.nanoTime());
        }
    }

    /** Caller holds {@code this}. */
    private void schedule(long at, long now) {
        checkAt = at;
        try {
            check = watchdog.schedule(this::checkWrite, Math.max(0, at - now), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            check = null; // the channel is closing; so is this link
        }
    }

    private void checkWrite() {
        synchronized (this) {
            check = null;
            long deadline = writeDeadline;
            if (deadline == 0) {
                return;
            }
            long now = System.nanoTime();
            if (now - deadline < 0) {
                schedule(deadline, now); // a later write than the one this check was for
                return;
            }
        }
        LOG.debug("write to {} did not finish by its deadline: closing the link", peer);
        stalled = true;
        try {
            // the TCP connection first: closing the TLS socket would send close_notify, which
            // waits for the stuck write to finish
            tcp.close();
        } catch (IOException e) {
            LOG.debug("closing the connection to {}: {}", peer, e.toString());
        }
        close();
    }

    /**
     * Reads frames until the connection ends. A frame whose body is malformed is dropped and
     * counted; a bad header means the framing is lost, so the link is closed.
     */
    void readLoop(NodeTransport.Inbound inbound, Runnable malformed, Consumer<PeerLink> onClose) {
        readLoop(inbound, malformed, onClose, () -> HotWait.NONE);
    }

    /** As above; while {@code hot} expects a message from the peer, the reader polls instead of blocking. */
    void readLoop(NodeTransport.Inbound inbound, Runnable malformed, Consumer<PeerLink> onClose,
            java.util.function.Supplier<HotWait> hot) {
        TimerSlack.tighten(); // this thread's hot waits sleep until their next rehearsal (50 µs at a time where they poll)
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024))) {
            InputStream wire = tcp.getInputStream();
            byte[] header = new byte[WireCodec.HEADER_BYTES];
            while (!closed) {
                long seen = awaitHot(hot.get(), in, wire);
                in.readFully(header);
                int length;
                try {
                    length = WireCodec.bodyLength(header);
                } catch (MalformedMessageException e) {
                    malformed.run();
                    LOG.debug("closing link to {}: {}", peer, e.getMessage());
                    return;
                }
                long t0 = System.nanoTime();
                byte[] frame = new byte[WireCodec.HEADER_BYTES + length];
                System.arraycopy(header, 0, frame, 0, header.length);
                in.readFully(frame, header.length, length);
                long t1 = System.nanoTime();
                NodeMessage m;
                try {
                    m = WireCodec.decode(frame);
                    if (LOG.isDebugEnabled()) {
                        long t2 = System.nanoTime();
                        LOG.debug("received {} from {}: {} bytes, body read {} us, decode {} us, header at {} to {} us"
                                + " monotonic{}", m.type(), peer, frame.length, (t1 - t0) / 1000, (t2 - t1) / 1000, t0 / 1000,
                                t2 / 1000, seen == 0 ? "" : ", seen by a hot wait at " + seen / 1000 + " us");
                    }
                } catch (MalformedMessageException e) {
                    malformed.run();
                    LOG.debug("dropped malformed frame from {}: {}", peer, e.getMessage());
                    continue;
                }
                try {
                    inbound.onMessage(peer, m);
                } catch (RuntimeException e) {
                    LOG.warn("handler failed on {} from {}", m.type(), peer, e);
                }
            }
        } catch (EOFException e) {
            LOG.debug("link to {} closed by peer", peer);
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("link to {} failed: {}", peer, e.toString());
            }
        } finally {
            close();
            onClose.accept(this);
        }
    }

    /**
     * Waits while {@code hot} expects a message from the peer and none has arrived (decrypted
     * data buffered, or bytes in the kernel's receive queue), rehearsing now and then; between
     * rehearsals it sleeps on the socket until bytes arrive or the next rehearsal is due
     * ({@link SocketReadiness}; where that is unavailable it polls every {@link #PARK_NANOS});
     * returns at once when nothing is expected, and after {@link HotWait#maxSpinNanos()} at most.
     *
     * @return when it saw the message arrive (System.nanoTime), or 0 when it did not
     */
    private long awaitHot(HotWait hot, InputStream in, InputStream wire) throws IOException {
        long start = 0;
        long rehearsed = 0;
        while (!closed && hot.expecting(peer)) {
            if (bytesHere(in, wire)) {
                return System.nanoTime();
            }
            long now = System.nanoTime();
            if (start == 0) {
                start = now;
            } else if (now - start > hot.maxSpinNanos()) {
                return 0; // long enough: block as usual
            }
            if (rehearsed == 0 || now - rehearsed >= hot.rehearseEveryNanos()) {
                try {
                    hot.rehearse(peer, () -> arrived(in, wire));
                } catch (RuntimeException e) {
                    LOG.debug("rehearsal for {} failed: {}", peer, e.toString());
                }
                rehearsed = System.nanoTime();
            } else {
                long due = Math.min(rehearsed + hot.rehearseEveryNanos(), start + hot.maxSpinNanos());
                if (arrival.await(Math.max(MIN_WAIT_NANOS, due - now))) {
                    return System.nanoTime(); // bytes, or an end the read reports
                }
            }
        }
        return 0;
    }

    /** Whether a message's bytes are here: decrypted and buffered, or in the kernel's queue. */
    private static boolean bytesHere(InputStream in, InputStream wire) throws IOException {
        return in.available() > 0 || wire.available() > 0;
    }

    /** {@link #bytesHere} for a rehearsal between its steps; a failing socket counts as here, for the read to report. */
    private static boolean arrived(InputStream in, InputStream wire) {
        try {
            return bytesHere(in, wire);
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing link to {}: {}", peer, e.toString());
        }
        try {
            tcp.close();
        } catch (IOException e) {
            LOG.debug("closing the connection to {}: {}", peer, e.toString());
        }
    }
}
