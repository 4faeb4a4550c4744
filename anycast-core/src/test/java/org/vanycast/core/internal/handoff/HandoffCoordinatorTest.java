package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffFailedException;
import org.vanycast.core.api.HandoffFailedException.Reason;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.api.HandoffPhase;
import org.vanycast.core.api.HandoffRole;
import org.vanycast.core.api.ReceivedClient;
import org.vanycast.core.internal.wire.Abort;
import org.vanycast.core.internal.wire.AbortReason;
import org.vanycast.core.internal.wire.Init;

class HandoffCoordinatorTest {
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

    String servedBy() {
        return bindings.servedBy(client.getAddress(), "n1");
    }

    @Test
    void shouldHandOffAndMoveClientToAcceptorWithAllPhasesTimed() throws Exception {
        HandoffEvent e = n1.coordinator.clientHandoff(conn.server(), "n2", "GET /big 500000".getBytes())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(HandoffOutcome.COMPLETED, e.outcome());
        assertEquals(HandoffRole.DONOR, e.role());
        assertEquals(client, e.client());
        for (HandoffPhase p : HandoffPhase.values()) {
            assertTrue(e.nanos(p) >= 0, "phase " + p + " recorded");
        }
        assertEquals("n2", servedBy());
        assertEquals(1, n1.migrator.released.get());
        assertEquals(0, n1.migrator.resumed.get());
        assertTrue(n1.coordinator.trackedConnections().isEmpty(), "donor forgets the released connection");

        ReceivedClient r = n2.coordinator.clientReceive(WAIT).orElseThrow();
        assertEquals("n1", r.donor());
        assertEquals(client, r.client());
        assertArrayEquals("GET /big 500000".getBytes(), r.appState());
        assertTrue(r.connection().isConnected());
        assertEquals(1, n2.coordinator.trackedConnections().size(), "acceptor can hand the client on");
        await(() -> n2.events.size() == 1, "the acceptor's event");
        assertEquals(HandoffOutcome.COMPLETED, n2.events.get(0).outcome());
        assertEquals(e.handoffId(), n2.events.get(0).handoffId());
        assertEquals(1, n1.events.size());
        assertTrue(e.toLogLine().contains("outcome=COMPLETED"), e.toLogLine());
    }

    @Test
    void shouldContinueSequenceNumbersAcrossSuccessiveHandoffs() throws Exception {
        TestNode n3 = node("n3", HandoffClock.SYSTEM);
        try {
            n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ReceivedClient r = n2.coordinator.clientReceive(WAIT).orElseThrow();
            n2.coordinator.clientHandoff(r.connection(), "n3", new byte[0]).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            // n3's binding was only accepted because it used a newer sequence than n2's
            assertEquals("n3", bindings.servedBy(r.client().getAddress(), "n1"));
            Init second = (Init) net.log.stream().filter(s -> s.message() instanceof Init && s.from().equals("n2"))
                    .findFirst().orElseThrow().message();
            assertEquals(1, second.mipv6Sequence());
        } finally {
            n3.close();
        }
    }

