package org.vanycast.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vanycast.core.internal.handoff.HandoffRehearsal;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.internal.testbed.MigrationHarness;
import org.vanycast.tcp.internal.testbed.Shell;
import org.vanycast.tcp.internal.testbed.Testbed;

/** The start-up warm-up over [::1], in a node namespace of a fresh testbed. */
@Tag("netns")
class HandoffWarmupTest {
    /** Longer than the test: only re-create's finishing of the pending release can close the donor copies. */
    private static final Duration LONG_GRACE = Duration.ofSeconds(60);
    private Testbed testbed;

    @BeforeEach
    void createTestbed() throws Exception {
        testbed = Testbed.create();
    }

    @AfterEach
    void removeTestbed() {
        if (testbed != null) {
            testbed.close();
        }
    }

    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void shouldMigrateLoopbackConnectionsWithDataIntactAndLeaveNothingBehind(FreezeMode mode) throws Exception {
        TcpConnectionMigrator m = testbed.node(1).call(() -> new TcpConnectionMigrator(mode, LONG_GRACE));
        try {
            HandoffWarmup.Result r = testbed.node(1).call(() -> new HandoffWarmup(m, 7).run());
            // every migration counts only once the bytes from before and after it arrived intact both ways
            assertTrue(r.complete(), "warm-up: " + r);
            assertEquals(7, r.migrations());
            assertNothingLeftBehind(m, mode);
        } finally {
            m.close();
        }
    }

    /**
     * anycast-core's start-up rehearsal of whole handoffs (two private coordinators, a loopback
     * connection) through this migrator: every handoff completes, nothing is left behind.
     */
    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void shouldCarryTheNodesHandoffRehearsalThroughAndLeaveNothingBehind(FreezeMode mode) throws Exception {
        TcpConnectionMigrator m = testbed.node(1).call(() -> new TcpConnectionMigrator(mode, LONG_GRACE));
        try {
            HandoffRehearsal.Result r = testbed.node(1).call(
                    () -> new HandoffRehearsal("n1", () -> Optional.of(m), 20).run());
            assertTrue(r.complete(), "rehearsal: " + r);
            assertEquals(20, r.rounds());
            assertNothingLeftBehind(m, mode);
        } finally {
            m.close();
        }
    }

    /** Re-create closed every released copy; no socket on [::1] but TIME-WAIT; the drop set is empty. */
    private void assertNothingLeftBehind(TcpConnectionMigrator m, FreezeMode mode) throws Exception {
        assertEquals(0, m.pendingReleases(), "re-create closed every released copy");
        assertEquals(List.of(), loopbackSockets("n1"), "no loopback socket but TIME-WAIT left");
        if (mode == FreezeMode.NFTABLES) {
            String set = Shell.ok("ip", "netns", "exec", testbed.name("n1"), "nft", "list", "ruleset");
            assertFalse(set.contains("::1"), "drop set emptied:\n" + set);
        }
    }

    /** Without [::1] the rehearsal stops at once and says why; without a migrator it gives up after its wait. */
    @Test
    void shouldStopTheHandoffRehearsalWithACauseWhenItCannotRun() throws Exception {
        TcpConnectionMigrator m = testbed.router().call(() -> new TcpConnectionMigrator(FreezeMode.SOCKET_FILTER,
                LONG_GRACE));
        try {
            HandoffRehearsal.Result r = testbed.router().call(
                    () -> new HandoffRehearsal("r", () -> Optional.of(m), 5).run());
            assertEquals(0, r.rounds());
            assertTrue(r.stopCause().isPresent(), "cause: " + r);
        } finally {
            m.close();
        }
        HandoffRehearsal.Result none = new HandoffRehearsal("n", Optional::empty, 5, Duration.ofMillis(50)).run();
        assertEquals(0, none.rounds());
        assertTrue(none.stopCause().orElse("").contains("no available connection migrator"), "cause: " + none);
        assertNull(new HandoffRehearsal("n", Optional::empty, 0).start(null), "off: no thread");
    }

    /** The acceptor's rehearsal while it waits for an Init: real repair sockets, none left, nothing on a wire. */
    @Test
    void shouldRehearseARecreationWithoutLeavingASocketOrDescriptor() throws Exception {
        TcpConnectionMigrator m = testbed.node(1).call(() -> new TcpConnectionMigrator(FreezeMode.SOCKET_FILTER, LONG_GRACE));
        try {
            long before = openDescriptors();
            // counts what the rehearsal's made-up connection (remote [::1]:50000) would put on loopback
            Shell.ok("ip", "netns", "exec", testbed.name("n1"), "nft", "add table ip6 vct_rehearsal; "
                    + "add chain ip6 vct_rehearsal out { type filter hook output priority 0; }; "
                    + "add rule ip6 vct_rehearsal out tcp dport 50000 counter; "
                    + "add rule ip6 vct_rehearsal out tcp sport 50000 counter");
            testbed.node(1).call(() -> {
                for (int i = 0; i < 200; i++) {
                    m.rehearse();
                }
                return null;
            });
            assertEquals(before, openDescriptors(), "every rehearsal's socket closed");
            // each rehearsal connects a repair socket on [::1] and closes it: no SYN, no FIN, no RST
            assertEquals(List.of(0L, 0L), rehearsalPackets("n1"), "not a packet, even on loopback");
            assertEquals(List.of(), loopbackSockets("n1"), "no socket left on [::1]");
            assertEquals(0, m.pendingReleases());
            assertFalse(m.rehearsalFailed(), "every native call of the rehearsal succeeded");
        } finally {
            m.close();
        }
    }

