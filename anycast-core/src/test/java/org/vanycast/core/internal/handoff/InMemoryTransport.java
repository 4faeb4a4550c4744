package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.vanycast.core.internal.channel.NodeTransport;
import org.vanycast.core.internal.channel.WriteTimeoutException;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.internal.wire.WireCodec;

/**
 * Delivers messages between coordinators in one JVM, through the real codec. A node can be
 * "crashed" (everything to it is lost) or made to lose chosen messages.
 */
final class InMemoryTransport {
    record Sent(String from, String to, NodeMessage message) {
    }

    private final Map<String, NodeTransport.Inbound> nodes = new ConcurrentHashMap<>();
    final List<Sent> log = new CopyOnWriteArrayList<>();
    /** Sends the receiver has finished handling (its onMessage returned); {@link #log} has them from the start. */
    final List<Sent> delivered = new CopyOnWriteArrayList<>();
    volatile Predicate<Sent> lose = s -> false;
    /**
     * Matching sends block, like a write to a stalled peer, until the link is dropped or their
     * write timeout passes (then the transport drops it, as the TLS channel does).
     */
    volatile Predicate<Sent> stall = s -> false;
    private final java.util.concurrent.CountDownLatch unstall = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.atomic.AtomicInteger disconnects = new java.util.concurrent.atomic.AtomicInteger();
    /** Stalled sends the transport itself cut off at their write timeout. */
    final java.util.concurrent.atomic.AtomicInteger writeTimeouts = new java.util.concurrent.atomic.AtomicInteger();

    void register(String node, NodeTransport.Inbound inbound) {
        nodes.put(node, inbound);
    }

    NodeTransport endpoint(String self) {
        return new NodeTransport() {
            @Override
            public void send(String peer, NodeMessage message) throws IOException {
                send(peer, message, Duration.ofSeconds(30));
            }

            @Override
            public void send(String peer, NodeMessage message, Duration writeTimeout) throws IOException {
                Sent s = new Sent(self, peer, message);
                NodeTransport.Inbound target = nodes.get(peer);
                if (target == null) {
                    throw new IOException("no route to " + peer);
                }
                log.add(s);
                if (stall.test(s)) {
                    try {
                        if (!unstall.await(writeTimeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                            writeTimeouts.incrementAndGet();
                            throw new WriteTimeoutException("write to " + peer + " did not finish within " + writeTimeout);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException("link to " + peer + " dropped while writing");
                }
                if (lose.test(s)) {
                    return;
                }
                target.onMessage(self, WireCodec.decode(WireCodec.encode(message)));
                delivered.add(s);
            }

            @Override
            public void disconnect(String peer) {
                disconnects.incrementAndGet();
                unstall.countDown();
            }
        };
    }

    /** Delivers a recorded message again, as a replaying peer would. */
    void replay(Sent s) {
        nodes.get(s.to()).onMessage(s.from(), s.message());
    }
}
