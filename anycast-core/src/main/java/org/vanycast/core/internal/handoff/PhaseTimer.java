package org.vanycast.core.internal.handoff;

import java.util.EnumMap;
import java.util.Map;
import org.vanycast.core.api.HandoffPhase;

/** Records how long each phase of one handoff took, on the coordinator's clock. */
final class PhaseTimer {
    private final HandoffClock clock;
    private final EnumMap<HandoffPhase, Long> phases = new EnumMap<>(HandoffPhase.class);
    private final EnumMap<HandoffPhase, Long> endedAt = new EnumMap<>(HandoffPhase.class);
    private long mark;

    PhaseTimer(HandoffClock clock) {
        this.clock = clock;
        this.mark = clock.nanoTime();
    }

    /** Ends {@code phase} now (it began at the previous mark) and returns its duration. */
    long end(HandoffPhase phase) {
        long now = clock.nanoTime();
        long d = Math.max(0, now - mark);
        phases.merge(phase, d, Long::sum);
        endedAt.put(phase, now);
        mark = now;
        return d;
    }

    /** The clock's time when {@code phase} last ended through {@link #end}, or -1. */
    long endedAt(HandoffPhase phase) {
        return endedAt.getOrDefault(phase, -1L);
    }

    void restart() {
        mark = clock.nanoTime();
    }

    void put(HandoffPhase phase, long nanos) {
        phases.put(phase, Math.max(0, nanos));
    }

    long sinceMark() {
        return clock.nanoTime() - mark;
    }

    Map<HandoffPhase, Long> phases() {
        return phases;
    }
}
