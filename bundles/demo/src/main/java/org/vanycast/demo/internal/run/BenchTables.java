package org.vanycast.demo.internal.run;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** The text tables and charts of {@link HandoffBench}'s experiments (statistics over verified handoffs only). */
final class BenchTables {
    private BenchTables() {
    }

    record Chart(String file, BufferedImage image) {
    }

    private static String spread(List<Double> v) {
        if (v.isEmpty()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f [%.1f-%.1f]", BenchReport.median(v), v.get(0), v.get(v.size() - 1));
    }

    private static String ms(double v) {
        return v < 0 ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String notVerified(List<HandoffBench.Row> rows) {
        long bad = rows.stream().filter(r -> !r.verified()).count();
        return bad == 0 ? "every trial verified (sha256 intact, curl exit 0, 0 resets, client binding at the acceptor)\n"
                : bad + " of " + rows.size() + " trials NOT verified and left out of the statistics (see the CSV's problems)\n";
    }

    /** Phases present in the rows, in anycast-core's order (a phase the nodes added later is shown too). */
    private static List<String> phases(List<HandoffBench.Row> rows) {
        Set<String> p = new LinkedHashSet<>(PhaseCsv.PHASES);
        rows.forEach(r -> p.addAll(r.phaseMicros().keySet()));
        List<String> present = new ArrayList<>();
        for (String x : p) {
            if (rows.stream().anyMatch(r -> r.phaseMicros().getOrDefault(x, -1L) >= 0)) {
                present.add(x);
            }
        }
        return present;
    }

    static String local(List<HandoffBench.Row> all) {
        List<HandoffBench.Row> t = all.stream().filter(r -> r.experiment().equals("local")).toList();
        long warm = all.stream().filter(r -> r.experiment().equals("local-warmup")).count();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Local handoff work, no emulated delay (ms; %d verified handoffs"
                + " after %d warm-up handoffs; downloads handed back and forth node1 <-> node2)%n",
                t.stream().filter(HandoffBench.Row::verified).count(), warm));
        b.append(String.format(Locale.ROOT, "%-14s %10s %10s %10s%n", "phase", "median", "p90", "max"));
        for (String p : phases(t)) {
            List<Double> v = BenchReport.values(t, r -> true, p);
            b.append(String.format(Locale.ROOT, "%-14s %10s %10s %10s%n", p, ms(BenchReport.median(v)),
                    ms(BenchReport.percentile(v, 0.9)), ms(v.isEmpty() ? -1 : v.get(v.size() - 1))));
        }
        List<Double> f = BenchReport.values(t, r -> true, "freeze");
        b.append(String.format(Locale.ROOT, "%-14s %10s %10s %10s   goal: median <= 0.5%n", "freeze->live",
                ms(BenchReport.median(f)), ms(BenchReport.percentile(f, 0.9)), ms(f.isEmpty() ? -1 : f.get(f.size() - 1))));
        List<Double> sum = BenchReport.values(t, r -> true, "freeze-sum");
        b.append(String.format(Locale.ROOT, "%-14s %10s %10s %10s%n", "phase sum", ms(BenchReport.median(sum)),
                ms(BenchReport.percentile(sum, 0.9)), ms(sum.isEmpty() ? -1 : sum.get(sum.size() - 1))));
        List<Double> g = BenchReport.values(t, r -> true, "gap");
        b.append(String.format(Locale.ROOT, "%-14s %10s %10s %10s%n", "client gap", ms(BenchReport.median(g)),
                ms(BenchReport.percentile(g, 0.9)), ms(g.isEmpty() ? -1 : g.get(g.size() - 1))));
        List<Double> s = BenchReport.values(t, r -> true, "state");
        b.append(String.format(Locale.ROOT, "%-14s %10.0f %10.0f   bytes of socket state in the Init%n", "socket state",
                BenchReport.median(s), BenchReport.percentile(s, 0.9)));
        b.append("freeze->live = from the donor's freeze instant to the acceptor's live instant (its re-created sockets out")
                .append(" of repair mode), both read from the host's monotonic clock that all nodes of the testbed share")
                .append(" (anycast-core's CSV columns freeze_at_mono_us, live_at_mono_us).")
                .append(" phase sum = ").append(String.join(" + ", BenchReport.FREEZE_TO_LIVE))
                .append(", where transfer is the Init + Done round trip minus the acceptor's phases, so it also counts the")
                .append(" Done's way back and the donor's wake-up: an upper bound. Phases after live (confirm: Binding")
                .append(" Acknowledgement wait; release) are in neither.\n");
        b.append(BenchReport.howGap()).append(".\n");
        b.append(notVerified(t));
        return b.toString();
    }

    static String table1(List<HandoffBench.Row> rows) {
        List<HandoffBench.Row> t = rows.stream().filter(r -> r.experiment().equals("table1")).toList();
        StringBuilder b = new StringBuilder("Table I - handoff phases (median ms over the trials) of node2 -> node1 handing"
                + " off right after its last write as in the paper (drain timeout 1 ms, send buffers <= 128 kB); node links"
                + " shaped (50 ms queue), no emulated delay, client link 8 Mbit/s\n");
        b.append(String.format(Locale.ROOT, "%-14s", "phase"));
        for (int bw : HandoffBench.BANDWIDTHS) {
            b.append(String.format(Locale.ROOT, " %12s", bw == 0 ? "unshaped" : bw / 1000.0 + " Mbit/s"));
        }
        b.append('\n');
        List<String> lines = new ArrayList<>(phases(t));
        lines.add("state");
        lines.add("gap");
        for (String p : lines) {
            b.append(String.format(Locale.ROOT, "%-14s", p.equals("gap") ? "client gap" : p.equals("state")
                    ? "state bytes" : p));
            for (int bw : HandoffBench.BANDWIDTHS) {
                double m = BenchReport.median(t, r -> r.bandwidthKbit() == bw, p);
                b.append(String.format(Locale.ROOT, " %12s", p.equals("state") && m >= 0
                        ? String.format(Locale.ROOT, "%.0f", m) : ms(m)));
            }
            b.append('\n');
        }
        b.append(BenchReport.howGap()).append(".\n").append(notVerified(t));
        return b.toString();
    }

    static String fig12(List<HandoffBench.Row> t) {
        StringBuilder b = new StringBuilder("Figure 12 - client-perceived handoff gap vs the donor's waiting time (its drain"
                + " timeout), L_CS = L_SS = " + HandoffBench.FIG12_LATENCY + " ms one way, node links shaped (50 ms queue),"
                + " node send buffers <= 128 kB; ms, median [min-max]\n");
        for (int bw : HandoffBench.FIG12_BANDWIDTHS) {
            b.append(String.format(Locale.ROOT, "node links %.1f Mbit/s%n", bw / 1000.0));
            b.append(String.format(Locale.ROOT, "%8s %22s %10s %10s %12s %4s%n", "wait ms", "client gap", "drain",
                    "transfer", "state bytes", "n"));
            for (int w : HandoffBench.WAITS) {
                Predicate<HandoffBench.Row> m = r -> r.bandwidthKbit() == bw && r.waitMs() == w;
                List<Double> g = BenchReport.values(t, m, "gap");
                b.append(String.format(Locale.ROOT, "%8d %22s %10s %10s %12.0f %4d%n", w, spread(g),
                        ms(BenchReport.median(t, m, "drain")), ms(BenchReport.median(t, m, "transfer")),
                        BenchReport.median(t, m, "state"), g.size()));
            }
        }
        b.append("wait = node2's drain.timeout.ms (1 stands for 0: the node accepts no 0). The drain ends as soon as the client"
                + " has acknowledged the whole send queue, so unlike the paper's fixed wait a longer timeout costs nothing once"
                + " the queue drains: the curve falls to its floor (about 2 L_CS + L_SS) and stays there.\n");
        b.append(BenchReport.howGap()).append(" (the measured handoff is node2 -> node1 of a download that started on")
                .append(" node2).\n").append(notVerified(t));
        return b.toString();
    }

    static String fig14(List<HandoffBench.Row> rows) {
        List<HandoffBench.Row> t = rows.stream().filter(r -> r.experiment().startsWith("fig14-l")).toList();
        StringBuilder b = new StringBuilder("Figure 14 - client-perceived handoff gap (ms, median [min-max]), L_CS and L_SS"
                + " one way; client link 8 Mbit/s with a 5 ms queue, nodes' send buffers <= 64 kB\n");
        b.append(String.format(Locale.ROOT, "%-16s %20s %20s %11s %11s %4s%n", "point", "RR in advance", "RR at Init",
                "goal", "paper", "n"));
        for (String exp : List.of("fig14-lcs", "fig14-lss")) {
            for (int l : HandoffBench.LATENCIES) {
                int lcs = exp.equals("fig14-lcs") ? l : 40;
                int lss = exp.equals("fig14-lcs") ? 20 : l;
                Predicate<HandoffBench.Row> at = r -> r.experiment().equals(exp) && r.lcsMs() == lcs && r.lssMs() == lss;
                List<Double> with = BenchReport.values(t, at.and(HandoffBench.Row::rrInAdvance), "gap");
                List<Double> without = BenchReport.values(t, at.and(r -> !r.rrInAdvance()), "gap");
                b.append(String.format(Locale.ROOT, "%-16s %20s %20s %11d %11d %4d%n", "L_CS=" + lcs + " L_SS=" + lss,
                        spread(with), spread(without), 2 * lcs + lss + 2, 4 * lcs + lss, Math.min(with.size(), without.size())));
            }
        }
        b.append("goal = 2 L_CS + L_SS + 2 ms (the issue's); paper = 4 L_CS + L_SS (its result after its optimizations).\n");
        b.append("RR at Init: with rr.in.advance = false the acceptor runs return routability when the Init arrives,"
                + " but its mobile-node session reuses keygen tokens younger than MAX_TOKEN_LIFETIME (210 s, RFC 6275"
                + " 5.2.7) from the previous trials with the same client, so here it costs nothing extra: compare the"
                + " redirect phase in the CSV.\n");
        b.append(BenchReport.howGap()).append("; the last donor byte is followed by the client's ACK (L_CS), the drain")
                .append(" seeing an empty queue, Init to the acceptor (L_SS), and its Binding Update with data right")
                .append(" behind (L_CS).\n");
        b.append(notVerified(t));
        return b.toString();
    }

    /**
     * Figure 14's gaps against the network path actually crossed: half the measured ping RTT of
     * client-donor, donor-acceptor and acceptor-client (the emulator's own delay included), and
     * what remains of the median gap: the nodes' work, the client's and the cn-agent's.
     */
    static String fig14Paths(List<HandoffBench.Row> rows, Map<String, double[]> paths) {
        StringBuilder b = new StringBuilder("Figure 14 against the measured path (ms): ping RTT medians between the trials,"
                + " path = (RTT client-node1 + RTT node1-node2 + RTT client-node2) / 2, the one-way hops a gap crosses\n");
        b.append(String.format(Locale.ROOT, "%-16s %9s %9s %9s %9s %9s %12s %12s%n", "point", "RTT c-n1", "RTT n1-n2",
                "RTT c-n2", "nominal", "path", "gap-path RR", "gap-path Init"));
        for (PathPoint p : PathPoint.of(paths)) {
            b.append(String.format(Locale.ROOT, "%-16s %9.2f %9.2f %9.2f %9d %9.2f %12s %12s%n",
                    "L_CS=" + p.lcs() + " L_SS=" + p.lss(), p.clientDonor(), p.donorAcceptor(), p.clientAcceptor(),
                    2 * p.lcs() + p.lss(), p.path(), minus(rows, p.lcs(), p.lss(), true, p.path()),
                    minus(rows, p.lcs(), p.lss(), false, p.path())));
        }
        b.append("nominal = 2 L_CS + L_SS as configured; gap-path = median gap minus the measured path: the part of the")
                .append(" gap that is not network delay (donor's drain check and freeze, the Init's TLS and the acceptor's")
                .append(" work, the service's first write, the client's ACK). The issue's goal allows 2 ms for it.\n");
        return b.toString();
    }

    private static String minus(List<HandoffBench.Row> rows, int lcs, int lss, boolean rr, double path) {
        List<Double> gaps = BenchReport.values(rows, r -> r.experiment().startsWith("fig14-l") && r.lcsMs() == lcs
                && r.lssMs() == lss && r.rrInAdvance() == rr, "gap");
        return gaps.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", BenchReport.median(gaps) - path);
    }

    static String fig14PathsCsv(List<HandoffBench.Row> rows, Map<String, double[]> paths) {
        StringBuilder csv = new StringBuilder(
                "lcs_ms,lss_ms,rtt_client_node1_ms,rtt_node1_node2_ms,rtt_client_node2_ms,path_ms,gap_median_rr_ms,gap_median_init_ms\n");
        for (PathPoint p : PathPoint.of(paths)) {
            String rr = minus(rows, p.lcs(), p.lss(), true, 0);
            String init = minus(rows, p.lcs(), p.lss(), false, 0);
            csv.append(String.format(Locale.ROOT, "%d,%d,%.3f,%.3f,%.3f,%.3f,%s,%s%n", p.lcs(), p.lss(), p.clientDonor(),
                    p.donorAcceptor(), p.clientAcceptor(), p.path(), rr, init));
        }
        return csv.toString();
    }

    /**
     * One Figure 14 point's measured paths, from {@code HandoffBench}'s map: key "lcs,lss", value
     * the median ping RTTs client-node1, client-node2, node1-node2 (ms). Trials hand node1 -> node2.
     */
    private record PathPoint(int lcs, int lss, double clientDonor, double clientAcceptor, double donorAcceptor) {
        static List<PathPoint> of(Map<String, double[]> paths) {
            List<PathPoint> points = new ArrayList<>();
            for (Map.Entry<String, double[]> e : paths.entrySet()) {
                String[] key = e.getKey().split(",");
                double[] r = e.getValue();
                points.add(new PathPoint(Integer.parseInt(key[0]), Integer.parseInt(key[1]), r[0], r[1], r[2]));
            }
            return points;
        }

        /** The one-way hops a gap crosses: client -> donor, donor -> acceptor, acceptor -> client. */
        double path() {
            return (clientDonor + donorAcceptor + clientAcceptor) / 2;
        }
    }

    static List<Chart> charts(String experiment, List<HandoffBench.Row> rows) {
        List<Chart> out = new ArrayList<>();
        switch (experiment) {
            case "fig12" -> {
                List<Plots.Series> s = new ArrayList<>();
                double[] x = new double[HandoffBench.WAITS.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = HandoffBench.WAITS[i];
                }
                for (int bw : HandoffBench.FIG12_BANDWIDTHS) {
                    s.add(series(String.format(Locale.ROOT, "node links %.1f Mbit/s", bw / 1000.0), x, rows,
                            i -> r -> r.bandwidthKbit() == bw && r.waitMs() == HandoffBench.WAITS[i]));
                }
                out.add(new Chart("fig12-gap.png", Plots.lines("Figure 12: client-perceived handoff gap vs donor waiting"
                        + " time (median, min-max)", "donor waiting time = drain timeout (ms)", "gap (ms)", s)));
            }
            case "fig14" -> {
                for (String exp : List.of("fig14-lcs", "fig14-lss")) {
                    boolean lcsAxis = exp.equals("fig14-lcs");
                    double[] x = new double[HandoffBench.LATENCIES.length];
                    double[] goal = new double[x.length];
                    double[] paper = new double[x.length];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = HandoffBench.LATENCIES[i];
                        int lcs = lcsAxis ? HandoffBench.LATENCIES[i] : 40;
                        int lss = lcsAxis ? 20 : HandoffBench.LATENCIES[i];
                        goal[i] = 2 * lcs + lss + 2;
                        paper[i] = 4 * lcs + lss;
                    }
                    List<Plots.Series> s = new ArrayList<>();
                    for (boolean rr : new boolean[] {true, false}) {
                        s.add(series(rr ? "RR in advance" : "RR at Init", x, rows, i -> r -> r.experiment().equals(exp)
                                && r.rrInAdvance() == rr && (lcsAxis ? r.lcsMs() : r.lssMs()) == HandoffBench.LATENCIES[i]));
                    }
                    s.add(Plots.Series.reference("goal 2 L_CS + L_SS + 2", x, goal));
                    s.add(Plots.Series.reference("paper 4 L_CS + L_SS", x, paper));
                    out.add(new Chart(lcsAxis ? "fig14a-gap.png" : "fig14b-gap.png", Plots.lines("Figure 14"
                            + (lcsAxis ? "(a): gap vs L_CS at L_SS 20 ms" : "(b): gap vs L_SS at L_CS 40 ms")
                            + " (median, min-max)", lcsAxis ? "L_CS (ms, one way)" : "L_SS (ms, one way)", "gap (ms)", s)));
                }
            }
            case "local" -> {
                List<HandoffBench.Row> t = rows.stream().filter(r -> r.experiment().equals("local")).toList();
                // the phases from freeze to live and after it; prepare and drain come before the freeze
                List<String> labels = new ArrayList<>(phases(t));
                labels.removeAll(List.of("prepare", "drain"));
                labels.add("freeze");
                double[] med = new double[labels.size()];
                double[] p90 = new double[labels.size()];
                for (int i = 0; i < labels.size(); i++) {
                    List<Double> v = BenchReport.values(t, r -> true, labels.get(i));
                    med[i] = BenchReport.median(v);
                    p90[i] = BenchReport.percentile(v, 0.9);
                }
                labels.set(labels.size() - 1, "freeze->live");
                out.add(new Chart("local-phases.png", Plots.bars("Local handoff work, no emulated delay: phases from the freeze on (ms)",
                        "milliseconds", labels, med, p90)));
            }
            default -> {
                // Table I is a table
            }
        }
        return out;
    }

    private static Plots.Series series(String name, double[] x, List<HandoffBench.Row> rows,
                                       java.util.function.IntFunction<Predicate<HandoffBench.Row>> at) {
        double[] y = new double[x.length];
        double[] lo = new double[x.length];
        double[] hi = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            List<Double> v = BenchReport.values(rows, at.apply(i), "gap");
            y[i] = v.isEmpty() ? Double.NaN : BenchReport.median(v);
            lo[i] = v.isEmpty() ? Double.NaN : v.get(0);
            hi[i] = v.isEmpty() ? Double.NaN : v.get(v.size() - 1);
        }
        return new Plots.Series(name, x, y, lo, hi, false);
    }
}
