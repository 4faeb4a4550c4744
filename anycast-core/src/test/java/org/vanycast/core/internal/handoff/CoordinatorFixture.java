package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffFailedException;

/** Two coordinators with in-memory drivers on one in-memory network, and a real loopback connection. */
abstract class CoordinatorFixture {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Short Done timeout so crash tests end quickly; assertions never depend on timing. */
    static final HandoffConfig FAST = new HandoffConfig(Duration.ofSeconds(5), Duration.ofSeconds(1),
            Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(30));

    Loopback loopback;
    ClientBindings bindings;
    InMemoryTransport net;
    TestNode n1;
    TestNode n2;
    Loopback.Pair conn;
    InetSocketAddress client;

    @BeforeEach
    void setUp() throws Exception {
        loopback = new Loopback();
        bindings = new ClientBindings();
        net = new InMemoryTransport();
        n1 = node("n1", HandoffClock.SYSTEM);
        n2 = node("n2", HandoffClock.SYSTEM);
        conn = loopback.pair();
        client = (InetSocketAddress) conn.server().getRemoteAddress();
    }

    TestNode node(String name, HandoffClock clock) {
        TestNode n = new TestNode(name, loopback, bindings, net.endpoint(name), FAST, clock);
        net.register(name, n.coordinator);
        return n;
    }

    @AfterEach
    void tearDown() throws Exception {
        n1.close();
        n2.close();
        loopback.close();
    }

    static HandoffFailedException failure(CompletableFuture<HandoffEvent> f) {
        ExecutionException x = assertThrows(ExecutionException.class, () -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        return assertInstanceOf(HandoffFailedException.class, x.getCause());
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** The acceptor's service: a fake codec for every port, set on n2. */
    FakeCodec acceptorCodec() {
        FakeCodec codec = new FakeCodec(Integer.MIN_VALUE);
        codec.allPorts = true;
        n2.codec = codec;
        return codec;
    }

    String servedBy() {
        return bindings.servedBy(client.getAddress(), "n1");
    }

    /** Three connections of one client host, tracked on n1, with the service's codec on both nodes. */
    java.util.List<Loopback.Pair> threeConnectionsOfOneClient(FakeCodec[] codecs) throws Exception {
        Loopback.Pair second = loopback.pair();
        Loopback.Pair third = loopback.pair();
        int port = ((InetSocketAddress) conn.server().getLocalAddress()).getPort();
        codecs[0] = new FakeCodec(port);
        codecs[1] = new FakeCodec(port);
        n1.codec = codecs[0];
        n2.codec = codecs[1];
        for (Loopback.Pair p : java.util.List.of(conn, second, third)) {
            n1.coordinator.track(p.server());
        }
        return java.util.List.of(conn, second, third);
    }

}
