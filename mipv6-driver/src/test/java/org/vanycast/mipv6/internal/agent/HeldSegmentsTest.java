package org.vanycast.mipv6.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeldSegmentsTest {
    private static final long MS = 1_000_000L;
    private final Inet6Address careOf = v6("fd00:1::2");
    private final Inet6Address stranger = v6("fd00:1::9");
    private final HeldSegments held = new HeldSegments(60_000 * MS, 1500 * MS, 3);

    @Test
    void shouldPassSegmentsFromAnAddressThatRanNoCareOfTest() {
        assertEquals(HeldSegments.Decision.PASS, held.offer(1, new byte[0], stranger, 0));
        assertEquals(0, held.size());
    }

    @Test
    void shouldHoldSegmentsOfATestedCareOfUntilItsBindingAndReleaseThemInOrder() {
        held.careOfTested(careOf, 0);
        assertEquals(HeldSegments.Decision.HOLD, held.offer(7, new byte[] {1}, careOf, 10 * MS));
        assertEquals(HeldSegments.Decision.HOLD, held.offer(8, new byte[] {2}, careOf, 11 * MS));
        List<HeldSegments.Held> out = held.bound(careOf, 12 * MS);
        assertEquals(List.of(7, 8), out.stream().map(HeldSegments.Held::id).toList());
        assertEquals(0, held.size());
        assertEquals(List.of(), held.bound(careOf, 13 * MS), "nothing held twice");
    }

    @Test
    void shouldHoldForAnAddressThatWasBoundBeforeAndComesBackWithoutANewCareOfTest() {
        held.careOfTested(careOf, 0);
        held.bound(careOf, 50_000 * MS); // later the client moved to another node, then comes back here
        assertEquals(HeldSegments.Decision.HOLD, held.offer(1, new byte[0], careOf, 100_000 * MS),
                "within the window counted from the binding, not from the care-of test");
    }

    @Test
    void shouldLetSegmentsExpireWhenTheBindingNeverComes() {
        held.careOfTested(careOf, 0);
        held.offer(1, new byte[0], careOf, 0);
        held.offer(2, new byte[0], careOf, 1000 * MS);
        assertEquals(List.of(), held.expired(1499 * MS));
        assertEquals(List.of(1), held.expired(1500 * MS));
        assertEquals(List.of(2), held.expired(2500 * MS));
        assertEquals(List.of(), held.bound(careOf, 2500 * MS));
    }

    @Test
    void shouldForgetCareOfTestsOlderThanTheWindowAndOverflowBeyondCapacity() {
        held.careOfTested(careOf, 0);
        for (int i = 0; i < 3; i++) {
            assertEquals(HeldSegments.Decision.HOLD, held.offer(i, new byte[0], careOf, 0));
        }
        assertEquals(HeldSegments.Decision.OVERFLOW, held.offer(3, new byte[0], careOf, 0));
        held.expired(60_001 * MS);
        assertEquals(HeldSegments.Decision.PASS, held.offer(4, new byte[0], careOf, 60_002 * MS));
    }

    @Test
    void shouldRefuseNonPositiveLimits() {
        assertThrows(IllegalArgumentException.class, () -> new HeldSegments(1, 0, 1));
    }

    private static Inet6Address v6(String s) {
        try {
            return (Inet6Address) InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
