package org.vanycast.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WanEmulatorStampTest {
    private static final long READ_AT = 1_796_000_000_000_000L; // µs since the epoch

    @Test
    void shouldCountADelayFromTheKernelsStampOfTheArrival() {
        assertEquals(180_000, WanEmulator.stampAgeNanos(READ_AT - 180, READ_AT));
        assertEquals(0, WanEmulator.stampAgeNanos(READ_AT, READ_AT));
        assertEquals(WanEmulator.MAX_STAMP_AGE_MICROS * 1000,
                WanEmulator.stampAgeNanos(READ_AT - WanEmulator.MAX_STAMP_AGE_MICROS, READ_AT));
    }

    @Test
    void shouldFallBackToTheReadInstantWithoutABelievableStamp() {
        assertEquals(-1, WanEmulator.stampAgeNanos(0, READ_AT), "no stamp");
        assertEquals(-1, WanEmulator.stampAgeNanos(READ_AT + 5, READ_AT), "stamp in the future (clock set back)");
        assertEquals(-1, WanEmulator.stampAgeNanos(READ_AT - WanEmulator.MAX_STAMP_AGE_MICROS - 1, READ_AT),
                "older than any packet waits to be read (clock set forward)");
    }
}
