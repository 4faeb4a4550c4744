package org.vanycast.demo.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
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
}
