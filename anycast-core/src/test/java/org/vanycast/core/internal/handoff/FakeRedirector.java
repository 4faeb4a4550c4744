package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.vanycast.core.spi.NetworkRedirector;

/** Redirects by updating {@link ClientBindings} as the node it runs on; failures injectable. */
public final class FakeRedirector implements NetworkRedirector {
    final String node;
    final ClientBindings bindings;
    public volatile boolean wholeClient = true;
    public volatile boolean failPrepare;
    public volatile boolean failCommitBeforeBinding;
    public volatile boolean failCommitAfterBinding;
    public final AtomicInteger prepared = new AtomicInteger();
    public final AtomicInteger closedUnused = new AtomicInteger();
    public final AtomicInteger releases = new AtomicInteger();
    public final AtomicInteger rehearsals = new AtomicInteger();
    /** Preparations report that they commit without waiting (return routability done on Prepare). */
    public volatile boolean ready;
    /**
     * When positive, confirm sends the binding again with a sequence this much newer than the
     * commit's, as a redirector does when the acknowledgement was lost, and reports it.
     */
    public volatile int rebindOnConfirm;
    /** When set, confirm waits for it: a client slow to acknowledge its binding. */
    public volatile CountDownLatch confirmGate;
    /** The threads commit and confirm ran on, in call order. */
    public final List<String> commitThreads = new CopyOnWriteArrayList<>();
    public final List<String> confirmThreads = new CopyOnWriteArrayList<>();

    public FakeRedirector(String node, ClientBindings bindings) {
        this.node = node;
        this.bindings = bindings;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Preparation prepare(InetAddress logicalAddress, InetAddress client) throws IOException {
        if (failPrepare) {
            throw new IOException("injected: return routability failed");
        }
        prepared.incrementAndGet();
        return new Preparation() {
            boolean committed;
            int sequenceSent = -1;
            java.util.OptionalInt confirmed = java.util.OptionalInt.empty();

            @Override
            public boolean readyToCommit() {
                return ready;
            }

            @Override
            public int commit(int sequence, Duration timeout) throws IOException {
                commitThreads.add(Thread.currentThread().getName());
                if (failCommitBeforeBinding) {
                    throw new IOException("injected: no HoT within " + timeout.toMillis() + " ms");
                }
                committed = true;
                if (!bindings.update(client, node, sequence)) {
                    throw new IOException("binding refused: stale sequence " + sequence);
                }
                sequenceSent = sequence;
                if (failCommitAfterBinding) {
                    throw new IOException("injected: failed after the Binding Update went out");
                }
                return sequence;
            }

            @Override
            public void confirm(Duration timeout) throws IOException {
                confirmThreads.add(Thread.currentThread().getName());
                CountDownLatch gate = confirmGate;
                if (gate != null) {
                    try {
                        if (!gate.await(30, TimeUnit.SECONDS)) {
                            throw new IOException("injected: no Binding Acknowledgement");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
                int again = rebindOnConfirm;
                if (again > 0 && sequenceSent >= 0) {
                    int seq = (sequenceSent + again) & 0xFFFF;
                    if (!bindings.update(client, node, seq)) {
                        throw new IOException("binding refused: stale sequence " + seq);
                    }
                    confirmed = java.util.OptionalInt.of(seq);
                }
            }

            @Override
            public void rehearse() {
                rehearsals.incrementAndGet();
            }

            @Override
            public java.util.OptionalInt confirmedSequence() {
                return confirmed;
            }

            @Override
            public void close() {
                if (!committed) {
                    closedUnused.incrementAndGet();
                }
            }
        };
    }

    @Override
    public boolean movesWholeClient() {
        return wholeClient;
    }

    @Override
    public void release(InetAddress logicalAddress, InetAddress client) {
        releases.incrementAndGet();
        bindings.remove(client);
    }
}
