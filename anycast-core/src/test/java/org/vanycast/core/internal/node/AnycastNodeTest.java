package org.vanycast.core.internal.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.core.api.AnycastGroup;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.api.LeaveRefusedException;
import org.vanycast.core.api.NodeRole;
import org.vanycast.core.api.ReceivedClient;
import org.vanycast.core.internal.handoff.ClientBindings;
import org.vanycast.core.internal.handoff.FakeCodec;
import org.vanycast.core.internal.handoff.FakeMigrator;
import org.vanycast.core.internal.handoff.FakeRedirector;
import org.vanycast.core.internal.handoff.HandoffConfig;
import org.vanycast.core.internal.handoff.Loopback;
import org.vanycast.core.internal.policy.LeastLoadedPolicy;
import org.vanycast.core.internal.testing.ListenPorts;
import org.vanycast.core.internal.tls.GroupCa;
import org.vanycast.core.spi.HomeAgentRegistrar;

/**
 * Whole nodes in one JVM: real group channel (TLS), real membership (JGroups over loopback),
 * in-memory drivers. The end-to-end version with the kernel drivers lives in itests.
 */
class AnycastNodeTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path ca;

    record TakeOver(String node, Optional<byte[]> replicated, long epoch) {
    }

    final List<TakeOver> takeOvers = new CopyOnWriteArrayList<>();
    final List<AnycastNodeImpl> nodes = new ArrayList<>();
    final ClientBindings bindings = new ClientBindings();
    final AnycastGroup group = new AnycastGroup("nodes-" + ProcessHandle.current().pid() + "-" + System.nanoTime(), LO);
    Loopback loopback;

    @BeforeAll
    static void authority() throws Exception {
        GroupCa.init(ca, "g", Instant.now(), Duration.ofDays(1));
        for (String n : List.of("a", "b", "c")) {
            GroupCa.issue(ca, n, Instant.now(), Duration.ofDays(1));
        }
    }

    @BeforeEach
    void open() throws Exception {
        loopback = new Loopback();
    }

    @AfterEach
    void stop() throws Exception {
        nodes.forEach(AnycastNodeImpl::close);
        loopback.close();
    }

    static int freePort() throws Exception {
        return ListenPorts.free(LO);
    }

    record Started(AnycastNodeImpl node, ServiceDrivers drivers, FakeMigrator migrator, FakeRedirector redirector) {
    }

    List<Started> startNodes(String... names) throws Exception {
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (String n : names) {
            hosts.add(new InetSocketAddress(LO, freePort()));
        }
        List<Started> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            ServiceDrivers d = new ServiceDrivers();
            FakeMigrator m = new FakeMigrator(loopback);
            FakeRedirector r = new FakeRedirector(name, bindings);
            d.migrator = m;
            d.redirector = r;
            d.policy = new LeastLoadedPolicy();
            d.registrar = new HomeAgentRegistrar() {
                @Override
                public byte[] takeOver(InetAddress x, Optional<byte[]> replicated, long epoch) {
                    takeOvers.add(new TakeOver(name, replicated, epoch));
                    return ("sa-of-" + name).getBytes();
                }

                @Override
                public void relinquish(InetAddress x) {
                }
            };
            // no start-up rehearsal: it would run its handoffs through the fake migrator these tests count on
            NodeSettings s = new NodeSettings(name, group, ca, new InetSocketAddress(LO, 0), hosts.get(i), hosts, 1,
                    Duration.ofMillis(1500), Duration.ofMillis(100), 1.0, HandoffConfig.DEFAULTS,
                    NodeSettings.DEFAULT_WARMUP_ROUNDS, Duration.ofMillis(NodeSettings.DEFAULT_HOT_WAIT_MS), 0, true);
            AnycastNodeImpl n = new AnycastNodeImpl(s, d);
            nodes.add(n);
            n.start();
            out.add(new Started(n, d, m, r));
        }
        return out;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    long takeOversBy(String node) {
        return takeOvers.stream().filter(t -> t.node().equals(node)).count();
    }

    @Test
    void shouldHandOffToMemberFoundThroughMembershipAndFailOverContactOnCrash() throws Exception {
        List<Started> g = startNodes("a", "b", "c");
        AnycastNodeImpl a = g.get(0).node();
        AnycastNodeImpl b = g.get(1).node();
        AnycastNodeImpl c = g.get(2).node();
        await(() -> a.members().size() == 3 && b.members().size() == 3 && c.members().size() == 3, "three members");
        await(() -> takeOversBy("a") == 1, "a to register X as contact node");
        assertEquals(NodeRole.CONTACT, a.role());
        await(() -> a.members().stream().allMatch(m -> m.metrics().containsKey("load")), "load reports of everyone");

        Loopback.Pair conn = loopback.pair();
        HandoffEvent e = a.clientHandoff(conn.server(), "b", "resume at 500000".getBytes()).get(20, TimeUnit.SECONDS);
        assertEquals(HandoffOutcome.COMPLETED, e.outcome());
        ReceivedClient r = b.clientReceive(WAIT).orElseThrow();
        assertArrayEquals("resume at 500000".getBytes(), r.appState());
        assertEquals("b", bindings.servedBy(r.client().getAddress(), "a"));

        // the HA role re-registered: its changed association reaches the backup; a non-contact's is ignored
        c.replicateIfContact("forged-by-c".getBytes());
        a.replicateIfContact("sa-of-a-v2".getBytes());
        await(() -> b.replicatedAssociation().map(x -> new String(x).equals("sa-of-a-v2")).orElse(false),
                "the new association at the backup");

        g.get(0).node().crash();

        await(() -> takeOversBy("b") == 1, "b (the backup) to take X over");
        TakeOver t = takeOvers.stream().filter(x -> x.node().equals("b")).findFirst().orElseThrow();
        assertArrayEquals("sa-of-a-v2".getBytes(), t.replicated().orElseThrow(), "b registers with a's replicated association");
        await(() -> c.role() == NodeRole.BACKUP, "c to become the new backup");
        assertEquals(0, takeOversBy("c"), "exactly one takeover");
        // the client handed to b before the crash is still served by b
        assertEquals("b", bindings.servedBy(r.client().getAddress(), "a"));
        assertTrue(r.connection().isOpen());
    }

    @Test
    void shouldHandEveryClientOffBeforeLeavingGracefully() throws Exception {
        List<Started> g = startNodes("a", "b");
        AnycastNodeImpl a = g.get(0).node();
        AnycastNodeImpl b = g.get(1).node();
        await(() -> a.members().size() == 2 && b.members().size() == 2, "two members");
        await(() -> a.members().stream().allMatch(m -> m.metrics().containsKey("load")), "load reports");
        Loopback.Pair first = loopback.pair();
        int port = ((InetSocketAddress) first.server().getLocalAddress()).getPort();
        FakeCodec donorService = new FakeCodec(port);
        FakeCodec acceptorService = new FakeCodec(port);
        g.get(0).drivers().codecs.add(donorService);
        g.get(1).drivers().codecs.add(acceptorService);
        a.track(first.server());
        a.track(loopback.pair(InetAddress.getByName("127.0.0.2")).server());
        a.track(loopback.pair(InetAddress.getByName("127.0.0.3")).server());

        a.leave(false).get(30, TimeUnit.SECONDS);

        assertEquals(3, acceptorService.restored.size(), "all three clients continue on b");
        await(() -> b.members().size() == 1, "a to be gone from b's view");
        await(() -> takeOversBy("b") == 1, "b to become contact after a left");
        assertEquals(3, g.get(0).migrator().released.get());
    }

    @Test
    void shouldRefuseToLeaveAsLastNodeWithClientsUnlessForced() throws Exception {
        List<Started> g = startNodes("c");
        AnycastNodeImpl c = g.get(0).node();
        await(() -> c.members().size() == 1, "a group of one");
        c.track(loopback.pair().server());

        CompletionException x = assertThrows(CompletionException.class, () -> c.leave(false).join());
        assertInstanceOf(LeaveRefusedException.class, x.getCause());
        assertEquals(1, c.members().size(), "still serving");

        c.leave(true).get(10, TimeUnit.SECONDS);
    }
}
