package org.vanycast.demo.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    private static HandoffBench.Row local(int trial, long us, boolean verified) {
        Map<String, Long> p = new LinkedHashMap<>();
        for (String phase : List.of("extract", "transfer", "recreate", "redirect", "activate")) {
            p.put(phase, us);
        }
        p.put("confirm", 5000L); // a phase after live: shown, not summed
        return new HandoffBench.Row("local", 0, 0, 0, true, -1, trial, verified, p, 120, 0.4, verified ? "" : "reset");
    }

    @Test
    void shouldSumFreezeToLiveWithoutThePhasesAfterLiveAndShowEveryPhasePresent() {
        List<HandoffBench.Row> rows = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rows.add(local(i, i * 20L, true)); // freeze->live = 5 * i * 20 us
        }
        rows.add(local(11, 1_000_000L, false)); // not verified: left out

        List<Double> sums = BenchReport.values(rows, r -> true, "freeze");
        String table = BenchTables.local(rows);

        assertEquals(10, sums.size());
        assertEquals(0.55, BenchReport.median(sums), 1e-9);
        assertEquals(0.9, BenchReport.percentile(sums, 0.9), 1e-9);
        assertTrue(table.contains("confirm"), table);
        assertTrue(table.contains("1 of 11 trials NOT verified"), table);
    }

    @Test
    void shouldPutTheGoalAndThePapersGapBesideEachMeasuredPoint() {
        List<HandoffBench.Row> rows = new ArrayList<>();
        for (boolean rr : new boolean[] {true, false}) {
            for (int t = 0; t < 3; t++) {
                rows.add(new HandoffBench.Row("fig14-lcs", 0, 10, 20, rr, -1, t, true, Map.of(), 100, 40 + t, ""));
            }
        }

        String table = BenchTables.fig14(rows);
        String line = table.lines().filter(l -> l.startsWith("L_CS=10 L_SS=20")).findFirst().orElseThrow();

        assertTrue(line.contains("41.0 [40.0-42.0]"), line);
        assertTrue(line.matches(".*\\s42\\s+60\\s+3$"), line); // goal 2*10+20+2, paper 4*10+20, 3 trials
    }

    @Test
    void shouldSubtractTheMeasuredPathFromTheMedianGap() {
        List<HandoffBench.Row> rows = new ArrayList<>();
        for (boolean rr : new boolean[] {true, false}) {
            for (int t = 0; t < 3; t++) {
                rows.add(new HandoffBench.Row("fig14-lcs", 0, 10, 20, rr, -1, t, true, Map.of(), 100, 41 + t + (rr ? 0 : 1), ""));
            }
        }
        Map<String, double[]> paths = new LinkedHashMap<>();
        paths.put("10,20", new double[] {20.6, 20.8, 40.6}); // client-node1, client-node2, node1-node2

        String table = BenchTables.fig14Paths(rows, paths);
        String line = table.lines().filter(l -> l.startsWith("L_CS=10 L_SS=20")).findFirst().orElseThrow();
        String csv = BenchTables.fig14PathsCsv(rows, paths);

        // path = (20.6 + 40.6 + 20.8) / 2 = 41.0; median gaps 42 (RR in advance) and 43 (at Init)
        assertTrue(line.matches("L_CS=10 L_SS=20\\s+20\\.60\\s+40\\.60\\s+20\\.80\\s+40\\s+41\\.00\\s+1\\.00\\s+2\\.00"), line);
        assertTrue(csv.lines().anyMatch(l -> l.equals("10,20,20.600,40.600,20.800,41.000,42.00,43.00")), csv);
    }
}
