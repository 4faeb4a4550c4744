package org.vanycast.demo.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                new String[] {"--bogus", "1"}, new String[] {"stray"}, new String[] {"--rate-kb", "1"},
                new String[] {"--nodes", "2", "--failover", "yes"}, new String[] {"--failover", "maybe"},
                new String[] {"--leave", "yes", "--failover", "yes"})) {
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
                Map.of("node2", 10L), List.of(), List.of(new DemoResult.Event(DemoResult.Event.FAILOVER, "node3", 7000, 8123.25,
                        612.5, true, "node3 took X over")), List.of("a \"quoted\" problem"));
        String json = DemoReport.json(r);
        assertTrue(json.startsWith("{\"verified\":false,\"checksumOk\":true"), json);
        assertTrue(json.contains("\"gapMs\":40.500"), json);
        assertTrue(json.contains("\"events\":[{\"kind\":\"failover\",\"node\":\"node3\",\"atBytes\":7000,\"atMs\":8123.250,"
                + "\"ms\":612.500,\"ok\":true,\"detail\":\"node3 took X over\"}]"), json);
        assertTrue(json.contains("\"problems\":[\"a \\\"quoted\\\" problem\"]"), json);
        assertEquals(1, json.lines().count());
    }

    @Test
    void shouldListTheGroupEventsInTheTextReportTheCsvAndThePlot(@TempDir Path dir) throws Exception {
        DemoResult r = new DemoResult(List.of(), 0, "ab", "ab", 0, 0, "fd00::3", "fd00::3", Map.of("node3", 10L),
                List.of(new DemoResult.Sample(0, 1000, "node1 via home agent"), new DemoResult.Sample(900, 5000, "node3")),
                List.of(new DemoResult.Event(DemoResult.Event.LEAVE, "node1", 4000, 120.5, 35.25, true, "node1 left"),
                        new DemoResult.Event(DemoResult.Event.NEW_CLIENT, "node3", 6000, 800, 410, false, "curl exit 7, \"refused\"")),
                List.of());
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        DemoReport.text(r, new Options(3, List.of("node2", "node3"), 1 << 20, 100_000, 10, 5, dir, dir, false, true),
                new PrintStream(text, true, StandardCharsets.UTF_8));
        String report = text.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("Group events during the download"), report);
        assertTrue(report.lines().anyMatch(l -> l.startsWith("leave") && l.contains("node1") && l.contains("35.3")), report);
        assertTrue(report.lines().anyMatch(l -> l.startsWith("new-client") && l.contains(" NO ")), report);
        DemoReport.csv(r, dir);
        List<String> csv = Files.readAllLines(dir.resolve("events.csv"));
        assertEquals("event,node,at_bytes,at_ms,took_ms,ok,detail", csv.get(0));
        assertEquals("new-client,node3,6000,800.000,410.000,false,\"curl exit 7, \"\"refused\"\"\"", csv.get(2));
        EventPlot.write(r, dir);
        assertTrue(Files.size(dir.resolve("group-events.png")) > 0);
    }
}
