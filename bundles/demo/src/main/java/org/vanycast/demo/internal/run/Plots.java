package org.vanycast.demo.internal.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** PNG plots of a demo run drawn with plain Java2D (headless): the client's download timeline and the phase bars. */
final class Plots {
    /** One colour per sender, shared by every plot of a run. */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};
    private static final int W = 900;
    private static final int H = 520;
    private static final int L = 90;
    private static final int R = 30;
    private static final int T = 50;
    private static final int B = 70;

    private Plots() {
    }

    static void write(DemoResult r, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        ImageIO.write(timeline(r), "png", dir.resolve("client-timeline.png").toFile());
        ImageIO.write(phases(r), "png", dir.resolve("handoff-phases.png").toFile());
    }

    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, L, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(L, T, W - L - R, H - T - B);
        return g;
    }

    /** Cumulative bytes the client received over time, coloured by the sender on its wire. */
    static BufferedImage timeline(DemoResult r) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, "Client download: bytes received over time, by sender (client-side capture)");
        List<DemoResult.Sample> s = r.timeline();
        double maxT = s.isEmpty() ? 1 : Math.max(1, s.get(s.size() - 1).millis());
        double maxB = s.isEmpty() ? 1 : Math.max(1, s.get(s.size() - 1).bytes());
        axes(g, "time (ms)", maxT, "bytes received (MB)", maxB / 1e6);
        Map<String, Color> colors = new LinkedHashMap<>();
        for (DemoResult.Sample x : s) {
            Color c = colors.computeIfAbsent(x.sender(), k -> PALETTE[colors.size() % PALETTE.length]);
            g.setColor(c);
            int px = L + (int) ((W - L - R) * x.millis() / maxT);
            int py = H - B - (int) ((H - T - B) * x.bytes() / maxB);
            g.fillRect(px - 1, py - 1, 3, 3);
        }
        legend(g, colors);
        g.dispose();
        return img;
    }

    /** One stacked bar per handoff: the phase times, and the client-perceived gap beside it. */
    static BufferedImage phases(DemoResult r) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, "Handoff phases (ms, stacked) and client-perceived gap");
        double max = 1;
        for (DemoResult.Handoff h : r.handoffs()) {
            double sum = h.phaseMicros().values().stream().filter(v -> v > 0).mapToLong(Long::longValue).sum() / 1000.0;
            max = Math.max(max, Math.max(sum, h.gapMillis()));
        }
        int n = Math.max(1, r.handoffs().size());
        int slot = (H - T - B) / n;
        Map<String, Color> colors = new LinkedHashMap<>();
        for (DemoResult.Handoff h : r.handoffs()) {
            for (String p : h.phaseMicros().keySet()) {
                colors.computeIfAbsent(p, k -> PALETTE[colors.size() % PALETTE.length]);
            }
        }
        colors.put("client gap", Color.DARK_GRAY);
        int i = 0;
        for (DemoResult.Handoff h : r.handoffs()) {
            int y = T + i * slot + slot / 6;
            int bar = Math.max(6, slot / 3);
            double x = 0;
            for (String p : colors.keySet()) {
                long us = h.phaseMicros().getOrDefault(p, -1L);
                if (us <= 0) {
                    continue;
                }
                int x0 = L + (int) ((W - L - R) * x / max);
                x += us / 1000.0;
                int x1 = L + (int) ((W - L - R) * x / max);
                g.setColor(colors.get(p));
                g.fillRect(x0, y, Math.max(1, x1 - x0), bar);
            }
            if (h.gapMillis() >= 0) {
                g.setColor(Color.DARK_GRAY);
                g.fillRect(L, y + bar + 4, Math.max(1, (int) ((W - L - R) * h.gapMillis() / max)), bar / 2);
            }
            g.setColor(Color.BLACK);
            g.drawString(h.donor() + "->" + h.acceptor(), 8, y + bar);
            i++;
        }
        g.setColor(Color.BLACK);
        for (int k = 0; k <= 5; k++) {
            int px = L + (W - L - R) * k / 5;
            g.drawString(String.format(Locale.ROOT, "%.1f", max * k / 5), px - 10, H - B + 16);
        }
        g.drawString("milliseconds", W / 2 - 30, H - B + 34);
        legend(g, colors);
        g.dispose();
        return img;
    }

    /**
     * One line of a benchmark chart: at each x the median y and a whisker from {@code lo} to
     * {@code hi} (NaN: no point there); a dashed series is a reference (goal, paper), no whiskers.
     */
    record Series(String name, double[] x, double[] y, double[] lo, double[] hi, boolean dashed) {
        static Series reference(String name, double[] x, double[] y) {
            return new Series(name, x, y, y, y, true);
        }
    }

    /** A line chart from 0: the series in palette order, whiskers where lo < hi. */
    static BufferedImage lines(String title, String xLabel, String yLabel, List<Series> series) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        double maxX = 1;
        double maxY = 1;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                maxX = Math.max(maxX, s.x()[i]);
                if (!Double.isNaN(s.hi()[i])) {
                    maxY = Math.max(maxY, s.hi()[i]);
                }
            }
        }
        maxY *= 1.05;
        axes(g, xLabel, maxX, "", maxY);
        g.drawString(yLabel, 8, T - 8);
        Map<String, Color> colors = new LinkedHashMap<>();
        for (Series s : series) {
            Color c = PALETTE[colors.size() % PALETTE.length];
            colors.put(s.name(), c);
            g.setColor(c);
            g.setStroke(s.dashed() ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                    new float[] {6, 4}, 0) : new BasicStroke(2));
            int px = -1;
            int py = -1;
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isNaN(s.y()[i])) {
                    continue;
                }
                int x = L + (int) ((W - L - R) * s.x()[i] / maxX);
                int y = H - B - (int) ((H - T - B) * s.y()[i] / maxY);
                if (!s.dashed()) {
                    g.fillOval(x - 4, y - 4, 8, 8);
                    int lo = H - B - (int) ((H - T - B) * s.lo()[i] / maxY);
                    int hi = H - B - (int) ((H - T - B) * s.hi()[i] / maxY);
                    g.drawLine(x, lo, x, hi);
                    g.drawLine(x - 4, lo, x + 4, lo);
                    g.drawLine(x - 4, hi, x + 4, hi);
                }
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
        g.setStroke(new BasicStroke(1));
        legend(g, colors);
        g.dispose();
        return img;
    }

    /** Horizontal bars: per label the median (solid) and the 90th percentile (outline). */
    static BufferedImage bars(String title, String unit, List<String> labels, double[] median, double[] p90) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        double max = 0.001;
        for (int i = 0; i < labels.size(); i++) {
            max = Math.max(max, Math.max(median[i], p90[i]));
        }
        max *= 1.05;
        int slot = (H - T - B) / Math.max(1, labels.size());
        for (int i = 0; i < labels.size(); i++) {
            int y = T + i * slot + slot / 4;
            int bar = Math.max(4, slot / 2);
            g.setColor(PALETTE[0]);
            g.fillRect(L + 1, y, Math.max(1, (int) ((W - L - R) * Math.max(0, median[i]) / max)), bar);
            g.setColor(PALETTE[1]);
            g.drawRect(L + 1, y, Math.max(1, (int) ((W - L - R) * Math.max(0, p90[i]) / max)), bar);
            g.setColor(Color.BLACK);
            g.drawString(labels.get(i), 8, y + bar - 2);
        }
        for (int k = 0; k <= 5; k++) {
            int px = L + (W - L - R) * k / 5;
            g.drawString(String.format(Locale.ROOT, "%.2f", max * k / 5), px - 10, H - B + 16);
        }
        g.drawString(unit, W / 2 - 30, H - B + 34);
        Map<String, Color> legend = new LinkedHashMap<>();
        legend.put("median", PALETTE[0]);
        legend.put("90th percentile (outline)", PALETTE[1]);
        legend(g, legend);
        g.dispose();
        return img;
    }

    private static void axes(Graphics2D g, String xLabel, double maxX, String yLabel, double maxY) {
        g.setColor(Color.BLACK);
        for (int k = 0; k <= 5; k++) {
            int px = L + (W - L - R) * k / 5;
            int py = H - B - (H - T - B) * k / 5;
            g.drawString(String.format(Locale.ROOT, "%.0f", maxX * k / 5), px - 10, H - B + 16);
            g.drawString(String.format(Locale.ROOT, "%.2f", maxY * k / 5), L - 45, py + 4);
        }
        g.drawString(xLabel, W / 2 - 30, H - B + 34);
        g.drawString(yLabel, 8, T - 8);
    }

    private static void legend(Graphics2D g, Map<String, Color> colors) {
        List<String> names = new ArrayList<>(colors.keySet());
        int x = L;
        int y = H - 18;
        g.setStroke(new BasicStroke(1));
        for (String name : names) {
            g.setColor(colors.get(name));
            g.fillRect(x, y - 9, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(name, x + 14, y);
            x += 20 + g.getFontMetrics().stringWidth(name) + 12;
        }
    }
}
