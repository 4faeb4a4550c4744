package org.vanycast.core.internal.handoff;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when the test says so (starts at real wall time). */
final class FakeClock implements HandoffClock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong offsetMillis = new AtomicLong();
    private final long wallStart = System.currentTimeMillis();

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long currentTimeMillis() {
        return wallStart + (nanos.get() - 1_000_000_000L) / 1_000_000L + offsetMillis.get();
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}
