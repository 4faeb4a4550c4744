package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffFailedException;
import org.vanycast.core.api.HandoffFailedException.Reason;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.api.HandoffPhase;
import org.vanycast.core.api.ReceivedClient;
import org.vanycast.core.internal.channel.NodeTransport;
import org.vanycast.core.internal.channel.TlsNodeChannel;
import org.vanycast.core.internal.tls.GroupCa;
import org.vanycast.core.internal.tls.NodeCredentials;
import org.vanycast.core.internal.wire.Prepare;

/**
 * Which thread does what, over the real TLS channel: the acceptor runs an Init up to Done on
 * the channel's reader thread when its preparation is ready to commit, and never waits for the
 * client there; the donor writes Init on the handoff's own thread, and an acceptor that stops
 * reading cannot hold the handoff beyond the Done timeout.
 */
class HandoffThreadsOverTlsTest {
    /** Short Done timeout, so the stalled-acceptor test ends quickly; no assertion depends on timing. */
    static final HandoffConfig CONFIG = new HandoffConfig(Duration.ofSeconds(5), Duration.ofSeconds(1),
            Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String READER = "vanycast-channel-";
    static final String WORKER = "test-coordinator";

    @TempDir
    static Path dir;
    static Path ca;

    final Map<String, InetSocketAddress> directory = new ConcurrentHashMap<>();
    final List<AutoCloseable> open = new ArrayList<>();
    Loopback loopback;
    ClientBindings bindings;

    @BeforeAll
    static void createAuthority() throws Exception {
        ca = dir.resolve("group");
        Instant now = Instant.now();
        GroupCa.init(ca, "g", now, Duration.ofDays(1));
        GroupCa.issue(ca, "n1", now, Duration.ofDays(1));
        GroupCa.issue(ca, "n2", now, Duration.ofDays(1));
    }

    @BeforeEach
    void setUp() throws Exception {
        loopback = new Loopback();
        bindings = new ClientBindings();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        loopback.close();
    }

    /** A node on the TLS channel; {@code filter} sees each message before the coordinator does. */
    record Node(TestNode node, TlsNodeChannel channel) {
    }

    Node node(String name, NodeTransport.Inbound filter) throws Exception {
        AtomicReference<TestNode> ref = new AtomicReference<>();
        TlsNodeChannel ch = new TlsNodeChannel(NodeCredentials.load(ca, name), p -> Optional.ofNullable(directory.get(p)),
                (peer, m) -> {
                    filter.onMessage(peer, m);
                    ref.get().coordinator.onMessage(peer, m);
                }, WAIT);
        open.add(ch);
        TestNode n = new TestNode(name, loopback, bindings, ch, CONFIG, HandoffClock.SYSTEM);
        ref.set(n);
        open.add(n);
        directory.put(name, ch.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        return new Node(n, ch);
    }

    static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void shouldAcceptOnTheReaderThreadWhenReadyAndConfirmOffIt() throws Exception {
        Node n1 = node("n1", (p, m) -> { });
        Node n2 = node("n2", (p, m) -> { });
        n2.node().redirector.ready = true;
        CountDownLatch acknowledged = new CountDownLatch(1);
        n2.node().redirector.confirmGate = acknowledged; // the client has not acknowledged the binding yet
        Loopback.Pair conn = loopback.pair();
        InetSocketAddress client = (InetSocketAddress) conn.server().getRemoteAddress();
        try {
            HandoffEvent e = n1.node().coordinator.clientHandoff(conn.server(), "n2", "state".getBytes())
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertEquals(HandoffOutcome.COMPLETED, e.outcome(), "Done went out before the acknowledgement");
            assertEquals("n2", bindings.servedBy(client.getAddress(), "n1"));
            String committedOn = n2.node().redirector.commitThreads.get(0);
            assertTrue(committedOn.startsWith(READER), "committed on the reader thread: " + committedOn);
            ReceivedClient r = n2.node().coordinator.clientReceive(WAIT).orElseThrow();
            assertEquals(client, r.client());
            await(() -> !n2.node().redirector.confirmThreads.isEmpty(), "the wait for the acknowledgement");
            String confirmedOn = n2.node().redirector.confirmThreads.get(0);
            assertTrue(confirmedOn.startsWith(WORKER), "confirmed on a worker: " + confirmedOn);

            // the reader is free while the acknowledgement is awaited: the next message is handled
            n1.channel().send("n2", new Prepare(99, TestNode.GROUP.logicalAddress(), client, 5000));
            await(() -> n2.node().coordinator.pendingPreparations() == 1, "the next Prepare on the same link");
            assertTrue(n2.node().events.isEmpty(), "the acceptor's handoff ends with the acknowledgement");
        } finally {
            acknowledged.countDown();
        }
        await(() -> n2.node().events.size() == 1, "the acceptor's event");
        HandoffEvent accepted = n2.node().events.get(0);
        assertEquals(HandoffOutcome.COMPLETED, accepted.outcome());
        assertTrue(accepted.nanos(HandoffPhase.CONFIRM) >= 0);
    }

    @Test
    void shouldAcceptOnAWorkerWhenThePreparationIsNotReady() throws Exception {
        Node n1 = node("n1", (p, m) -> { });
        Node n2 = node("n2", (p, m) -> { });
        Loopback.Pair conn = loopback.pair();

        HandoffEvent e = n1.node().coordinator.clientHandoff(conn.server(), "n2", new byte[0])
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(HandoffOutcome.COMPLETED, e.outcome());
        String committedOn = n2.node().redirector.commitThreads.get(0);
        assertTrue(committedOn.startsWith(WORKER), "commit may wait for return routability, so not on the reader: "
                + committedOn);
        await(() -> n2.node().events.size() == 1, "the acceptor's event");
        assertEquals(n2.node().redirector.commitThreads.get(0), n2.node().redirector.confirmThreads.get(0));
        assertTrue(n2.node().coordinator.clientReceive(WAIT).isPresent());
    }

    @Test
    void shouldRollBackWithinTheDoneTimeoutWhenTheAcceptorStopsReadingDuringAnInitWrite() throws Exception {
        CountDownLatch resumeReading = new CountDownLatch(1);
        AtomicBoolean gaveUpWaiting = new AtomicBoolean();
        Node n1 = node("n1", (p, m) -> { });
        node("n2", (p, m) -> {
            if (m instanceof Prepare) {
                try {
                    // hung after its Prepare: the Init is never read and fills the buffers
                    gaveUpWaiting.set(!resumeReading.await(60, TimeUnit.SECONDS));
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Loopback.Pair conn = loopback.pair();
        InetSocketAddress client = (InetSocketAddress) conn.server().getRemoteAddress();
        try {
            // far more application state than the socket buffers hold while nobody reads
            var f = n1.node().coordinator.clientHandoff(conn.server(), "n2", new byte[12 << 20]);

            HandoffFailedException x = CoordinatorFixture.failure(f);
            assertTrue(!gaveUpWaiting.get(), "ended by the donor, not by the acceptor reading again");
            assertEquals(Reason.DONE_TIMEOUT, x.reason());
            assertTrue(x.getMessage().contains("did not finish"), x.getMessage());
            assertEquals(1, n1.node().migrator.resumed.get(), "the donor serves the client again");
            assertEquals(0, n1.node().migrator.released.get());
            assertTrue(conn.server().isOpen());
            assertEquals("n1", bindings.servedBy(client.getAddress(), "n1"));
        } finally {
            resumeReading.countDown();
        }
    }
}
