package org.vanycast.mipv6.internal.agent;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.NfQueue;

/**
 * A thread inside a namespace that takes packets from one NFQUEUE and asks a handler for
 * the verdict. A handler that throws gets its packet dropped and counted; the loop goes on.
 */
final class QueueLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueLoop.class);

    /** What to do with a queued packet now. */
    enum Verdict {
        ACCEPT, DROP,
        /** Keep it queued in the kernel; a later {@link Handler#releaseHeld} gives its verdict. */
        HOLD
    }

    /** Verdicts for packets held earlier; only valid inside {@link Handler#releaseHeld}. */
    interface HeldVerdicts {
        void drop(int id) throws Exception;

        /** Accepts {@code packet} (a whole IPv6 packet) in place of the held one. */
        void acceptModified(int id, byte[] packet) throws Exception;
    }

    /** Decides about one queued packet; returns true to accept it, false to drop it. */
    interface Handler {
        boolean handle(byte[] packet, long nowNanos) throws Exception;

        /** Like {@link #handle}, knowing the packet's queue id so that it may be held. */
        default Verdict decide(int id, byte[] packet, long nowNanos) throws Exception {
            return handle(packet, nowNanos) ? Verdict.ACCEPT : Verdict.DROP;
        }

        /** Called on the loop thread at least every 50 ms (engine timers). */
        default void tick(long nowNanos) throws Exception {
        }

        /** Called on the loop thread after every batch and tick: verdicts for held packets now due. */
        default void releaseHeld(HeldVerdicts out, long nowNanos) throws Exception {
        }
    }

    private final Thread thread;
    private volatile boolean running = true;
    private final CountDownLatch done = new CountDownLatch(1);

    private QueueLoop(String ns, int queue, Handler handler, DropCounters counters, boolean background) throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        thread = NetNs.start(ns, "nfqueue-" + queue, () -> {
            if (background && !NfQueue.setBatchScheduling()) {
                LOG.info("queue {}: SCHED_BATCH refused; the loop may preempt other threads when a packet wakes it", queue);
            }
            try (NfQueue q = NfQueue.open(queue, 0xffff, 1024)) {
                HeldVerdicts verdicts = new HeldVerdicts() {
                    @Override
                    public void drop(int id) throws Exception {
                        q.drop(id);
                    }

                    @Override
                    public void acceptModified(int id, byte[] packet) throws Exception {
                        q.acceptModified(id, packet);
                    }
                };
                ready.countDown();
                while (running) {
                    List<NfQueue.QueuedPacket> got = q.poll(50);
                    for (NfQueue.QueuedPacket p : got) {
                        Verdict v = Verdict.DROP;
                        try {
                            v = handler.decide(p.id(), p.packet(), System.nanoTime());
                        } catch (Exception | LinkageError e) {
                            counters.count("handler-error");
                            LOG.debug("queue {}: packet dropped: {}", queue, e.toString());
                        }
                        if (v == Verdict.ACCEPT) {
                            q.accept(p.id());
                        } else if (v == Verdict.DROP) {
                            q.drop(p.id());
                        }
                    }
                    try {
                        handler.tick(System.nanoTime());
                    } catch (Exception | LinkageError e) {
                        counters.count("timer-error");
                        LOG.debug("queue {}: timer: {}", queue, e.toString());
                    }
                    try {
                        handler.releaseHeld(verdicts, System.nanoTime());
                    } catch (Exception | LinkageError e) {
                        counters.count("release-error");
                        LOG.debug("queue {}: releasing held packets: {}", queue, e.toString());
                    }
                }
            } catch (Exception e) {
                failure.set(e);
                ready.countDown();
                LOG.warn("queue {} loop ended: {}", queue, e.toString());
            } finally {
                done.countDown();
            }
        }, e -> {
            failure.set(e);
            ready.countDown();
            done.countDown();
        });
        if (!ready.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("NFQUEUE " + queue + " did not open");
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    static QueueLoop start(String ns, int queue, Handler handler, DropCounters counters) throws Exception {
        return new QueueLoop(ns, queue, handler, counters, false);
    }

    /**
     * Like {@link #start(String, int, Handler, DropCounters)}; with {@code background} the loop's
     * thread runs as SCHED_BATCH: a packet that wakes it does not preempt the thread running on
     * that CPU (the scheduler lets it in at the next tick, or on an idle CPU at once).
     */
    static QueueLoop start(String ns, int queue, Handler handler, DropCounters counters, boolean background)
            throws Exception {
        return new QueueLoop(ns, queue, handler, counters, background);
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        try {
            done.await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
