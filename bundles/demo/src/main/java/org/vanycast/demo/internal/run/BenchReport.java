package org.vanycast.demo.internal.run;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import javax.imageio.ImageIO;

/** Tables on stdout, {@code handoff-bench.csv} and the Figure 14 plot for {@link HandoffBench}. */
final class BenchReport {
    private BenchReport() {
    }

    static void write(List<HandoffBench.Row> rows, Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("experiment,bandwidth_kbit,lcs_ms,lss_ms,rr_in_advance,trial,verified");
        PhaseCsv.PHASES.forEach(p -> csv.append(',').append(p).append("_us"));
        csv.append(",client_gap_ms,problems\n");
        for (HandoffBench.Row r : rows) {
            csv.append(r.experiment()).append(',').append(r.bandwidthKbit()).append(',').append(r.lcsMs()).append(',')
                    .append(r.lssMs()).append(',').append(r.rrInAdvance()).append(',').append(r.trial()).append(',')
                    .append(r.verified());
            PhaseCsv.PHASES.forEach(p -> csv.append(',').append(r.phaseMicros().getOrDefault(p, -1L)));
            csv.append(',').append(String.format(Locale.ROOT, "%.3f", r.gapMillis())).append(",\"")
                    .append(r.problems().replace('"', '\'')).append("\"\n");
        }
        Files.writeString(dir.resolve("handoff-bench.csv"), csv);
        local(rows, out);
        table1(rows, out);
        fig14(rows, out);
        ImageIO.write(plot(rows), "png", dir.resolve("fig14-gap.png").toFile());
        out.println("CSV: " + dir.resolve("handoff-bench.csv") + "  plot: " + dir.resolve("fig14-gap.png"));
    }

    /** Phases with no emulated delay, and the freeze-to-live sum the issue sets a goal for. */
    private static void local(List<HandoffBench.Row> rows, PrintStream out) {
        List<HandoffBench.Row> t = rows.stream().filter(r -> r.experiment().equals("local")).toList();
        if (t.isEmpty()) {
            return;
        }
        out.println();
        out.println("Local handoff work, no emulated delay (median ms over " + t.size() + " trials)");
        for (String p : PhaseCsv.PHASES) {
            out.printf(Locale.ROOT, "%-10s %10s%n", p, fmt3(median(t, r -> true, p)));
        }
        List<Double> sums = new ArrayList<>();
        for (HandoffBench.Row r : t) {
            if (r.verified()) {
                double sum = 0;
                for (String p : List.of("extract", "transfer", "recreate", "redirect", "activate")) {
                    sum += Math.max(0, r.phaseMicros().getOrDefault(p, 0L)) / 1000.0;
                }
                sums.add(sum);
            }
        }
        sums.sort(Double::compare);
        double m = sums.isEmpty() ? -1 : sums.get(sums.size() / 2);
        out.printf(Locale.ROOT, "%-10s %10s   (extract + transfer + recreate + redirect + activate; goal 0.5)%n",
                "freeze->live", fmt3(m));
        out.printf(Locale.ROOT, "%-10s %10s%n", "client gap", fmt3(median(t, r -> true, "gap")));
    }

    private static String fmt3(double v) {
        return v < 0 ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static void table1(List<HandoffBench.Row> rows, PrintStream out) {
        List<HandoffBench.Row> t = rows.stream().filter(r -> r.experiment().equals("table1")).toList();
        if (t.isEmpty()) {
            return;
        }
        out.println();
        out.println("Table I — handoff phases (median ms over trials; node links shaped, client link as configured)");
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-10s", "phase"));
        for (int bw : HandoffBench.BANDWIDTHS) {
            h.append(String.format(Locale.ROOT, " %12s", bw == 0 ? "unshaped" : bw / 1000.0 + " Mbit/s"));
        }
        out.println(h);
        List<String> lines = new ArrayList<>(PhaseCsv.PHASES);
        lines.add("gap");
        for (String p : lines) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-10s", p.equals("gap") ? "client gap" : p));
            for (int bw : HandoffBench.BANDWIDTHS) {
                double m = median(t, r -> r.bandwidthKbit() == bw, p);
                b.append(m < 0 ? String.format(Locale.ROOT, " %12s", "-") : String.format(Locale.ROOT, " %12.3f", m));
            }
            out.println(b);
        }
    }

