package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.api.ReceivedClient;
import org.vanycast.core.internal.channel.NodeTransport;
import org.vanycast.core.internal.channel.TlsNodeChannel;
import org.vanycast.core.internal.tls.GroupCa;
import org.vanycast.core.internal.tls.NodeCredentials;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.spi.SocketState;

/** Two coordinators talking over the real TLS channel; an outsider's Init never reaches one. */
class HandoffOverTlsTest {
    @TempDir
    Path dir;

    final Map<String, InetSocketAddress> directory = new ConcurrentHashMap<>();

    TlsNodeChannel channel(Path ca, String name, NodeTransport.Inbound inbound) throws Exception {
        TlsNodeChannel ch = new TlsNodeChannel(NodeCredentials.load(ca, name), p -> Optional.ofNullable(directory.get(p)),
                inbound, Duration.ofSeconds(10));
        directory.putIfAbsent(name, ch.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        return ch;
    }

    static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    @Test
    void shouldHandOffOverGroupChannelAndIgnoreOutsiders() throws Exception {
        Path group = dir.resolve("group");
        Path rogue = dir.resolve("rogue");
        Instant now = Instant.now();
        GroupCa.init(group, "g", now, Duration.ofDays(1));
        GroupCa.issue(group, "n1", now, Duration.ofDays(1));
        GroupCa.issue(group, "n2", now, Duration.ofDays(1));
        GroupCa.init(rogue, "r", now, Duration.ofDays(1));
        GroupCa.issue(rogue, "n1", now, Duration.ofDays(1));

        ClientBindings bindings = new ClientBindings();
        AtomicReference<TestNode> r1 = new AtomicReference<>();
        AtomicReference<TestNode> r2 = new AtomicReference<>();
        try (Loopback loopback = new Loopback();
                TlsNodeChannel c1 = channel(group, "n1", (p, m) -> r1.get().coordinator.onMessage(p, m));
                TlsNodeChannel c2 = channel(group, "n2", (p, m) -> r2.get().coordinator.onMessage(p, m));
                TestNode n1 = new TestNode("n1", loopback, bindings, c1, HandoffConfig.DEFAULTS, HandoffClock.SYSTEM);
                TestNode n2 = new TestNode("n2", loopback, bindings, c2, HandoffConfig.DEFAULTS, HandoffClock.SYSTEM)) {
            r1.set(n1);
            r2.set(n2);
            Loopback.Pair conn = loopback.pair();

            HandoffEvent e = n1.coordinator.clientHandoff(conn.server(), "n2", "state".getBytes()).get(10, TimeUnit.SECONDS);
            assertEquals(HandoffOutcome.COMPLETED, e.outcome());
            ReceivedClient n2ReceivedFirst = n2.coordinator.clientReceive(Duration.ofSeconds(10)).orElseThrow();

            // an outsider with a certificate of another CA (and a member's name) tries to push an Init
            Loopback.Pair victim = loopback.pair();
            SocketState forged = new SocketState((InetSocketAddress) victim.server().getLocalAddress(),
                    (InetSocketAddress) victim.server().getRemoteAddress(), (FakeMigrator.TAG + "forged").getBytes());
            try (TlsNodeChannel outsider = new TlsNodeChannel(NodeCredentials.load(rogue, "n1"),
                    p -> Optional.ofNullable(directory.get(p)), (p, m) -> { }, Duration.ofSeconds(5))) {
                try {
                    outsider.send("n2", new Init(1, new byte[16], System.currentTimeMillis(), 0,
                            TestNode.GROUP.logicalAddress(), forged, new byte[0]));
                } catch (IOException expected) {
                    // refused during the handshake
                }
            }
            assertEquals(1, n2.migrator.recreated.get(), "only the genuine handoff re-created a socket");
            assertEquals(0, n2.coordinator.pendingPreparations());

            // the operator command: n2 hands the client it received on to n1
            GroupCa.issue(group, "operator", now, Duration.ofDays(1));
            var out = new java.io.ByteArrayOutputStream();
            var err = new java.io.ByteArrayOutputStream();
            ReceivedClient received = n2ReceivedFirst;
            FakeCodec service = new FakeCodec(received.connection().socket().getLocalPort());
            n2.codec = service;
            n1.codec = new FakeCodec(received.connection().socket().getLocalPort());
            InetSocketAddress at = directory.get("n2");
            int rc = org.vanycast.core.internal.cli.HandoffCommand.run(new String[] {"--ca", group.toString(),
                "--node", "n2", "--at", hostPort(at),
                "--client", hostPort((InetSocketAddress) received.connection().getRemoteAddress()),
                "--to", "n1"}, new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
            assertEquals(0, rc, err.toString());
            assertTrue(out.toString().contains("outcome=COMPLETED"), out.toString());
            assertEquals(1, n1.migrator.recreated.get(), "n1 re-created the handed-back socket");
            assertEquals(1, n2.migrator.released.get(), "n2 released its frozen copy");
        }
    }
}
