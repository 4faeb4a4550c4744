package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffFailedException;
import org.vanycast.core.api.HandoffFailedException.Reason;
import org.vanycast.core.internal.wire.Init;

/**
 * An acceptor that dies between Prepare and Done leaves the group view long before the Done
 * timeout: the donor rolls back when the view says so, not when the timeout fires.
 */
class AcceptorLeftTest extends CoordinatorFixture {
    /** A Done timeout far beyond the fixture's wait, so only the view can end the handoff in time. */
    private static final HandoffConfig PATIENT = new HandoffConfig(Duration.ofSeconds(5), Duration.ofSeconds(1),
            Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMinutes(5), Duration.ofSeconds(30));

    @Test
    void shouldRollBackAndTakeTheBindingBackWhenTheAcceptorLeavesTheViewBeforeItsDone() throws Exception {
        TestNode donor = new TestNode("n3", loopback, bindings, net.endpoint("n3"), PATIENT, HandoffClock.SYSTEM);
        net.register("n3", donor.coordinator);
        try {
            net.lose = s -> s.message() instanceof org.vanycast.core.internal.wire.Done; // dies right after its BU
            CompletableFuture<HandoffEvent> f = donor.coordinator.clientHandoff(conn.server(), "n2", new byte[0]);
            await(() -> !donor.coordinator.awaiting.isEmpty() && !"n3".equals(bindings.servedBy(client.getAddress(), "n3")),
                    "the acceptor to move the binding and the donor to wait for Done");

            donor.coordinator.membersChanged(Set.of("n1", "n3"));

            HandoffFailedException x = failure(f);
            assertEquals(Reason.DONE_TIMEOUT, x.reason());
            assertTrue(x.getMessage().contains("n2 left the group"), x.getMessage());
            assertEquals(1, donor.migrator.resumed.get(), "the donor serves the connection again");
            assertEquals("n3", bindings.servedBy(client.getAddress(), "n3"), "the donor's later Binding Update outranks the acceptor's");
        } finally {
            donor.close();
        }
    }

    @Test
    void shouldRollBackAtOnceWhenTheAcceptorLeavesWhileInitIsStillBeingWritten() throws Exception {
        TestNode donor = new TestNode("n3", loopback, bindings, net.endpoint("n3"), PATIENT, HandoffClock.SYSTEM);
        net.register("n3", donor.coordinator);
        try {
            net.stall = s -> s.message() instanceof Init; // hung: the write of Init does not return
            CompletableFuture<HandoffEvent> f = donor.coordinator.clientHandoff(conn.server(), "n2", new byte[0]);
            await(() -> net.log.stream().anyMatch(s -> s.message() instanceof Init), "the donor to write Init");

            donor.coordinator.membersChanged(Set.of("n1", "n3"));

            HandoffFailedException x = failure(f);
            assertEquals(Reason.DONE_TIMEOUT, x.reason());
            assertTrue(x.getMessage().contains("n2 left the group"), x.getMessage());
            assertEquals(1, donor.migrator.resumed.get(), "the donor serves the connection again");
            assertEquals(0, net.writeTimeouts.get(), "ended by the view, not by the write timeout");
        } finally {
            donor.close();
        }
    }

    @Test
    void shouldKeepWaitingWhenTheAcceptorIsStillAMember() throws Exception {
        net.lose = s -> s.message() instanceof Init;
        CompletableFuture<HandoffEvent> f = n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]);
        await(() -> !n1.coordinator.awaiting.isEmpty(), "the donor to wait for Done");

        n1.coordinator.membersChanged(Set.of("n1", "n2"));

        HandoffFailedException x = failure(f);
        assertTrue(x.getMessage().contains("no Done from n2 within"), "ended by the Done timeout: " + x.getMessage());
    }
}