    /** Sockets opened ahead for announced clients: one per client, closed when nobody took them within a minute, or at close. */
    @Test
    void shouldKeepOneSocketAheadPerClientAndCloseTheUnusedOnes() throws Exception {
        long[] now = {0};
        TcpConnectionMigrator m = testbed.node(1).call(
                () -> new TcpConnectionMigrator(FreezeMode.SOCKET_FILTER, Duration.ZERO, () -> now[0]));
        try {
            long before = openDescriptors();
            testbed.node(1).call(() -> {
                java.net.InetAddress x = java.net.InetAddress.getByName("fd00::1");
                java.net.InetAddress lo = java.net.InetAddress.getByName("::1");
                m.expect(x, new InetSocketAddress(lo, 40001));
                m.expect(x, new InetSocketAddress(lo, 40001)); // announced again: replaces the first
                assertEquals(1, m.spares());
                now[0] += TcpConnectionMigrator.SPARE_LIFETIME_NANOS / 2;
                m.expect(x, new InetSocketAddress(lo, 40002));
                assertEquals(2, m.spares(), "both still within their lifetime");
                now[0] += TcpConnectionMigrator.SPARE_LIFETIME_NANOS / 2 + 1;
                m.expect(x, new InetSocketAddress(lo, 40003));
                assertEquals(2, m.spares(), "the first client's, unused for longer than its lifetime, is closed");
                return null;
            });
            assertEquals(before + 2, openDescriptors(), "one descriptor per socket kept, none leaked");
        } finally {
            m.close();
        }
        assertEquals(0, m.spares());
        testbed.node(1).call(() -> {
            m.expect(java.net.InetAddress.getByName("fd00::1"), new InetSocketAddress("::1", 40004));
            return null;
        });
        assertEquals(0, m.spares(), "a closed migrator keeps nothing open");
    }

