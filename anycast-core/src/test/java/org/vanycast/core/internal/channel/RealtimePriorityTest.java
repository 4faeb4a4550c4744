package org.vanycast.core.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Linux only, as the nodes. Where this process may use SCHED_FIFO (the CI runs as root) the
 * calling thread, and no other, takes it; where the kernel refuses, the thread keeps its
 * scheduling and the probe says why.
 */
class RealtimePriorityTest {
    @Test
    void shouldGiveOnlyTheCallingThreadRealtimeSchedulingOrSayWhyNot() throws Exception {
        Optional<String> cause = RealtimePriority.unavailabilityCause(3);
        AtomicBoolean took = new AtomicBoolean();
        AtomicBoolean before = new AtomicBoolean(true);
        AtomicBoolean after = new AtomicBoolean();
        Thread t = new Thread(() -> {
            before.set(RealtimePriority.isRealtime());
            took.set(RealtimePriority.apply(3));
            after.set(RealtimePriority.isRealtime());
        });
        t.start();
        t.join();
        assertFalse(before.get(), "a new thread starts with normal scheduling");
        assertEquals(cause.isEmpty(), took.get(), "apply agrees with the probe: " + cause);
        assertEquals(took.get(), after.get());
        cause.ifPresent(c -> assertTrue(c.contains("sched_setscheduler") || c.contains("JNA"), c));
        // neither the probe nor the other thread changed the test's own thread
        assertFalse(RealtimePriority.isRealtime());
    }

    @Test
    void shouldLeaveTheThreadAloneAtPriorityZero() throws Exception {
        AtomicBoolean took = new AtomicBoolean();
        AtomicBoolean after = new AtomicBoolean(true);
        Thread t = new Thread(() -> {
            took.set(RealtimePriority.apply(0));
            after.set(RealtimePriority.isRealtime());
        });
        t.start();
        t.join();
        assertTrue(took.get());
        assertFalse(after.get());
    }

    @Test
    void shouldRejectPrioritiesLinuxDoesNotHave() {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> RealtimePriority.apply(100));
        assertTrue(x.getMessage().startsWith("realtime.priority"), x.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RealtimePriority.apply(-1));
        assertThrows(IllegalArgumentException.class, () -> RealtimePriority.unavailabilityCause(100));
    }
}
