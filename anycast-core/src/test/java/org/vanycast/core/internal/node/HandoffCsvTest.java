package org.vanycast.core.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffOutcome;
import org.vanycast.core.api.HandoffPhase;
import org.vanycast.core.api.HandoffRole;

class HandoffCsvTest {
    @TempDir
    Path dir;

    static HandoffEvent event(Optional<String> failure) {
        return new HandoffEvent(0xABCL, HandoffRole.DONOR, "n1", "n2", new InetSocketAddress("fd00::10", 40000), 1,
                failure.isEmpty() ? HandoffOutcome.COMPLETED : HandoffOutcome.ROLLED_BACK,
                Map.of(HandoffPhase.EXTRACT, 58_000L, HandoffPhase.TRANSFER, 1_200_000L), 170, 64, failure);
    }

    @Test
    void shouldWriteHeaderOnceAndOneRowPerEventWithEveryPhaseColumn() throws Exception {
        Path file = dir.resolve("sub/handoffs.csv");
        HandoffCsv csv = new HandoffCsv(file);
        csv.onHandoff(event(Optional.empty()));
        csv.onHandoff(event(Optional.of("ACCEPTOR_ABORTED: replayed, \"nonce\"")));
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        assertEquals(HandoffCsv.header(), lines.get(0));
        String[] cols = HandoffCsv.header().split(",");
        assertTrue(lines.get(1).startsWith(lines.get(1).split(",")[0] + ",abc,DONOR,COMPLETED,n1,n2,fd00:0:0:0:0:0:0:10,40000,1,-1,-1,58,1200,"),
                lines.get(1));
        assertEquals(cols.length, lines.get(1).split(",", -1).length);
        assertTrue(lines.get(2).endsWith(",\"ACCEPTOR_ABORTED: replayed, \"\"nonce\"\"\""), lines.get(2));
        // no instants in these events
        assertTrue(lines.get(1).endsWith(",170,64,-1,-1,"), lines.get(1));
    }

    @Test
    void shouldWriteTheFreezeAndLiveInstantsInMicroseconds() {
        HandoffEvent donor = new HandoffEvent(1L, HandoffRole.DONOR, "n1", "n2", new InetSocketAddress("fd00::10", 40000), 1,
                HandoffOutcome.COMPLETED, Map.of(), 104, 0, Optional.empty(), 5_000_123_456L, -1);
        HandoffEvent acceptor = new HandoffEvent(1L, HandoffRole.ACCEPTOR, "n1", "n2", new InetSocketAddress("fd00::10", 40000),
                1, HandoffOutcome.COMPLETED, Map.of(), 104, 0, Optional.empty(), -1, 5_000_987_654L);
        String[] cols = HandoffCsv.header().split(",");
        int freeze = java.util.Arrays.asList(cols).indexOf("freeze_at_mono_us");
        int live = java.util.Arrays.asList(cols).indexOf("live_at_mono_us");
        assertEquals("5000123", HandoffCsv.row(donor, 0).split(",", -1)[freeze]);
        assertEquals("-1", HandoffCsv.row(donor, 0).split(",", -1)[live]);
        assertEquals("-1", HandoffCsv.row(acceptor, 0).split(",", -1)[freeze]);
        assertEquals("5000987", HandoffCsv.row(acceptor, 0).split(",", -1)[live]);
    }
}
