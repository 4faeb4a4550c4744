package org.vanycast.demo.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.testbed.TestbedConfig;

class HandoffBenchTest {

    @Test
    void shouldRejectBadOptionsWithUsageBeforeBuildingAnything() {
        assertEquals(2, HandoffBench.run(new String[] {"--only", "fig13"}));
        assertEquals(2, HandoffBench.run(new String[] {"--trials", "0"}));
        assertEquals(2, HandoffBench.run(new String[] {"--warmup", "many"}));
        assertEquals(2, HandoffBench.run(new String[] {"--bogus", "1"}));
        assertEquals(2, HandoffBench.run(new String[] {"--only"}));
    }

    @Test
    void shouldGiveEveryShapedLinkOfTheBenchAShallowQueueAndTheGridsLatencies() {
        Options o = new Options(2, List.of(), 600 * 1024, 1_000_000, 0, 0, Path.of("out"), Path.of("."), false);

        TestbedConfig c = HandoffBench.wan("b1", o, 40, 20, 8000, 2000);

        assertEquals(HandoffBench.QUEUE_MS, c.queueMs("client"));
        assertEquals(HandoffBench.NODE_QUEUE_MS, c.queueMs("node2"));
        assertEquals(8000, c.bandwidthKbit().get("client"));
        assertEquals(2000, c.bandwidthKbit().get("node1"));
        assertEquals(40.0, c.delayMs("client", "node1"));
        assertEquals(20.0, c.delayMs("node1", "node2"));
        assertEquals(20.0, c.delayMs("client", "ha"));
        assertEquals(null, HandoffBench.wan("b1", o, 10, 10, 0, 0).bandwidthKbit().get("client"));
    }

    @Test
    void shouldDropACheckedLocalDownloadAndKeepTheCaptureOfAFailedOne(@TempDir Path tmp) throws Exception {
        for (boolean verified : new boolean[] {true, false}) {
            Path dir = Files.createDirectories(tmp.resolve("local-" + verified));
            Files.write(dir.resolve(DemoScenario.DOCUMENT), new byte[1024]);
            Files.write(dir.resolve("client.pcap"), new byte[1024]);
            Files.writeString(dir.resolve("curl.log"), "ok");

            HandoffBench.discardCheckedDownload(dir, verified);

            assertFalse(Files.exists(dir.resolve(DemoScenario.DOCUMENT)), "the download is checked: gone");
            assertEquals(!verified, Files.exists(dir.resolve("client.pcap")), "a failed batch keeps its capture");
            assertTrue(Files.exists(dir.resolve("curl.log")), "the small logs stay");
        }
        HandoffBench.discardCheckedDownload(tmp.resolve("never-made"), true); // nothing there: no error
    }
}
