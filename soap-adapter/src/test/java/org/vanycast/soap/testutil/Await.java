package org.vanycast.soap.testutil;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until a deadline: tests wait for a state, never sleep for it. */
public final class Await {
    /** Long enough for a loaded CI machine; a state not reached by then is a failure. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Await() {
    }

    /** @param what the awaited state, for the failure message ("the download is under way") */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
