package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PendingHandoffsTest {
    static final long SECOND = 1_000_000_000L;
    final InetAddress client = WireAddresses.of("fd00:2::10");
    final InetAddress acceptor = WireAddresses.of("fd00:1::2");

    @Test
    void shouldRelayHomeTestToTheAcceptorThatSentTheInit() {
        PendingHandoffs t = new PendingHandoffs(Duration.ofSeconds(10), 10);
        t.expect(client, 0xABCDL, acceptor, 0);
        assertEquals(Optional.of(acceptor), t.acceptorFor(client, 0xABCDL, 5 * SECOND));
        assertTrue(t.acceptorFor(client, 0x1234L, 5 * SECOND).isEmpty(), "another cookie is not ours");
        t.forget(client, 0xABCDL);
        assertEquals(0, t.size(5 * SECOND));
    }

    @Test
    void shouldExpireEntriesAfterTheirLifetime() {
        PendingHandoffs t = new PendingHandoffs(Duration.ofSeconds(10), 10);
        t.expect(client, 1, acceptor, 0);
        assertEquals(1, t.size(10 * SECOND));
        assertTrue(t.acceptorFor(client, 1, 10 * SECOND + 1).isEmpty());
        assertEquals(0, t.size(10 * SECOND + 1));
    }

    @Test
    void shouldRefuseAndCountEntriesBeyondCapacity() {
        PendingHandoffs t = new PendingHandoffs(Duration.ofSeconds(10), 2);
        t.expect(client, 1, acceptor, 0);
        t.expect(client, 2, acceptor, 0);
        t.expect(client, 3, acceptor, 0);
        assertEquals(1, t.refused());
        assertEquals(2, t.size(0));
        t.expect(client, 4, acceptor, 11 * SECOND); // the old ones expired: room again
        assertEquals(1, t.size(11 * SECOND));
    }
}
