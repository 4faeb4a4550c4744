package org.vanycast.tcp.internal.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.internal.testbed.Download.Client;
import org.vanycast.tcp.internal.testbed.Download.QueueMode;
import org.vanycast.tcp.internal.testbed.MigrationHarness.Fault;

@Tag("netns")
class DownloadMigrationTest {
    private static final int MB = 1 << 20;
    private Testbed testbed;
    private MigrationHarness harness;

    @BeforeEach
    void setUp() throws Exception {
        testbed = Testbed.create();
    }

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
        if (testbed != null) {
            testbed.close();
        }
    }

    @Test
    void curlDownloadSurvivesMigrationWithDrainedSendQueue() throws Exception {
        harness = new MigrationHarness(testbed, FreezeMode.SOCKET_FILTER, Duration.ofMillis(500));
        Download.Outcome o = Download.run(harness,
                new Download.Config(MB, List.of(500 * 1024), QueueMode.DRAINED, Client.CURL, Fault.NONE));
        System.out.println(o);
        assertEquals(0, o.clientExit(), o.clientError());
        assertTrue(o.bodyIntact());
        Map<String, Long> c = testbed.counters();
        System.out.println(c);
    }
}
