package org.vanycast.mipv6.internal.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.vanycast.mipv6.api.Ipv6Packet;

class SequencesAndPendingTest {

    @Test
    void shouldCompareSequenceNumbersModulo65536() {
        assertTrue(Sequences.newer(2, 1));
        assertTrue(Sequences.newer(0, 0xffff), "wraps around");
        assertFalse(Sequences.newer(1, 1), "a replay is not newer");
        assertFalse(Sequences.newer(1, 2));
        assertFalse(Sequences.newer(0x8001, 1), "more than half the space ahead counts as older");
    }

    @Test
    void shouldHandEachPendingHomeTestToItsAcceptorOnceAndForgetStaleOnes() {
        PendingHomeTests t = new PendingHomeTests();
        Consumer<Ipv6Packet> a = p -> { };
        Consumer<Ipv6Packet> b = p -> { };
        t.expect(11, a, 0);
        t.expect(22, b, 10);
        assertSame(a, t.take(11));
        assertNull(t.take(11), "a Home Test is relayed once");
        t.expire(PendingHomeTests.TTL_NANOS + 11);
        assertNull(t.take(22), "unanswered entries expire");
        assertTrue(t.isEmpty());
    }
}
