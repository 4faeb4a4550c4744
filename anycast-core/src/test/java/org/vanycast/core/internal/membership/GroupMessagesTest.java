package org.vanycast.core.internal.membership;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class GroupMessagesTest {
    final GroupMessages.Report report = new GroupMessages.Report("node1", new InetSocketAddress("fd00::1", 7700),
            Map.of("load", 3.0, "weight", 1.5));
    final GroupMessages.SecurityAssociation sa = new GroupMessages.SecurityAssociation(7, 2, new byte[] {9, 8, 7});

    @Test
    void shouldRoundTripReportAndAssociation() throws IOException {
        byte[] r = GroupMessages.encode(report);
        assertEquals(report, GroupMessages.decode(r, 0, r.length));
        byte[] s = GroupMessages.encode(sa);
        GroupMessages.SecurityAssociation back = (GroupMessages.SecurityAssociation) GroupMessages.decode(s, 0, s.length);
        assertEquals(7, back.epoch());
        assertEquals(2, back.revision());
        assertArrayEquals(sa.bytes(), back.bytes());
    }

    @Test
    void shouldRejectEveryTruncation() {
        for (byte[] full : new byte[][] {GroupMessages.encode(report), GroupMessages.encode(sa)}) {
            for (int n = 0; n < full.length; n++) {
                byte[] cut = Arrays.copyOf(full, n);
                assertThrows(IOException.class, () -> GroupMessages.decode(cut, 0, cut.length), "cut at " + n);
            }
        }
    }

    @Property(tries = 300)
    void shouldOnlyEverThrowIOExceptionOnArbitraryBytes(@ForAll byte[] junk) {
        try {
            GroupMessages.decode(junk, 0, junk.length);
        } catch (IOException expected) {
            // counted and dropped by the receiver
        }
    }
}
