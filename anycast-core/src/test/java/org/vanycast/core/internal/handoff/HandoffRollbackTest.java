package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffFailedException;
import org.vanycast.core.api.HandoffFailedException.Reason;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.internal.wire.Abort;
import org.vanycast.core.internal.wire.AbortReason;
import org.vanycast.core.internal.wire.Init;

/** Every failure leaves the client with the donor: crashes, stalls, replays, corrupt state, refusals. */
class HandoffRollbackTest extends CoordinatorFixture {
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
    void shouldEndTheDonorsCpuLatencyWindowWhenItRollsBack(@TempDir Path dir)
            throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            CpuLatencyHold h1 = CpuLatencyHold.on(Files.createFile(dir.resolve("n1")), timer);
            n1.coordinator.cpuLatencyHold(h1);
            net.lose = s -> s.message() instanceof Init;
            assertEquals(Reason.DONE_TIMEOUT, failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0])).reason());
            assertEquals(0, h1.openWindows());
            assertFalse(h1.requesting());
        } finally {
            timer.shutdownNow();
        }
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
    void shouldWithdrawCopyAcceptedInlineWhenDonorGaveUpAfterDone() throws Exception {
        n2.redirector.ready = true; // the Init is accepted where it is received, up to Done
        net.lose = s -> s.message() instanceof org.vanycast.core.internal.wire.Done;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));
        assertEquals(Reason.DONE_TIMEOUT, x.reason());

        // the donor's Abort comes after the inline part and finds the handoff completed
        await(() -> n2.events.stream().anyMatch(e -> e.outcome() == HandoffOutcome.ROLLED_BACK), "the acceptor to withdraw");
        assertEquals(1, n2.migrator.released.get(), "frozen and released: no FIN or RST from the acceptor");
        assertTrue(n2.coordinator.trackedConnections().isEmpty());
        assertEquals("n1", servedBy());
        assertEquals(1, n1.migrator.resumed.get());
    }

    @Test
    void shouldTakeBindingBackWhenAcceptorAcceptingInlineCannotActivate() throws Exception {
        n2.redirector.ready = true;
        n2.migrator.failActivate = true;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));

        assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
        assertEquals("n1", servedBy());
        assertEquals(1, n2.migrator.closedSilently.get());
        assertEquals(1, n1.migrator.resumed.get());
        await(() -> n2.events.size() == 1, "the acceptor's event");
        assertEquals(HandoffOutcome.ROLLED_BACK, n2.events.get(0).outcome());
        assertTrue(n2.redirector.confirmThreads.isEmpty(), "nothing to confirm after an Abort");
    }

    @Test
    void shouldNotSendBindingWhenDonorGaveUpWhileAcceptorWasRecreating() throws Exception {
        n2.migrator.recreateGate = new java.util.concurrent.CountDownLatch(1);
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]));
        assertEquals(Reason.DONE_TIMEOUT, x.reason());
        // handled by the acceptor, not only sent: it must know the donor gave up before it goes on
        await(() -> net.delivered.stream().anyMatch(s -> s.message() instanceof Abort a
                && a.reason().equals(AbortReason.TIMEOUT)), "the acceptor to take in the donor's Abort");

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
    void shouldRollBackBeforeRecreatingWhenTheAcceptorsServiceCannotContinue() throws Exception {
        FakeCodec codec = acceptorCodec();
        codec.refuse = "document /content/demo.bin is not on this node";
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", FakeCodec.STATE));

        assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
        assertTrue(x.getMessage().contains("service-refused") && x.getMessage().contains("not on this node"), x.getMessage());
        assertEquals(0, n2.migrator.recreated.get());
        assertEquals(1, n2.redirector.closedUnused.get(), "the prepared redirection is abandoned unsent");
        assertEquals(1, n1.migrator.resumed.get());
        assertEquals("n1", servedBy());
    }

    @Test
    void shouldTakeBindingBackWhenTheAcceptorsServiceFailsToTakeTheLiveConnectionOver() throws Exception {
        FakeCodec codec = acceptorCodec();
        codec.failRestore = true;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", FakeCodec.STATE));

        assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
        assertTrue(x.getMessage().contains("service-refused"), x.getMessage());
        assertEquals("n1", servedBy(), "the donor's later Binding Update outranks the acceptor's");
        assertEquals(1, n1.migrator.resumed.get());
        assertEquals(1, n2.migrator.released.get(), "the live copy is frozen and released: no FIN or RST");
        assertTrue(n2.coordinator.trackedConnections().isEmpty());
        assertTrue(net.log.stream().noneMatch(s -> s.message() instanceof org.vanycast.core.internal.wire.Done));
        await(() -> n2.events.size() == 1, "the acceptor's event");
        assertEquals(HandoffOutcome.ROLLED_BACK, n2.events.get(0).outcome());
    }

    @Test
    void shouldDiscardTheServicesPreparedTakeOverWhenActivationFails() throws Exception {
        FakeCodec codec = acceptorCodec();
        n2.migrator.failActivate = true;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", FakeCodec.STATE));

        assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
        // the acceptor discards after its Abort went out, so the donor may hear of it first
        await(() -> codec.discarded.get() == 1, "the acceptor to discard the prepared take-over");
        assertTrue(codec.restored.isEmpty());
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
        await(() -> n2.redirector.closedUnused.get() == 1, "the acceptor to abandon the prepared redirection on Abort");
        assertEquals(0, n2.coordinator.pendingPreparations());
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

    @Test
    void shouldResumeEveryConnectionAndSilenceActivatedOnesWhenABatchFails() throws Exception {
        FakeCodec[] codecs = new FakeCodec[2];
        threeConnectionsOfOneClient(codecs);
        n2.migrator.failActivationNumber = 2; // the first socket went live, the second fails

        HandoffFailedException x = failure(n1.coordinator.handoff(client, Optional.of("n2")));

        assertEquals(Reason.ACCEPTOR_ABORTED, x.reason());
        await(() -> codecs[0].resumed.get() == 3, "the donor's service to resume all three");
        assertEquals(0, codecs[0].released.get());
        assertEquals(3, n1.migrator.resumed.get());
        assertEquals(1, n2.migrator.released.get(), "the one activated copy is frozen and released, no FIN or RST");
        assertEquals(2, n2.migrator.closedSilently.get());
        assertTrue(n2.coordinator.trackedConnections().isEmpty());
        assertEquals("n1", servedBy());
        assertEquals(3, n1.coordinator.trackedConnections().size());
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
