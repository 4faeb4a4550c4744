package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffFailedException;
import org.vanycast.core.api.HandoffFailedException.Reason;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.api.HandoffPhase;
import org.vanycast.core.api.HandoffRole;
import org.vanycast.core.api.ReceivedClient;
import org.vanycast.core.internal.wire.Init;

/** Handoffs that complete: phases, sequences, operator requests, whole-client batches, client_close. */
class HandoffCoordinatorTest extends CoordinatorFixture {
    @Test
    void shouldHandOffAndMoveClientToAcceptorWithAllPhasesTimed() throws Exception {
        HandoffEvent e = n1.coordinator.clientHandoff(conn.server(), "n2", "GET /big 500000".getBytes())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(HandoffOutcome.COMPLETED, e.outcome());
        assertEquals(HandoffRole.DONOR, e.role());
        assertEquals(client, e.client());
        for (HandoffPhase p : HandoffPhase.values()) {
            if (p != HandoffPhase.CONFIRM) { // the acceptor's, after Done
                assertTrue(e.nanos(p) >= 0, "phase " + p + " recorded");
            }
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
        assertTrue(n2.events.get(0).nanos(HandoffPhase.CONFIRM) >= 0, "the acceptor timed the confirmation");
        assertEquals(e.handoffId(), n2.events.get(0).handoffId());
        assertEquals(1, n1.events.size());
        assertTrue(e.toLogLine().contains("outcome=COMPLETED"), e.toLogLine());
        // one clock for both nodes here: the freeze instant (donor) comes before the live instant (acceptor),
        // at least the extraction and the acceptor's phases apart
        HandoffEvent a = n2.events.get(0);
        assertTrue(e.freezeAtNanos() > 0 && e.liveAtNanos() == -1, "donor: freeze instant only");
        assertTrue(a.freezeAtNanos() == -1 && a.liveAtNanos() > 0, "acceptor: live instant only");
        // (ACTIVATE also holds the service's take-over, which comes after the live instant)
        assertTrue(a.liveAtNanos() - e.freezeAtNanos() >= e.nanos(HandoffPhase.EXTRACT) + a.nanos(HandoffPhase.RECREATE)
                + a.nanos(HandoffPhase.REDIRECT), "freeze -> live covers the phases before it");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldHoldTheCpuLatencyRequestOnBothSidesOnlyWhileTheHandoffRuns(boolean acceptedInline,
            @TempDir Path dir) throws Exception {
        n2.redirector.ready = acceptedInline;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Path d1 = Files.createFile(dir.resolve("n1"));
            Path d2 = Files.createFile(dir.resolve("n2"));
            CpuLatencyHold h1 = CpuLatencyHold.on(d1, timer);
            CpuLatencyHold h2 = CpuLatencyHold.on(d2, timer);
            n1.coordinator.cpuLatencyHold(h1);
            n2.coordinator.cpuLatencyHold(h2);

            n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertEquals("0", Files.readString(d1), "the donor asked for 0 us");
            assertEquals("0", Files.readString(d2), "the acceptor asked for 0 us");
            assertEquals(0, h1.openWindows(), "the donor's window closed with its handoff");
            await(() -> h2.openWindows() == 0, "the acceptor's window to close after its Done");
            assertFalse(h1.requesting());
            assertFalse(h2.requesting());
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void shouldHandOffWithTheInitAcceptedWhereReceivedWhenThePreparationIsReady() throws Exception {
        n2.redirector.ready = true;
        HandoffEvent e = n1.coordinator.clientHandoff(conn.server(), "n2", "state".getBytes())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(HandoffOutcome.COMPLETED, e.outcome());
        assertEquals("n2", servedBy());
        ReceivedClient r = n2.coordinator.clientReceive(WAIT).orElseThrow();
        assertArrayEquals("state".getBytes(), r.appState());
        await(() -> n2.events.size() == 1, "the acceptor's event");
        HandoffEvent accepted = n2.events.get(0);
        assertEquals(HandoffOutcome.COMPLETED, accepted.outcome());
        for (HandoffPhase p : List.of(HandoffPhase.RECREATE, HandoffPhase.REDIRECT, HandoffPhase.ACTIVATE,
                HandoffPhase.CONFIRM)) {
            assertTrue(accepted.nanos(p) >= 0, "acceptor phase " + p + " recorded");
        }
        assertEquals(1, n2.redirector.confirmThreads.size());
        assertEquals(1, n2.coordinator.trackedConnections().size());
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
    void shouldCountTheNextHandoffFromABindingThatConfirmHadToSendAgain() throws Exception {
        n2.redirector.rebindOnConfirm = 2; // the acknowledgement was lost: confirm bound again, newer
        n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        ReceivedClient r = n2.coordinator.clientReceive(WAIT).orElseThrow();
        await(() -> n2.events.size() == 1, "the acceptor's confirm");

        // back to n1: its Binding Update must be newer than n2's second binding (sequence 1 + 2)
        HandoffEvent back = n2.coordinator.clientHandoff(r.connection(), "n1", new byte[0])
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(HandoffOutcome.COMPLETED, back.outcome());
        assertEquals("n1", servedBy());
        Init second = (Init) net.log.stream().filter(s -> s.message() instanceof Init && s.from().equals("n2"))
                .findFirst().orElseThrow().message();
        assertEquals(3, second.mipv6Sequence());
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
    void shouldMoveEveryConnectionOfTheClientInOneInitWhenTheBindingMovesThemAll() throws Exception {
        FakeCodec[] codecs = new FakeCodec[2];
        threeConnectionsOfOneClient(codecs);

        HandoffEvent e = n1.coordinator.handoff(client, Optional.of("n2")).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(3, e.connections());
        assertEquals(1, net.log.stream().filter(s -> s.message() instanceof Init).count(), "one Init for the client");
        assertEquals(3, ((Init) net.log.stream().filter(s -> s.message() instanceof Init).findFirst().orElseThrow().message())
                .connections().size());
        await(() -> codecs[1].restored.size() == 3, "the acceptor's service to continue all three");
        assertEquals(3, codecs[0].released.get(), "the donor's service forgets the released connections");
        assertEquals(3, n1.migrator.released.get());
        assertTrue(n1.coordinator.trackedConnections().isEmpty());
        assertEquals("n2", servedBy());
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

}
