package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffFailedException;
import org.vanycast.core.api.HandoffFailedException.Reason;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.internal.wire.Prepare;
import org.vanycast.core.internal.wire.StateAhead;
import org.vanycast.core.spi.AppStateCodec;

/** The application state goes ahead with the Prepare; the acceptor's service prepares its take-over during the drain. */
class StateAheadTest extends CoordinatorFixture {
    private List<NodeMessage> sentTo(String node) {
        return net.log.stream().filter(s -> s.to().equals(node)).map(InMemoryTransport.Sent::message).toList();
    }

    @Test
    void shouldPrepareTheTakeOverBeforeTheInitAndUseItOnce() throws Exception {
        FakeCodec codec = acceptorCodec();
        HandoffEvent e = n1.coordinator.clientHandoff(conn.server(), "n2", FakeCodec.STATE).get(10, TimeUnit.SECONDS);

        assertEquals(HandoffOutcome.COMPLETED, e.outcome());
        List<NodeMessage> toAcceptor = sentTo("n2");
        assertTrue(toAcceptor.get(0) instanceof Prepare && toAcceptor.get(1) instanceof StateAhead
                && toAcceptor.get(2) instanceof Init, toAcceptor.toString());
        StateAhead ahead = (StateAhead) toAcceptor.get(1);
        assertTrue(ahead.states().get(0).sameState(FakeCodec.STATE));
        assertEquals(conn.server().socket().getLocalPort(), ahead.states().get(0).localPort());
        assertEquals(1, codec.prepared.get(), "prepared once, ahead of the Init, and not again for it");
        await(() -> codec.restored.size() == 1, "the service to take the connection over");
        assertEquals(0, codec.discarded.get());
    }

    @Test
    void shouldDiscardTheTakeOverPreparedAheadWhenTheDonorGivesUpBeforeInit() throws Exception {
        FakeCodec codec = acceptorCodec();
        n1.migrator.failFreeze = true;
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", FakeCodec.STATE));

        assertEquals(Reason.FREEZE_FAILED, x.reason());
        await(() -> codec.discarded.get() == 1, "the acceptor to discard the prepared take-over on Abort");
        assertEquals(1, codec.prepared.get());
        assertTrue(codec.restored.isEmpty());
        assertEquals("n1", servedBy());
    }

    @Test
    void shouldSendNoStateAheadWhenItIsTooLargeOrEmpty() throws Exception {
        acceptorCodec();
        // the fake service refuses anything but its own state: a large one is refused at the Init
        byte[] large = new byte[StateAhead.MAX_TOTAL_BYTES + 1];
        HandoffFailedException x = failure(n1.coordinator.clientHandoff(conn.server(), "n2", large));
        assertTrue(x.getMessage().contains("malformed-state"), x.getMessage());
        assertTrue(sentTo("n2").stream().noneMatch(m -> m instanceof StateAhead), "too large to go twice");

        n2.codec = null;
        net.log.clear();
        HandoffEvent e = n1.coordinator.clientHandoff(x.connection().orElseThrow(), "n2", new byte[0])
                .get(10, TimeUnit.SECONDS);
        assertEquals(HandoffOutcome.COMPLETED, e.outcome());
        assertTrue(sentTo("n2").stream().noneMatch(m -> m instanceof StateAhead), "nothing to send ahead");
    }

    @Test
    void shouldFreeWhatWaitingPreparesHoldWhenTheNodeStops() {
        FakeCodec codec = acceptorCodec();
        n2.coordinator.onMessage("n1", new Prepare(77, TestNode.GROUP.logicalAddress(), client, 30_000));
        n2.coordinator.onMessage("n1", new StateAhead(77, List.of(new StateAhead.Entry(8080, FakeCodec.STATE))));
        assertEquals(1, n2.coordinator.pendingPreparations());
        assertEquals(1, codec.prepared.get());

        n2.coordinator.abandonPending();

        assertEquals(0, n2.coordinator.pendingPreparations());
        assertEquals(1, codec.discarded.get(), "the open document closed");
        assertEquals(1, n2.redirector.closedUnused.get(), "the prepared redirection abandoned unsent");
    }

    @Test
    void shouldUseAPreparedTakeOverOnlyForTheSameStateOnTheSamePortInTheSamePlace() {
        AtomicInteger discarded = new AtomicInteger();
        AppStateCodec.Restore a = new CountingRestore(discarded);
        AppStateCodec.Restore b = new CountingRestore(discarded);
        AppStateCodec.Restore c = new CountingRestore(discarded);
        byte[] s0 = {1, 2, 3};
        byte[] s1 = {4, 5};
        PreparedStates p = new PreparedStates(List.of(new StateAhead.Entry(80, s0), new StateAhead.Entry(80, s1),
                new StateAhead.Entry(8080, s1)), new AppStateCodec.Restore[] {a, b, c});

        assertEquals(Optional.empty(), p.take(0, 80, new byte[] {1, 2, 4}), "another state");
        assertEquals(Optional.empty(), p.take(2, 80, s1), "another port");
        assertEquals(Optional.empty(), p.take(3, 80, s1), "no such position");
        assertEquals(Optional.of(b), p.take(1, 80, s1.clone()));
        assertEquals(Optional.empty(), p.take(1, 80, s1), "taken once");
        p.discardRest();
        assertEquals(2, discarded.get(), "the two not taken");
        p.discardRest();
        assertEquals(2, discarded.get(), "discarded once");
    }

    private record CountingRestore(AtomicInteger discarded) implements AppStateCodec.Restore {
        @Override
        public void restore(java.nio.channels.SocketChannel connection) {
        }

        @Override
        public void discard() {
            discarded.incrementAndGet();
        }
    }
}