    @Test
    void shouldRollBackWhenAcceptorCrashesBeforeCommitting() throws Exception {
        net.lose = s -> s.message() instanceof Init; // the acceptor dies on receiving Init
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));

        assertEquals(Reason.DONE_TIMEOUT, x.reason());
        assertSame(conn.server(), x.connection().orElseThrow());
        assertEquals(1, n1.migrator.resumed.get());
        assertEquals(0, n1.migrator.released.get());
        assertEquals("n1", servedBy());
        assertTrue(conn.server().isOpen());
        assertEquals(HandoffOutcome.ROLLED_BACK, x.event().orElseThrow().outcome());
    }

    @Test
    void shouldTakeBindingBackWhenAcceptorCrashesAfterSendingBinding() throws Exception {
        net.lose = s -> s.message() instanceof org.vanycast.core.internal.wire.Done; // dies right after the BU
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));

        assertEquals(Reason.DONE_TIMEOUT, x.reason());
        assertEquals("n1", servedBy(), "the donor's later Binding Update outranks the acceptor's");
        assertEquals(1, n1.migrator.resumed.get());
        assertTrue(x.connection().isPresent());
    }

    @Test
    void shouldRollBackWhenWritingInitToStalledAcceptorBlocks() throws Exception {
        net.stall = s -> s.message() instanceof Init;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));

        assertEquals(Reason.DONE_TIMEOUT, x.reason());
        assertEquals(1, net.disconnects.get(), "the stalled link is dropped so the writer is released");
        assertEquals(1, n1.migrator.resumed.get());
        assertEquals("n1", servedBy());
    }

    @Test
    void shouldWithdrawAcceptorCopySilentlyWhenDonorGaveUpAfterDone() throws Exception {
        net.lose = s -> s.message() instanceof org.vanycast.core.internal.wire.Done;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));
        assertEquals(Reason.DONE_TIMEOUT, x.reason());

        await(() -> n2.events.stream().anyMatch(e -> e.outcome() == HandoffOutcome.ROLLED_BACK), "the acceptor to withdraw");
        assertEquals(1, n2.migrator.released.get(), "frozen and released: no FIN or RST from the acceptor");
        assertTrue(n2.coordinator.trackedConnections().isEmpty());
        assertEquals("n1", servedBy());
        assertEquals(1, n1.migrator.resumed.get());
    }

    @Test
    void shouldNotSendBindingWhenDonorGaveUpWhileAcceptorWasRecreating() throws Exception {
        n2.migrator.recreateGate = new java.util.concurrent.CountDownLatch(1);
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));
        assertEquals(Reason.DONE_TIMEOUT, x.reason());
        await(() -> net.log.stream().anyMatch(s -> s.message() instanceof Abort a && a.reason().equals(AbortReason.TIMEOUT)),
                "the donor's Abort");

        n2.migrator.recreateGate.countDown(); // the slow acceptor carries on

        await(() -> n2.events.stream().anyMatch(e -> e.outcome() == HandoffOutcome.ROLLED_BACK), "the acceptor to roll back");
        assertTrue(n2.events.get(0).failure().orElseThrow().contains("donor gave up"), n2.events.get(0).failure().toString());
        assertEquals(1, n2.migrator.closedSilently.get());
        assertEquals(0, n2.migrator.activated.get());
        assertEquals("n1", servedBy());
        assertTrue(net.log.stream().noneMatch(s -> s.message() instanceof org.vanycast.core.internal.wire.Done));
    }

    @Test
    void shouldRejectReplayedInitWithoutTouchingTheClient() throws Exception {
        n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        n2.coordinator.clientReceive(WAIT).orElseThrow();
        InMemoryTransport.Sent init = net.log.stream().filter(s -> s.message() instanceof Init).findFirst().orElseThrow();

        net.replay(init);

        await(() -> n2.events.size() == 2, "the acceptor to refuse the replay");
        HandoffEvent refused = n2.events.get(1);
        assertEquals(HandoffOutcome.REJECTED, refused.outcome());
        assertTrue(refused.failure().orElseThrow().startsWith("replayed"), refused.failure().toString());
        assertEquals(1, n2.migrator.recreated.get(), "a replayed Init never re-creates a socket");
        Abort abort = (Abort) net.log.get(net.log.size() - 1).message();
        assertEquals(AbortReason.REPLAYED, abort.reason());
        assertEquals(1, n1.coordinator.droppedMessages(), "the donor drops the unsolicited Abort");
    }

    @Test
    void shouldRejectInitWithTimestampOutsideReplayWindow() throws Exception {
        FakeClock skewed = new FakeClock();
        TestNode n3 = node("n3", skewed);
        try {
            skewed.advance(Duration.ofMinutes(5)); // n3's clock is 5 minutes ahead of n1's wall clock
            HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n3", new byte[0]));
            assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
            assertTrue(x.getMessage().contains("replayed"), x.getMessage());
            assertEquals(0, n3.migrator.recreated.get());
            assertEquals("n1", servedBy());
        } finally {
            n3.close();
        }
    }

    @Test
    void shouldRollBackOnCorruptSocketState() throws Exception {
        n1.migrator.corruptExtract = true;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));

        assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
        assertTrue(x.getMessage().contains("malformed-state"), x.getMessage());
        assertEquals(1, n1.migrator.resumed.get());
        assertEquals("n1", servedBy());
        assertEquals(1, n2.redirector.closedUnused.get(), "the prepared redirection is abandoned unsent");
    }

    @Test
    void shouldRollBackOnCorruptAppStateBeforeRecreatingSocket() throws Exception {
        n2.codec = new FakeCodec(Integer.MIN_VALUE);
        ((FakeCodec) n2.codec).allPorts = true;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", "corrupt".getBytes()));

        assertTrue(x.getMessage().contains("malformed-state"), x.getMessage());
        assertEquals(0, n2.migrator.recreated.get());
        assertEquals("n1", servedBy());
    }

    @Test
    void shouldTakeBindingBackWhenAcceptorCannotActivate() throws Exception {
        n2.migrator.failActivate = true;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));

        assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
        assertEquals("n1", servedBy());
        assertEquals(1, n2.migrator.closedSilently.get());
        assertEquals(1, n1.migrator.resumed.get());
    }

    @Test
    void shouldTakeBindingBackWhenCommitFailsAfterBindingUpdate() throws Exception {
        n2.redirector.failCommitAfterBinding = true;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));

        assertTrue(x.getMessage().contains("redirect-failed"), x.getMessage());
        assertEquals("n1", servedBy());
        assertEquals(1, n2.migrator.closedSilently.get());
    }

    @Test
    void shouldRollBackWhenReturnRoutabilityFails() throws Exception {
        n2.redirector.failPrepare = true;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));
        assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
        assertEquals(0, n2.migrator.recreated.get());
        assertEquals("n1", servedBy());
    }

    @Test
    void shouldLeaveConnectionUntouchedWhenFreezeFails() throws Exception {
        n1.migrator.failFreeze = true;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));

        assertEquals(Reason.FREEZE_FAILED, x.reason());
        assertSame(conn.server(), x.connection().orElseThrow());
        await(() -> n2.coordinator.pendingPreparations() == 0, "the acceptor to drop the Prepare on Abort");
        assertEquals(1, n2.redirector.closedUnused.get());
        // the connection still carries data
        conn.server().write(ByteBuffer.wrap(new byte[] {42}));
        ByteBuffer b = ByteBuffer.allocate(1);
        conn.client().read(b);
        assertEquals(42, b.get(0));
    }

    @Test
    void shouldFailWithoutContactingAcceptorWhenItIsUnreachable() throws Exception {
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "nowhere", new byte[0]));
        assertEquals(Reason.PREPARE_FAILED, x.reason());
        assertEquals(0, n1.migrator.resumed.get(), "nothing was frozen");
        assertSame(conn.server(), x.connection().orElseThrow());
    }

    @Test
    void shouldExpirePrepareWhoseInitNeverCame() throws Exception {
        FakeClock clock = new FakeClock();
        TestNode n3 = node("n3", clock);
        try {
            net.endpoint("n1").send("n3", new org.vanycast.core.internal.wire.Prepare(9, TestNode.GROUP.logicalAddress(),
                    client, 1000));
            await(() -> n3.coordinator.pendingPreparations() == 1, "the Prepare to be recorded");
            clock.advance(Duration.ofMillis(999));
            n3.coordinator.tick();
            assertEquals(1, n3.coordinator.pendingPreparations());
            clock.advance(Duration.ofMillis(2));
            n3.coordinator.tick();
            assertEquals(0, n3.coordinator.pendingPreparations());
            assertEquals(1, n3.redirector.closedUnused.get());
        } finally {
            n3.close();
        }
    }

    @Test
    void shouldRefuseToMoveOneOfSeveralConnectionsOfTheSameClient() throws Exception {
        Loopback.Pair second = loopback.pair(); // same client host (loopback)
        n1.coordinator.track(second.server());
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));
        assertEquals(Reason.CLIENT_HAS_OTHER_CONNECTIONS, x.reason());
        assertEquals(0, net.log.size(), "no Prepare sent");
    }

    @Test
    void shouldLetOperatorHandOffWithPolicyChoiceAndServiceState() throws Exception {
        int port = ((InetSocketAddress) conn.server().getLocalAddress()).getPort();
        FakeCodec donorCodec = new FakeCodec(port);
        n1.codec = donorCodec;
        FakeCodec acceptorCodec = new FakeCodec(port);
        n2.codec = acceptorCodec;
        n1.candidates = java.util.List.of(TestNode.candidate("n2", 1), TestNode.candidate("busy", 50));
        n1.coordinator.track(conn.server());

        HandoffEvent e = n1.coordinator.handoff(client, Optional.empty()).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals("n2", e.acceptor());
        await(() -> acceptorCodec.restored.size() == 1, "the acceptor's service to restore the state");
        assertArrayEquals(FakeCodec.STATE, acceptorCodec.restored.get(0));
        assertTrue(n2.coordinator.clientReceive(Duration.ofMillis(1)).isEmpty(), "codec-handled clients are not queued");
    }

    @Test
    void shouldAnswerOperatorHandoffRequestFromGroupChannel() throws Exception {
        int port = ((InetSocketAddress) conn.server().getLocalAddress()).getPort();
        n1.codec = new FakeCodec(port);
        n2.codec = new FakeCodec(port);
        n1.coordinator.track(conn.server());
        java.util.concurrent.BlockingQueue<org.vanycast.core.internal.wire.NodeMessage> replies =
                new java.util.concurrent.LinkedBlockingQueue<>();
        net.register("operator", (peer, m) -> replies.add(m));

        net.endpoint("operator").send("n1", new org.vanycast.core.internal.wire.HandoffRequest(77, client, Optional.of("n2")));
        var reply = (org.vanycast.core.internal.wire.HandoffReply) replies.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(reply.completed(), reply.text());
        assertTrue(reply.text().contains("outcome=COMPLETED"), reply.text());
        assertEquals("n2", servedBy());

        net.endpoint("operator").send("n1", new org.vanycast.core.internal.wire.HandoffRequest(78, client, Optional.of("n2")));
        var second = (org.vanycast.core.internal.wire.HandoffReply) replies.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertFalse(second.completed());
        assertTrue(second.text().contains("no tracked connection"), second.text());
    }

    @Test
    void shouldResumeServiceLocallyWhenOperatorHandoffRollsBack() throws Exception {
        int port = ((InetSocketAddress) conn.server().getLocalAddress()).getPort();
        FakeCodec donorCodec = new FakeCodec(port);
        n1.codec = donorCodec;
        n2.migrator.failActivate = true;
        n1.coordinator.track(conn.server());

        HandoffFailedException x = failure(n1.coordinator.handoff(client, Optional.of("n2")));
        assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
        await(() -> donorCodec.resumed.get() == 1, "the donor's service to resume");
        assertEquals(1, n1.coordinator.trackedConnections().size());
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

    @Test
    void shouldMoveEveryConnectionOfTheClientInOneInitWhenTheBindingMovesThemAll() throws Exception {
        FakeCodec[] codecs = new FakeCodec[2];
        threeConnectionsOfOneClient(codecs);

        HandoffEvent e = n1.coordinator.handoff(client, Optional.of("n2")).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(3, e.connections());
        assertEquals(1, net.log.stream().filter(s -> s.message() instanceof Init).count(), "one Init for the client");
        assertEquals(3, ((Init) net.log.stream().filter(s -> s.message() instanceof Init).findFirst().orElseThrow().message())
                .connections().size());
        await(() -> codecs[1].restored.size() == 3, "the acceptor's service to continue all three");
        assertEquals(3, n1.migrator.released.get());
        assertTrue(n1.coordinator.trackedConnections().isEmpty());
        assertEquals("n2", servedBy());
    }

    @Test
    void shouldResumeEveryConnectionAndSilenceActivatedOnesWhenABatchFails() throws Exception {
        FakeCodec[] codecs = new FakeCodec[2];
        threeConnectionsOfOneClient(codecs);
        n2.migrator.failActivationNumber = 2; // the first socket went live, the second fails

        HandoffFailedException x = failure(n1.coordinator.handoff(client, Optional.of("n2")));

        assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
        await(() -> codecs[0].resumed.get() == 3, "the donor's service to resume all three");
        assertEquals(3, n1.migrator.resumed.get());
        assertEquals(1, n2.migrator.released.get(), "the one activated copy is frozen and released, no FIN or RST");
        assertEquals(2, n2.migrator.closedSilently.get());
        assertTrue(n2.coordinator.trackedConnections().isEmpty());
        assertEquals("n1", servedBy());
        assertEquals(3, n1.coordinator.trackedConnections().size());
    }

    @Test
    void shouldEvacuateOneUnitPerClientHostWhenBindingsMoveWholeClients() throws Exception {
        FakeCodec[] codecs = new FakeCodec[2];
        threeConnectionsOfOneClient(codecs);
        n1.coordinator.track(loopback.pair(java.net.InetAddress.getByName("127.0.0.2")).server());
        assertEquals(2, n1.coordinator.evacuationUnits().size());
        n1.redirector.wholeClient = false;
        assertEquals(4, n1.coordinator.evacuationUnits().size());
    }

    @Test
    void shouldReleaseBindingOnlyWithTheClientsLastConnection() throws Exception {
        Loopback.Pair second = loopback.pair();
        n1.coordinator.track(conn.server());
        n1.coordinator.track(second.server());
        n1.coordinator.clientClose(conn.server());
        assertEquals(0, n1.redirector.releases.get());
        assertFalse(conn.server().isOpen());
        n1.coordinator.clientClose(second.server());
        assertEquals(1, n1.redirector.releases.get());
    }

    @Test
    void shouldDropDoneFromNodeOtherThanTheAcceptor() throws Exception {
        net.lose = s -> s.message() instanceof org.vanycast.core.internal.wire.Done;
        CompletableFuture<HandoffEvent> f = n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]);
        await(() -> net.log.stream().anyMatch(s -> s.message() instanceof org.vanycast.core.internal.wire.Done),
                "the acceptor's Done (lost)");
        var done = net.log.stream().filter(s -> s.message() instanceof org.vanycast.core.internal.wire.Done).findFirst().orElseThrow();
        net.register("mallory", (p, m) -> { });
        net.replay(new InMemoryTransport.Sent("mallory", "n1", done.message()));
        HandoffFailedException x = failure(f);
        assertEquals(Reason.DONE_TIMEOUT, x.reason());
        assertTrue(n1.coordinator.droppedMessages() >= 1);
    }
}
