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
            assertTrue(n2.coordinator.clientReceive(Duration.ofSeconds(10)).isPresent());

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
        }
    }
}
