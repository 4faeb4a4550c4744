package org.vanycast.tcp.internal.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.internal.testbed.Download.Client;
import org.vanycast.tcp.internal.testbed.Download.QueueMode;
import org.vanycast.tcp.internal.testbed.MigrationHarness.Fault;

/**
 * An untouched client downloads 1 MB from [X]:8080 while the connection moves between two
 * nodes in network namespaces. Intact means: the client exits 0, the body's SHA-256 matches,
 * the router saw no RST, and the donor never sent a FIN.
 */
@Tag("netns")
class DownloadMigrationTest {
    private static final int MB = 1 << 20;
    private static final int HALF = 500 * 1024;
    @RegisterExtension
    final MigrationBed bed = new MigrationBed();

    private Download.Outcome download(FreezeMode mode, QueueMode queue, Client client, List<Integer> at)
            throws Exception {
        return download(bed.harness(mode), queue, client, at);
    }

    private static Download.Outcome download(MigrationHarness harness, QueueMode queue, Client client,
            List<Integer> at) throws Exception {
        harness.countDonorPacketsAtSwitch(at.size() == 1);
        return Download.run(harness, new Download.Config(MB, at, queue, client, Fault.NONE));
    }

    private void assertIntactAndMovedTo(Download.Outcome o, int finalNode) throws Exception {
        assertEquals(0, o.clientExit(), "client failed: " + o.clientError());
        assertTrue(o.bodyIntact(), "SHA-256 of the body differs");
        for (MigrationHarness.Result r : o.hops()) {
            assertNull(r.acceptorError(), () -> "handoff failed: " + r.acceptorError());
        }
        Map<String, Long> c = bed.testbed().counters();
        System.out.println(c + " " + o.hops().get(o.hops().size() - 1));
        assertEquals(0L, c.get("rst"), "RST seen by the router");
        assertEquals(0L, c.get(finalNode == 1 ? "fin_n2" : "fin_n1"), "FIN from the donor node");
        assertTrue(c.get(finalNode == 1 ? "fin_n1" : "fin_n2") >= 1, "the last node closes normally");
        MigrationHarness.Result last = o.hops().get(o.hops().size() - 1);
        if (last.donorPacketsAtSwitch() >= 0) {
            assertEquals(c.get(finalNode == 1 ? "x_n2" : "x_n1"), last.donorPacketsAtSwitch(),
                "the donor sent packets after the switch");
        }
    }

    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void curlDownloadSurvivesMigrationWithDrainedSendQueue(FreezeMode mode) throws Exception {
        Download.Outcome o = download(mode, QueueMode.DRAINED, Client.CURL, List.of(HALF));
        assertIntactAndMovedTo(o, 2);
        MigrationHarness.Result r = o.hops().get(0);
        assertEquals(0, r.state().unacked().length + r.state().unsent().length);
        assertTrue(r.times().stateSize() <= 200, "drained state of " + r.times().stateSize() + " bytes");
    }

    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void javaClientDownloadSurvivesMigrationWithFullSendQueue(FreezeMode mode) throws Exception {
        // the client stops reading just before the handoff: its window closes, the server's
        // send queue fills up with data it could not send
        bed.testbed().limitClientReceiveBuffer(64 * 1024);
        Download.Outcome o = download(mode, QueueMode.FULL_QUEUE, Client.JAVA, List.of(HALF));
        assertIntactAndMovedTo(o, 2);
        MigrationHarness.Result r = o.hops().get(0);
        assertTrue(r.state().unacked().length + r.state().unsent().length > 0, "queued at the freeze: " + r.state());
        if (mode == FreezeMode.SOCKET_FILTER) {
            // the filter freezes at once; the nftables update takes about a millisecond, in which
            // the kernel may still push never-sent data into a last window opening (then dropped)
            assertTrue(r.state().unsent().length > 0, "never-sent data at the freeze: " + r.state());
        }
    }

    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void javaClientDownloadSurvivesMigrationWithDataInFlight(FreezeMode mode) throws Exception {
        // a slow client link keeps what the donor sent queued in the router, i.e. unacknowledged
        bed.testbed().limitClientLink("20mbit");
        Download.Outcome o = download(mode, QueueMode.IN_FLIGHT, Client.JAVA, List.of(HALF));
        assertIntactAndMovedTo(o, 2);
        assertTrue(o.hops().get(0).state().unacked().length > 0, "data was in flight at the freeze");
    }

    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void recreatedSocketStaysSilentPastItsRetransmissionTimeoutUntilActivated(FreezeMode mode) throws Exception {
        // restored unacknowledged data arms the acceptor's 1 s retransmission timer; the switch
        // comes later than that: nothing may leave the acceptor before activation
        bed.testbed().limitClientLink("20mbit");
        MigrationHarness harness = bed.harness(mode);
        harness.delaySwitch(Duration.ofMillis(1500));
        Download.Outcome o = download(harness, QueueMode.IN_FLIGHT, Client.CURL, List.of(HALF));
        assertIntactAndMovedTo(o, 2);
        MigrationHarness.Result r = o.hops().get(0);
        assertTrue(r.state().unacked().length > 0, "unacknowledged data was restored");
        assertEquals(0L, r.acceptorPacketsBeforeSwitch(), "packets from the acceptor before activation");
    }

    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void connectionMigratedBackAndForthHundredTimesStaysIntact(FreezeMode mode) throws Exception {
        List<Integer> at = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            at.add((int) ((long) MB * i / 101));
        }
        Download.Outcome o = download(mode, QueueMode.IN_FLIGHT, Client.CURL, at);
        assertEquals(100, o.hops().size());
        assertIntactAndMovedTo(o, 1);
    }
}
