package org.vanycast.demo.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The paper's experiment through real node containers: an untouched curl on the client
 * downloads 1 MB from X; node1 (the contact node) hands the connection to node2 after about
 * 500 kB; Mobile IPv6 route optimization moves the client's binding to node2. Needs root,
 * network namespaces and the built node distribution (the reactor builds it first).
 */
@Tag("netns")
class EndToEndHandoffIT {

    @Test
    void shouldDeliverDownloadIntactWhileTheContactNodeHandsItToAnotherNode() throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Path out = module.resolve("target/e2e");
        Options o = new Options(2, List.of("node2"), 1024 * 1024, 150_000, 10, 5, out, module.resolve("../..").normalize(), false);

        DemoResult r = new DemoScenario(o, System.out).run();
        DemoReport.text(r, o, System.out);
        DemoReport.csv(r, out);
        Plots.write(r, out);

        assertEquals(0, r.curlExit(), "curl exit status");
        assertEquals(r.expectedSha256(), r.receivedSha256(), "sha256 of the download");
        assertEquals(0, r.resets(), "TCP resets on the client's wire");
        assertEquals(1, r.handoffs().size());
        DemoResult.Handoff h = r.handoffs().get(0);
        assertTrue(h.completed(), h.detail());
        assertEquals("COMPLETED", h.outcome());
        assertEquals(r.expectedCareOf(), r.bindingCareOf(), "the client's binding for X points to node2");
        assertTrue(r.bytesBySender().getOrDefault("node1 via home agent", 0L) > 0, "node1 served the start");
        assertTrue(r.bytesBySender().getOrDefault("node2", 0L) > 0, "node2 served the rest from its care-of address");
        for (String phase : List.of("extract", "transfer", "recreate", "redirect", "activate")) {
            assertTrue(h.phaseMicros().get(phase) >= 0, phase + " recorded");
        }
        assertTrue(h.gapMillis() >= 0, "client-perceived gap measured");
        assertTrue(r.verified(), String.join("; ", r.problems()));
        assertTrue(Files.size(out.resolve("client-timeline.png")) > 0);
    }
}
