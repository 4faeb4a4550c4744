package org.vanycast.core.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.core.internal.tls.GroupCa;
import org.vanycast.core.internal.tls.NodeCredentials;

/** The start-up warm-up over real TLS on loopback, with a node's own group certificate. */
class ChannelWarmupTest {
    @TempDir
    static Path dir;
    static NodeCredentials credentials;

    @BeforeAll
    static void createAuthority() throws Exception {
        Instant now = Instant.now();
        GroupCa.init(dir, "g", now, Duration.ofDays(1));
        GroupCa.issue(dir, "n1", now, Duration.ofDays(1));
        credentials = NodeCredentials.load(dir, "n1");
    }

    @Test
    void shouldRunEveryExchangeOverItsOwnChannels() {
        ChannelWarmup.Result r = new ChannelWarmup(credentials, 40).run();
        assertTrue(r.complete(), r.toString());
        assertEquals(40, r.rounds());
        assertEquals(Optional.empty(), r.stopCause());
    }

    @Test
    void shouldStopWhenCancelledAndSaySo() {
        ChannelWarmup w = new ChannelWarmup(credentials, 1_000_000);
        w.cancel();
        ChannelWarmup.Result r = w.run();
        assertFalse(r.complete());
        assertEquals(0, r.rounds());
        assertEquals(Optional.of("cancelled"), r.stopCause());
    }

    @Test
    void shouldFinishOnItsDaemonThreadAndStartNothingWhenOff() throws Exception {
        assertNull(new ChannelWarmup(credentials, 0).start());
        Thread t = new ChannelWarmup(credentials, 20).start();
        assertTrue(t.isDaemon());
        t.join(30_000);
        assertFalse(t.isAlive(), "warm-up of 20 exchanges still running after 30 s");
        assertThrows(IllegalArgumentException.class, () -> new ChannelWarmup(credentials, -1));
    }
}