    private static void fig14(List<HandoffBench.Row> rows, PrintStream out) {
        if (rows.stream().noneMatch(r -> r.experiment().startsWith("fig14"))) {
            return;
        }
        out.println();
        out.println("Figure 14 — client-perceived gap (median ms): last byte from donor -> first byte from acceptor");
        out.printf(Locale.ROOT, "%-22s %12s %12s %14s %16s %16s %16s%n", "point", "RR in adv.", "RR at Init",
                "paper 4Lcs+Lss", "goal 2Lcs+Lss+2", "redirect in adv.", "redirect at Init");
        for (String exp : List.of("fig14-lcs", "fig14-lss")) {
            for (int l : HandoffBench.LATENCIES) {
                int lcs = exp.equals("fig14-lcs") ? l : 40;
                int lss = exp.equals("fig14-lcs") ? 20 : l;
                double with = median(rows, r -> r.experiment().equals(exp) && r.lcsMs() == lcs && r.lssMs() == lss
                        && r.rrInAdvance(), "gap");
                double without = median(rows, r -> r.experiment().equals(exp) && r.lcsMs() == lcs && r.lssMs() == lss
                        && !r.rrInAdvance(), "gap");
                double redirectWith = median(rows, r -> r.experiment().equals(exp) && r.lcsMs() == lcs
                        && r.lssMs() == lss && r.rrInAdvance(), "redirect");
                double redirectWithout = median(rows, r -> r.experiment().equals(exp) && r.lcsMs() == lcs
                        && r.lssMs() == lss && !r.rrInAdvance(), "redirect");
                out.printf(Locale.ROOT, "%-22s %12s %12s %14d %16d %16s %16s%n", "L_CS=" + lcs + " L_SS=" + lss,
                        fmt(with), fmt(without), 4 * lcs + lss, 2 * lcs + lss + 2, fmt(redirectWith),
                        fmt(redirectWithout));
            }
        }
    }

    private static String fmt(double v) {
        return v < 0 ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Median of a phase (ms) or of the gap over the verified rows that match; -1 when none. */
    static double median(List<HandoffBench.Row> rows, Predicate<HandoffBench.Row> match, String what) {
        List<Double> v = new ArrayList<>();
        for (HandoffBench.Row r : rows) {
            if (!match.test(r) || !r.verified()) {
                continue;
            }
            double x = what.equals("gap") ? r.gapMillis() : r.phaseMicros().getOrDefault(what, -1L) / 1000.0;
            if (x >= 0) {
                v.add(x);
            }
        }
        if (v.isEmpty()) {
            return -1;
        }
        v.sort(Double::compare);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** Gap against L_CS (left half) and L_SS (right half), with and without RR in advance. */
    private static BufferedImage plot(List<HandoffBench.Row> rows) {
        int w = 900;
        int h = 480;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Client-perceived handoff gap (ms): left L_CS 10-80 at L_SS 20, right L_SS 10-80 at L_CS 40", 20, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        double max = 1;
        for (HandoffBench.Row r : rows) {
            if (r.experiment().startsWith("fig14") && r.verified()) {
                max = Math.max(max, r.gapMillis());
            }
        }
        for (int half = 0; half < 2; half++) {
            String exp = half == 0 ? "fig14-lcs" : "fig14-lss";
            int x0 = 60 + half * 430;
            int y0 = 50;
            int pw = 380;
            int ph = 360;
            g.setColor(Color.BLACK);
            g.drawRect(x0, y0, pw, ph);
            g.drawString(half == 0 ? "L_CS (ms)" : "L_SS (ms)", x0 + pw / 2 - 20, y0 + ph + 32);
            for (int k = 0; k <= 4; k++) {
                g.drawString(String.format(Locale.ROOT, "%.0f", max * k / 4), x0 - 40, y0 + ph - ph * k / 4 + 4);
            }
            for (int i = 0; i < HandoffBench.LATENCIES.length; i++) {
                g.drawString(Integer.toString(HandoffBench.LATENCIES[i]), x0 + 20 + i * (pw - 40) / 3 - 6, y0 + ph + 16);
            }
            for (boolean rr : new boolean[] {true, false}) {
                g.setColor(rr ? new Color(0x1f77b4) : new Color(0xd62728));
                int px = -1;
                int py = -1;
                for (int i = 0; i < HandoffBench.LATENCIES.length; i++) {
                    int l = HandoffBench.LATENCIES[i];
                    double m = median(rows, r -> r.experiment().equals(exp) && r.rrInAdvance() == rr
                            && (exp.equals("fig14-lcs") ? r.lcsMs() == l : r.lssMs() == l), "gap");
                    if (m < 0) {
                        continue;
                    }
                    int x = x0 + 20 + i * (pw - 40) / 3;
                    int y = y0 + ph - (int) (ph * m / max);
                    g.fillOval(x - 4, y - 4, 8, 8);
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    px = x;
                    py = y;
                }
            }
        }
        g.setColor(new Color(0x1f77b4));
        g.drawString("RR in advance (on Prepare)", 60, h - 12);
        g.setColor(new Color(0xd62728));
        g.drawString("RR after Init", 300, h - 12);
        g.dispose();
        return img;
    }
}
