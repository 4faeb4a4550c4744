package org.vanycast.tcp.internal.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.internal.testbed.Download.Client;
import org.vanycast.tcp.internal.testbed.Download.QueueMode;
import org.vanycast.tcp.internal.testbed.MigrationHarness.Fault;

/**
 * The acceptor fails after the donor froze the connection (refuses, crashes, receives a
 * corrupt or truncated state): the donor resumes, the download completes intact, no reset,
 * and nothing of the connection is left on the acceptor.
 */
@Tag("netns")
class RollbackMigrationTest {
    private static final int MB = 1 << 20;
    @RegisterExtension
    final MigrationBed bed = new MigrationBed();

    private Download.Outcome downloadWith(Fault fault, FreezeMode mode) throws Exception {
        // two failed handoffs in one download: one drained, the next with data in flight
        return Download.run(bed.harness(mode),
                new Download.Config(MB, List.of(300 * 1024, 700 * 1024), QueueMode.IN_FLIGHT, Client.CURL, fault));
    }

    private void assertDonorServedItAll(Download.Outcome o) throws Exception {
        assertEquals(0, o.clientExit(), "client failed: " + o.clientError());
        assertTrue(o.bodyIntact(), "SHA-256 of the body differs");
        for (MigrationHarness.Result r : o.hops()) {
            assertEquals(1, r.node(), "the donor kept the connection");
            assertTrue(r.acceptorError() != null, "the handoff failed");
        }
        Map<String, Long> c = bed.testbed().counters();
        assertEquals(0L, c.get("rst"), "RST seen by the router");
        assertEquals(0L, c.get("x_n2"), "the acceptor sent nothing");
        List<String> left = bed.testbed().tcpConnections("n2").stream()
                .filter(l -> l.contains("[fd00:ca5e:1::2]"))
                .toList();
        assertEquals(List.of(), left, "sockets left on the acceptor");
    }

    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void donorResumesWhenAcceptorRefuses(FreezeMode mode) throws Exception {
        assertDonorServedItAll(downloadWith(Fault.ACCEPTOR_REFUSES, mode));
    }

    @ParameterizedTest
    @EnumSource(FreezeMode.class)
    void donorResumesWhenAcceptorCrashesAfterRecreating(FreezeMode mode) throws Exception {
        assertDonorServedItAll(downloadWith(Fault.ACCEPTOR_CRASHES, mode));
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"CORRUPT_STATE", "TRUNCATED_STATE"})
    void corruptOrTruncatedStateIsRefusedAndDonorResumes(Fault fault) throws Exception {
        Download.Outcome o = downloadWith(fault, FreezeMode.SOCKET_FILTER);
        assertDonorServedItAll(o);
        for (MigrationHarness.Result r : o.hops()) {
            assertTrue(r.acceptorError() instanceof MalformedStateException,
                    "expected a clear MalformedStateException, got " + r.acceptorError());
        }
    }
}
