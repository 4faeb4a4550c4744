package org.vanycast.core.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Linux only, as the nodes: the slack of the calling thread, and of no other. */
class TimerSlackTest {
    @Test
    void shouldTightenOnlyTheCallingThread() throws Exception {
        assertEquals(java.util.Optional.empty(), TimerSlack.unavailabilityCause());
        AtomicReference<OptionalLong> before = new AtomicReference<>();
        AtomicReference<OptionalLong> after = new AtomicReference<>();
        AtomicReference<Boolean> took = new AtomicReference<>();
        Thread t = new Thread(() -> {
            before.set(TimerSlack.current());
            took.set(TimerSlack.tighten());
            after.set(TimerSlack.current());
        });
        t.start();
        t.join();
        assertTrue(took.get());
        assertTrue(before.get().isPresent());
        assertEquals(OptionalLong.of(TimerSlack.TIGHT_NANOS), after.get());
        // the test's own thread kept its slack
        assertEquals(before.get(), TimerSlack.current());
    }
}
