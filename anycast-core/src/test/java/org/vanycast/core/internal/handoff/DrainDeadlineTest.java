package org.vanycast.core.internal.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffOutcome;

/**
 * A handoff moving many connections of one client (a graceful leave) shares one drain
 * deadline: before, each connection got its own drain timeout, so a leave with 50 stalled
 * downloads waited 50 of them. The clock is a fake one the drains move, so the bound is
 * shown by what the drains were given, not by wall-clock time.
 */
class DrainDeadlineTest extends CoordinatorFixture {

    @Test
    void shouldBoundDrainOfAllConnectionsOfOneClientByOneDrainTimeout() throws Exception {
        FakeClock clock = new FakeClock();
        TestNode donor = node("n3", clock);
        try {
            int port = ((InetSocketAddress) conn.server().getLocalAddress()).getPort();
            donor.codec = new FakeCodec(port);
            n2.codec = new FakeCodec(port);
            List<Loopback.Pair> five = List.of(conn, loopback.pair(), loopback.pair(), loopback.pair(), loopback.pair());
            five.forEach(p -> donor.coordinator.track(p.server()));
            // a client that acknowledges nothing: every drain waits out the whole time it is given
            donor.migrator.onDrain = clock::advance;
            long before = clock.nanoTime();

            HandoffEvent e = donor.coordinator.handoff(client, Optional.of("n2")).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertEquals(HandoffOutcome.COMPLETED, e.outcome());
            assertEquals(5, e.connections());
            List<Duration> given = donor.migrator.drainTimeouts;
            assertEquals(5, given.size(), "every connection is still drained");
            assertEquals(FAST.drainTimeout(), given.get(0), "the first drain may use the whole timeout");
            assertEquals(FAST.drainTimeout(), given.stream().reduce(Duration.ZERO, Duration::plus),
                    "all drains together get one drain timeout: " + given);
            assertEquals(FAST.drainTimeout().toNanos(), clock.nanoTime() - before, "the handoff waited one drain timeout");
        } finally {
            donor.close();
        }
    }

    @Test
    void shouldLeaveTheRestOfTheDeadlineToLaterConnectionsWhenEarlierOnesDrainQuickly() throws Exception {
        FakeClock clock = new FakeClock();
        TestNode donor = node("n3", clock);
        try {
            int port = ((InetSocketAddress) conn.server().getLocalAddress()).getPort();
            donor.codec = new FakeCodec(port);
            n2.codec = new FakeCodec(port);
            List.of(conn, loopback.pair(), loopback.pair()).forEach(p -> donor.coordinator.track(p.server()));
            Duration quick = Duration.ofMillis(10);
            donor.migrator.onDrain = t -> clock.advance(quick.compareTo(t) < 0 ? quick : t);

            donor.coordinator.handoff(client, Optional.of("n2")).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertEquals(List.of(FAST.drainTimeout(), FAST.drainTimeout().minus(quick), FAST.drainTimeout().minus(quick.multipliedBy(2))),
                    donor.migrator.drainTimeouts);
        } finally {
            donor.close();
        }
    }
}