    /**
     * The node's service forwards the acceptor's rehearsal and the Prepare's announcement; an
     * announced connection's frozen copy, still in its release grace here, closes at once, and
     * only that one.
     */
    @Test
    void shouldForwardRehearsalsAndCloseOnlyTheAnnouncedConnectionsEarlierCopy() throws Exception {
        TcpMigratorComponent c = testbed.node(1).call(() -> new TcpMigratorComponent(config(0)));
        try {
            testbed.node(1).call(() -> {
                java.net.InetAddress lo = java.net.InetAddress.getByName("::1");
                try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()
                        .bind(new InetSocketAddress(lo, 0));
                        SocketChannel client = SocketChannel.open(server.getLocalAddress());
                        SocketChannel served = server.accept()) {
                    InetSocketAddress peer = (InetSocketAddress) client.getLocalAddress();
                    var frozen = c.freeze(served);
                    frozen.extract();
                    frozen.release(); // kept frozen for the release grace (2 s)
                    assertEquals(1, c.migrator().pendingReleases());
                    c.expect(lo, new InetSocketAddress(lo, peer.getPort() == 65535 ? 1 : peer.getPort() + 1));
                    c.expect(java.net.InetAddress.getByName("fd00::1"), peer);
                    assertEquals(1, c.migrator().pendingReleases(), "another client or logical address: kept");
                    long rehearsals = c.migrator().rehearsals();
                    c.rehearse();
                    assertEquals(rehearsals + 1, c.migrator().rehearsals());
                    c.expect(lo, peer);
                    assertEquals(0, c.migrator().pendingReleases(), "the announced connection's copy closed");
                }
                return null;
            });
        } finally {
            c.deactivate();
        }
    }

    /** The packet counters of the rules on port 50000, in order (the namespace goes with the testbed). */
    private List<Long> rehearsalPackets(String role) throws Exception {
        String out = Shell.ok("ip", "netns", "exec", testbed.name(role), "nft", "list", "chain", "ip6", "vct_rehearsal",
                "out");
        List<Long> n = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(out);
        while (m.find()) {
            n.add(Long.parseLong(m.group(1)));
        }
        return n;
    }

    private static long openDescriptors() throws java.io.IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Real handoffs between the two nodes while both nodes' migrators warm up on their loopbacks. */
    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void shouldLeaveConcurrentRealHandoffsAlone(FreezeMode mode) throws Exception {
        try (MigrationHarness h = new MigrationHarness(testbed, mode, Duration.ofMillis(300))) {
            List<Future<HandoffWarmup.Result>> warmups = new ArrayList<>();
            for (int n = 1; n <= 2; n++) {
                TcpConnectionMigrator m = (TcpConnectionMigrator) h.migrator(n);
                warmups.add(testbed.node(n).spawn("warmup-" + n, () -> new HandoffWarmup(m, 150).run()));
            }
            SocketChannel client = testbed.client().call(() -> SocketChannel.open(
                    new InetSocketAddress(Testbed.X, MigrationHarness.PORT)));
            try (client) {
                SocketChannel server = h.listener(1).accept();
                int node = 1;
                for (int i = 0; i < 8; i++) {
                    exchange(client, server, i);
                    MigrationHarness.Result r = h.migrate(server, node, true, MigrationHarness.Fault.NONE);
                    assertTrue(r.migrated(), "handoff " + i + ": " + r.acceptorError());
                    server = r.channel();
                    node = r.node();
                }
                exchange(client, server, 8);
                server.close();
            }
            for (Future<HandoffWarmup.Result> w : warmups) {
                HandoffWarmup.Result r = w.get(60, TimeUnit.SECONDS);
                assertTrue(r.complete(), "warm-up: " + r);
            }
        }
    }

    /** A line each way, read back whole. */
    private static void exchange(SocketChannel client, SocketChannel server, int i) throws Exception {
        byte[] down = ("down " + i).getBytes(StandardCharsets.US_ASCII);
        byte[] up = ("up " + i).getBytes(StandardCharsets.US_ASCII);
        server.write(ByteBuffer.wrap(down));
        client.write(ByteBuffer.wrap(up));
        assertEquals("down " + i, readString(client, down.length));
        assertEquals("up " + i, readString(server, up.length));
    }

    private static String readString(SocketChannel ch, int n) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new java.io.EOFException("after " + b.position() + " bytes");
            }
        }
        return new String(b.array(), StandardCharsets.US_ASCII);
    }

    @Test
    void shouldSkipWithoutLoopbackAddress() throws Exception {
        // the router namespace's lo was never brought up: there is no [::1]
        TcpConnectionMigrator m = testbed.router().call(() -> new TcpConnectionMigrator(FreezeMode.SOCKET_FILTER,
                LONG_GRACE));
        try {
            HandoffWarmup.Result r = testbed.router().call(() -> new HandoffWarmup(m, 5).run());
            assertEquals(0, r.migrations());
            assertTrue(r.stopCause().orElse("").contains("[::1]"), "cause: " + r.stopCause());
        } finally {
            m.close();
        }
    }

    @Test
    void shouldWarmUpInTheBackgroundWhenTheComponentStarts() throws Exception {
        TcpMigratorComponent c = testbed.node(1).call(() -> new TcpMigratorComponent(config(3)));
        try {
            Thread t = c.warmupThread();
            assertNotNull(t);
            assertTrue(t.isDaemon());
            t.join(30_000);
            assertFalse(t.isAlive(), "warm-up finished");
            assertEquals(List.of(), loopbackSockets("n1"));
        } finally {
            c.deactivate();
        }
    }

    @Test
    void shouldDoNothingWhenOff() throws Exception {
        TcpMigratorComponent c = testbed.node(1).call(() -> new TcpMigratorComponent(config(0)));
        try {
            assertNull(c.warmupThread());
            assertEquals(List.of(), allLoopbackSockets("n1"));
        } finally {
            c.deactivate();
        }
        TcpConnectionMigrator m = testbed.node(1).call(() -> new TcpConnectionMigrator(FreezeMode.SOCKET_FILTER,
                LONG_GRACE));
        try {
            HandoffWarmup w = new HandoffWarmup(m, 0);
            assertNull(w.start());
            HandoffWarmup.Result r = w.run();
            assertEquals(0, r.migrations());
            assertTrue(r.complete());
        } finally {
            m.close();
        }
    }

    /** Sockets on [::1] in any state but LISTEN and TIME-WAIT. */
    private List<String> loopbackSockets(String role) throws Exception {
        List<String> left = new ArrayList<>();
        for (String l : allLoopbackSockets(role)) {
            if (!l.startsWith("TIME-WAIT")) {
                left.add(l);
            }
        }
        return left;
    }

    /** Sockets on [::1] in any state, listeners included. */
    private List<String> allLoopbackSockets(String role) throws Exception {
        String out = Shell.ok("ip", "netns", "exec", testbed.name(role), "ss", "-H", "-t", "-n", "-a");
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (l.contains("[::1]")) {
                lines.add(l.strip());
            }
        }
        return lines;
    }

    private static TcpMigratorComponent.Config config(int warmupMigrations) {
        return new TcpMigratorComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TcpMigratorComponent.Config.class;
            }

            @Override
            public FreezeMode freezeMode() {
                return FreezeMode.SOCKET_FILTER;
            }

            @Override
            public long releaseGraceMillis() {
                return 2000;
            }

            @Override
            public int warmupMigrations() {
                return warmupMigrations;
            }
        };
    }
}
