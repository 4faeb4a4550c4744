package org.vanycast.demo.internal.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import javax.imageio.ImageIO;

/**
 * What {@link HandoffBench} reports for one experiment: {@code <experiment>.txt} (the table, also
 * on standard output), {@code <experiment>.csv} (every handoff) and PNG plots; then
 * {@code tables.txt} gathers the tables of every experiment run so far into that folder, so
 * one experiment can be rerun alone.
 */
final class BenchReport {
    static final List<String> EXPERIMENTS = List.of("table1", "fig12", "fig14", "local");
    /** freeze -> acceptor live: the phases from freezing the socket until the acceptor serves it. */
    static final List<String> FREEZE_TO_LIVE = List.of("extract", "transfer", "recreate", "redirect", "activate");
    private static final String HOW_GAP = "client gap = client-side capture (tcpdump on the client's eth0): time from the"
            + " last data segment with the donor's source address to the first data segment with the acceptor's";

    private BenchReport() {
    }

    static void write(String experiment, String command, String setup, List<HandoffBench.Row> rows,
                      java.util.Map<String, double[]> paths, Path dir, PrintStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(experiment + ".csv"), csv(rows));
        StringBuilder t = new StringBuilder();
        t.append("# ").append(command).append("  (").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(")\n");
        t.append("# ").append(setup).append('\n');
        switch (experiment) {
            case "table1" -> t.append(BenchTables.table1(rows));
            case "fig12" -> t.append(BenchTables.fig12(rows));
            case "fig14" -> {
                t.append(BenchTables.fig14(rows));
                if (!paths.isEmpty()) {
                    t.append('\n').append(BenchTables.fig14Paths(rows, paths));
                    Files.writeString(dir.resolve("fig14-paths.csv"), BenchTables.fig14PathsCsv(rows, paths));
                }
            }
            default -> t.append(BenchTables.local(rows));
        }
        Files.writeString(dir.resolve(experiment + ".txt"), t);
        out.println(t);
        for (BenchTables.Chart c : BenchTables.charts(experiment, rows)) {
            ImageIO.write(c.image(), "png", dir.resolve(c.file()).toFile());
        }
        StringBuilder all = new StringBuilder();
        for (String e : EXPERIMENTS) {
            Path f = dir.resolve(e + ".txt");
            if (Files.exists(f)) {
                all.append(Files.readString(f)).append('\n');
            }
        }
        Files.writeString(dir.resolve("tables.txt"), all);
        out.println("written: " + dir.resolve(experiment + ".txt") + ", " + experiment + ".csv, PNG plots, tables.txt");
    }

    static String csv(List<HandoffBench.Row> rows) {
        Set<String> phases = new LinkedHashSet<>(PhaseCsv.PHASES);
        rows.forEach(r -> phases.addAll(r.phaseMicros().keySet()));
        StringBuilder csv = new StringBuilder("experiment,bandwidth_kbit,lcs_ms,lss_ms,rr_in_advance,wait_ms,trial,verified");
        phases.forEach(p -> csv.append(',').append(p).append("_us"));
        csv.append(",freeze_live_us,socket_state_bytes,client_gap_ms,problems\n");
        for (HandoffBench.Row r : rows) {
            csv.append(r.experiment()).append(',').append(r.bandwidthKbit()).append(',').append(r.lcsMs()).append(',')
                    .append(r.lssMs()).append(',').append(r.rrInAdvance()).append(',').append(r.waitMs()).append(',')
                    .append(r.trial()).append(',').append(r.verified());
            phases.forEach(p -> csv.append(',').append(r.phaseMicros().getOrDefault(p, -1L)));
            csv.append(',').append(r.freezeToLiveMicros()).append(',').append(r.stateBytes()).append(',').append(String.format(Locale.ROOT, "%.3f", r.gapMillis()))
                    .append(",\"").append(r.problems().replace('"', '\'')).append("\"\n");
        }
        return csv.toString();
    }

    static String howGap() {
        return HOW_GAP;
    }

    /** Values (ms; "gap", "state" in bytes, "freeze" the freeze-to-live sum, else a phase) of the verified rows that match, sorted. */
    static List<Double> values(List<HandoffBench.Row> rows, Predicate<HandoffBench.Row> match, String what) {
        List<Double> v = new ArrayList<>();
        for (HandoffBench.Row r : rows) {
            if (!match.test(r) || !r.verified()) {
                continue;
            }
            double x;
            if (what.equals("gap")) {
                x = r.gapMillis();
            } else if (what.equals("state")) {
                x = r.stateBytes();
            } else if (what.equals("freeze") && r.freezeToLiveMicros() >= 0) {
                x = r.freezeToLiveMicros() / 1000.0;
            } else if (what.equals("freeze-sum") || what.equals("freeze")) {
                x = 0;
                for (String p : FREEZE_TO_LIVE) {
                    long us = r.phaseMicros().getOrDefault(p, -1L);
                    x = us < 0 || x < 0 ? -1 : x + us / 1000.0;
                }
            } else {
                x = r.phaseMicros().getOrDefault(what, -1L) / 1000.0;
            }
            if (x >= 0) {
                v.add(x);
            }
        }
        v.sort(Double::compare);
        return v;
    }

    static double median(List<Double> v) {
        int n = v.size();
        return n == 0 ? -1 : n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** Nearest-rank percentile ({@code q} in 0..1) of sorted values; -1 when none. */
    static double percentile(List<Double> v, double q) {
        if (v.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(q * v.size());
        return v.get(Math.max(0, Math.min(v.size() - 1, rank - 1)));
    }

    static double median(List<HandoffBench.Row> rows, Predicate<HandoffBench.Row> match, String what) {
        return median(values(rows, match, what));
    }
}
