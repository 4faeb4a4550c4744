package org.vanycast.demo.internal.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vanycast.testbed.TestbedConfig;

/**
 * {@code ./vanycast bench handoff}: the paper's Table I (phase decomposition of a handoff for
 * unshaped, 2, 1.5 and 1 Mbit/s node links) and Figure 14 (client-perceived handoff gap with
 * and without return routability in advance, L_CS 10–80 ms at L_SS 20 ms and L_SS 10–80 ms at
 * L_CS 40 ms) on the namespaced testbed with real node containers. Each trial is one
 * untouched curl download from X handed once between node1 and node2 (alternately: the
 * client's binding decides who serves the next download). Prints tables, writes CSV + PNG.
 */
public final class HandoffBench {
    static final String USAGE = "usage: vanycast bench handoff [--trials N] [--size-kb N] [--rate-kb N]"
            + " [--only table1|fig14|local] [--out DIR]";
    static final int[] BANDWIDTHS = {0, 2000, 1500, 1000};
    static final int[] LATENCIES = {10, 20, 40, 80};

    private final Options o;
    private final int trials;
    private final PrintStream out;
    private final PrintStream log;
    private final List<Row> rows = new ArrayList<>();
    private String holder = "node1";

    /** One trial: which experiment, its parameters, and what the demo measured. */
    record Row(String experiment, int bandwidthKbit, int lcsMs, int lssMs, boolean rrInAdvance, int trial,
               boolean verified, Map<String, Long> phaseMicros, double gapMillis, String problems) {
    }

    HandoffBench(Options o, int trials, PrintStream out, PrintStream log) {
        this.o = o;
        this.trials = trials;
        this.out = out;
        this.log = log;
    }

    public static int run(String[] args) {
        Preload.all();
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("vanycast bench handoff: unexpected '" + args[i] + "'");
                System.err.println(USAGE);
                return 2;
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        Options o;
        int trials;
        String only;
        try {
            trials = Integer.parseInt(opt.getOrDefault("trials", "1"));
            if (trials < 1 || trials > 50) {
                throw new IllegalArgumentException("--trials must be 1..50");
            }
            only = opt.getOrDefault("only", "all");
            if (!List.of("all", "table1", "fig14", "local").contains(only)) {
                throw new IllegalArgumentException("--only must be table1, fig14 or local");
            }
            Path home = Path.of(System.getProperty("vanycast.home", "."));
            o = new Options(2, List.of(), Long.parseLong(opt.getOrDefault("size-kb", "600")) * 1024,
                    Long.parseLong(opt.getOrDefault("rate-kb", "100")) * 1000, 10, 5,
                    Path.of(opt.getOrDefault("out", home.resolve("results/bench-handoff").toString())).toAbsolutePath(),
                    home, false);
            opt.keySet().removeAll(List.of("trials", "size-kb", "rate-kb", "out", "only"));
            if (!opt.isEmpty()) {
                throw new IllegalArgumentException("unknown option --" + opt.keySet().iterator().next());
            }
        } catch (IllegalArgumentException e) {
            System.err.println("vanycast bench handoff: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        try {
            HandoffBench b = new HandoffBench(o, trials, System.out, System.err);
            return b.run(only.equals("all") || only.equals("table1"), only.equals("all") || only.equals("fig14"),
                    only.equals("all") || only.equals("local")) ? 0 : 1;
        } catch (Exception e) {
            System.err.println("vanycast bench handoff: " + e.getMessage());
            return 1;
        }
    }

    /** @return whether every trial was verified (intact, no reset) */
    boolean run(boolean table1, boolean fig14, boolean local) throws Exception {
        DemoScenario s = new DemoScenario(o, log);
        try {
            s.start();
            String id = s.testbed().config().id();
            if (local) {
                // No emulated delay anywhere: what the nodes' own work costs (the client's link stays
                // shaped only so that the download lasts long enough to be handed off).
                s.testbed().reconfigure(new TestbedConfig(id, o.nodes(), Map.of(), Map.of(), false)
                        .withBandwidth("client", (int) (o.rateBytes() * 8 / 1000)));
                for (int t = 0; t < Math.max(5, trials); t++) {
                    trial(s, "local", 0, 0, 0, true, t);
                }
            }
            if (table1) {
                for (int bw : BANDWIDTHS) {
                    TestbedConfig cfg = DemoScenario.baseConfig(id, o);
                    if (bw > 0) {
                        cfg = cfg.withBandwidth("node1", bw).withBandwidth("node2", bw);
                    }
                    s.testbed().reconfigure(cfg);
                    for (int t = 0; t < trials; t++) {
                        trial(s, "table1", bw, -1, -1, true, t);
                    }
                }
            }
            if (fig14) {
                for (boolean rr : new boolean[] {true, false}) {
                    for (NodeContainer n : s.nodes()) {
                        n.rrInAdvance(rr, 30_000);
                    }
                    for (int lcs : LATENCIES) {
                        latencies(s, id, lcs, 20);
                        for (int t = 0; t < trials; t++) {
                            trial(s, "fig14-lcs", 0, lcs, 20, rr, t);
                        }
                    }
                    for (int lss : LATENCIES) {
                        latencies(s, id, 40, lss);
                        for (int t = 0; t < trials; t++) {
                            trial(s, "fig14-lss", 0, 40, lss, rr, t);
                        }
                    }
                }
            }
        } finally {
            s.close();
        }
        BenchReport.write(rows, o.out(), out);
        return rows.stream().allMatch(Row::verified);
    }

    /** L_CS between the client and every node (half of it to the home agent and half beyond), L_SS between nodes. */
    private void latencies(DemoScenario s, String id, int lcs, int lss) throws IOException {
        TestbedConfig cfg = new TestbedConfig(id, o.nodes(), Map.of(), Map.of(), false)
                .withBandwidth("client", (int) (o.rateBytes() * 8 / 1000))
                .withLatency("client-ha", lcs / 2.0);
        for (int i = 1; i <= o.nodes(); i++) {
            cfg = cfg.withLatency("client-node" + i, lcs).withLatency("ha-node" + i, lcs / 2.0);
            for (int j = i + 1; j <= o.nodes(); j++) {
                cfg = cfg.withLatency("node" + i + "-node" + j, lss);
            }
        }
        s.testbed().reconfigure(cfg);
    }

    private void trial(DemoScenario s, String experiment, int bw, int lcs, int lss, boolean rr, int t) throws Exception {
        String acceptor = holder.equals("node1") ? "node2" : "node1";
        Path dir = o.out().resolve("trials/" + experiment + "-bw" + bw + "-lcs" + lcs + "-lss" + lss + "-rr" + rr + "-" + t);
        DemoResult r = s.download(holder, List.of(acceptor), dir);
        DemoResult.Handoff h = r.handoffs().isEmpty() ? null : r.handoffs().get(0);
        if (h != null && h.completed()) {
            holder = acceptor;
        }
        Map<String, Long> phases = h == null ? new LinkedHashMap<>() : h.phaseMicros();
        rows.add(new Row(experiment, bw, lcs, lss, rr, t, r.verified(), phases, h == null ? -1 : h.gapMillis(),
                String.join("; ", r.problems())));
        log.printf(Locale.ROOT, "%s bw=%d L_CS=%d L_SS=%d rr=%s #%d: %s gap %.1f ms%n", experiment, bw, lcs, lss, rr, t,
                r.verified() ? "verified" : "NOT verified (" + String.join("; ", r.problems()) + ")",
                h == null ? -1 : h.gapMillis());
        Files.createDirectories(dir);
    }
}
