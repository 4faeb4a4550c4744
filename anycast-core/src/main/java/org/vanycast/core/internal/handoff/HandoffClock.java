package org.vanycast.core.internal.handoff;

/** Time as the coordinator sees it; tests pass their own. */
public interface HandoffClock {
    /** Monotonic time for phase durations and deadlines. */
    long nanoTime();

    /** Wall-clock time for the Init timestamp (replay protection across nodes). */
    long currentTimeMillis();

    HandoffClock SYSTEM = new HandoffClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }
    };
}
