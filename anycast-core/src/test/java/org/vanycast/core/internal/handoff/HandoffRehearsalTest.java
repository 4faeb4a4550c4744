package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The start-up rehearsal through the coordinator's real code and a fake migrator (the real one
 * is tcp-handoff's HandoffWarmupTest): every round is a whole handoff, and a stop says why.
 */
class HandoffRehearsalTest {
    private final Loopback loopback = new Loopback();

    HandoffRehearsalTest() throws java.io.IOException {
    }

    @AfterEach
    void close() throws Exception {
        loopback.close();
    }

    @Test
    void shouldRunEveryRoundAsAWholeHandoff() {
        FakeMigrator m = new FakeMigrator(loopback);
        HandoffRehearsal.Result r = new HandoffRehearsal("n1", () -> Optional.of(m), 12).run();
        assertTrue(r.complete(), "rehearsal: " + r);
        assertEquals(12, r.rounds());
        // each round drained, froze, re-created, activated and released exactly once
        assertEquals(12, m.drainTimeouts.size());
        assertEquals(12, m.recreated.get());
        assertEquals(12, m.activated.get());
        assertEquals(12, m.released.get());
        assertEquals(0, m.resumed.get(), "no round rolled back");
    }

    @Test
    void shouldStopWithTheCauseWhenARoundFails() {
        FakeMigrator m = new FakeMigrator(loopback);
        m.failActivationNumber = 3; // the third handoff's acceptor fails: the donor takes the client back
        HandoffRehearsal.Result r = new HandoffRehearsal("n1", () -> Optional.of(m), 10).run();
        assertFalse(r.complete());
        assertEquals(2, r.rounds());
        assertTrue(r.stopCause().orElse("").contains("activate failed"), "cause: " + r.stopCause());
        assertEquals(1, m.resumed.get(), "the donor resumed the third connection");
    }

    @Test
    void shouldStopAfterTheHandoffInProgressWhenCancelled() throws Exception {
        FakeMigrator m = new FakeMigrator(loopback);
        CountDownLatch drained = new CountDownLatch(3);
        m.onDrain = t -> drained.countDown();
        HandoffRehearsal rehearsal = new HandoffRehearsal("n1", () -> Optional.of(m), 1_000_000);
        AtomicReference<HandoffRehearsal.Result> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(rehearsal.run()));
        t.start();
        assertTrue(drained.await(30, TimeUnit.SECONDS), "three rounds began");
        rehearsal.cancel();
        t.join(30_000);
        assertFalse(t.isAlive());
        assertEquals(Optional.of("cancelled"), result.get().stopCause());
        assertTrue(result.get().rounds() >= 2 && result.get().rounds() < 1_000_000, "rounds " + result.get().rounds());
    }

    @Test
    void shouldGiveUpWithoutAMigratorAndDoNothingWhenOff() {
        HandoffRehearsal.Result r = new HandoffRehearsal("n1", Optional::empty, 5, Duration.ofMillis(50)).run();
        assertEquals(0, r.rounds());
        assertTrue(r.stopCause().orElse("").contains("no available connection migrator"), "cause: " + r.stopCause());
        assertNull(new HandoffRehearsal("n1", Optional::empty, 0).start(null), "off: no thread");
    }
}
