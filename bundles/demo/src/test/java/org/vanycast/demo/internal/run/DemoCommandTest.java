package org.vanycast.demo.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DemoCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void shouldRefuseBadOptionsWithUsageAndStatusTwo() {
        for (String[] args : List.of(new String[] {"--nodes", "1"}, new String[] {"--size-mb", "x"},
                new String[] {"--bogus", "1"}, new String[] {"stray"}, new String[] {"--rate-kb", "1"})) {
            String[] r = run(args);
            assertEquals("2", r[0], String.join(" ", args));
            assertTrue(r[2].contains("usage: vanycast demo"), r[2]);
            assertTrue(r[1].isEmpty());
        }
    }

    @Test
    void shouldPrintTheSummaryAsOneJsonObject() {
        DemoResult r = new DemoResult(List.of(new DemoResult.Handoff("node1", "node2", 500, true, "COMPLETED",
                Map.of("extract", 12L), 40.5, "ok")), 0, "ab", "ab", 0, 0, "fd00::2", "fd00::2",
                Map.of("node2", 10L), List.of(), List.of("a \"quoted\" problem"));
        String json = DemoReport.json(r);
        assertTrue(json.startsWith("{\"verified\":false,\"checksumOk\":true"), json);
        assertTrue(json.contains("\"gapMs\":40.500"), json);
        assertTrue(json.contains("\"problems\":[\"a \\\"quoted\\\" problem\"]"), json);
        assertEquals(1, json.lines().count());
    }
}
