package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.internal.channel.HotWait;
import org.vanycast.core.internal.wire.Prepare;

/** What the group channel's reader learns from the acceptor while it waits for an Init. */
class HotWaitTest extends CoordinatorFixture {

    @Test
    void shouldExpectAnInitOnlyFromTheDonorWhosePrepareWaits() {
        HotWait hot = n2.coordinator.hotWait(Duration.ofSeconds(1));
        assertFalse(hot.expecting("n1"), "nothing announced yet");
        n2.coordinator.onMessage("n1", new Prepare(5, TestNode.GROUP.logicalAddress(), client, 30_000));
        assertTrue(hot.expecting("n1"));
        assertFalse(hot.expecting("n3"), "another donor announced nothing");
        assertEquals(TimeUnit.SECONDS.toNanos(1), hot.maxSpinNanos());

        n2.coordinator.abandonPending();
        assertFalse(hot.expecting("n1"), "nothing waits any more");
    }

    @Test
    void shouldNotExpectAnInitWhosePrepareExpired() {
        n2.coordinator.onMessage("n1", new Prepare(6, TestNode.GROUP.logicalAddress(), client, 0));
        assertFalse(n2.coordinator.hotWait(Duration.ofSeconds(1)).expecting("n1"));
    }

    @Test
    void shouldRehearseTheDriversWithoutTouchingTheHandoffItWaitsFor() throws Exception {
        // the donor's Prepare reaches n2 through the in-memory transport; rehearse between it and the Init
        HotWait hot = n2.coordinator.hotWait(Duration.ofSeconds(1));
        n2.coordinator.onMessage("n1", new Prepare(7, TestNode.GROUP.logicalAddress(), client, 30_000));
        for (int i = 0; i < 50; i++) {
            hot.rehearse("n1");
        }
        assertEquals(50, n2.migrator.rehearsals.get());
        assertEquals(50, n2.redirector.rehearsals.get());
        assertEquals(0, n2.migrator.recreated.get(), "a rehearsal re-creates nothing");
        assertTrue(n2.redirector.commitThreads.isEmpty(), "and sends no binding");
        n2.coordinator.abandonPending();

        // the rehearsals' nonces went to their own guard: a real handoff afterwards completes
        HandoffEvent e = n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]).get(10, TimeUnit.SECONDS);
        assertEquals(HandoffOutcome.COMPLETED, e.outcome());
    }

    @Test
    void shouldStopRehearsingBeforeTheDriversOnceTheInitIsHere() {
        HotWait hot = n2.coordinator.hotWait(Duration.ofSeconds(1));
        n2.coordinator.onMessage("n1", new Prepare(8, TestNode.GROUP.logicalAddress(), client, 30_000));
        hot.rehearse("n1", () -> true);
        assertEquals(0, n2.migrator.rehearsals.get(), "the Init is here: no driver rehearses");
        assertEquals(0, n2.redirector.rehearsals.get());
        hot.rehearse("n1", () -> false);
        assertEquals(1, n2.migrator.rehearsals.get());
        assertEquals(1, n2.redirector.rehearsals.get());
        n2.coordinator.abandonPending();
    }

    @Test
    void shouldAnnounceThePreparedConnectionToTheMigratorAndHandOffEvenWhenItCannotGetReady() throws Exception {
        n2.migrator.failExpect = new IllegalStateException("injected: not ready");
        HandoffEvent e = n1.coordinator.clientHandoff(conn.server(), "n2", new byte[0]).get(10, TimeUnit.SECONDS);
        assertEquals(HandoffOutcome.COMPLETED, e.outcome(), "getting ready is only a head start");
        assertEquals(java.util.List.of(java.util.List.of(TestNode.GROUP.logicalAddress(), client)), n2.migrator.expected);
        assertEquals(java.util.List.of(), n1.migrator.expected, "only the acceptor is told");
    }

    @Test
    void shouldBlockAsUsualWhenSwitchedOff() {
        assertSame(HotWait.NONE, n2.coordinator.hotWait(Duration.ZERO));
        n2.coordinator.onMessage("n1", new Prepare(8, TestNode.GROUP.logicalAddress(), client, 30_000));
        assertFalse(HotWait.NONE.expecting("n1"));
    }
}
