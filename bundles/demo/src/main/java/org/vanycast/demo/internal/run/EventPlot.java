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

/**
 * {@code group-events.png}: the client's receive rate per 100 ms (from its capture), coloured by
 * the sender on its wire, with a labelled line at each group event (contact leave, its home
 * registration moving, kill -9, failover, new client) — whether the download stalls when the
 * contact node dies shows at a glance. Plain Java2D, headless.
 */
final class EventPlot {
    private static final int W = 1000;
    private static final int H = 560;
    private static final int L = 80;
    private static final int R = 30;
    private static final int T = 60;
    private static final int B = 60;
    private static final double BIN_MS = 100;

    private EventPlot() {
    }

    static void write(DemoResult r, Path dir) throws IOException {
        if (r.events().isEmpty()) {
            return;
        }
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        ImageIO.write(draw(r), "png", dir.resolve("group-events.png").toFile());
    }

    static BufferedImage draw(DemoResult r) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Client receive rate (per 100 ms, by sender on its wire) and group events", L, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));

        List<DemoResult.Sample> s = r.timeline();
        double maxT = BIN_MS;
        for (DemoResult.Sample x : s) {
            maxT = Math.max(maxT, x.millis());
        }
        for (DemoResult.Event e : r.events()) {
            maxT = Math.max(maxT, e.atMillis() + Math.max(0, e.millis()));
        }
        int bins = (int) Math.ceil(maxT / BIN_MS) + 1;
        // bytes per bin per sender, from the cumulative samples
        Map<String, long[]> perSender = new LinkedHashMap<>();
        long previous = 0;
        for (DemoResult.Sample x : s) {
            long[] b = perSender.computeIfAbsent(x.sender(), k -> new long[bins]);
            b[(int) (x.millis() / BIN_MS)] += x.bytes() - previous;
            previous = x.bytes();
        }
        long maxBin = 1;
        for (int i = 0; i < bins; i++) {
            long sum = 0;
            for (long[] b : perSender.values()) {
                sum += b[i];
            }
            maxBin = Math.max(maxBin, sum);
        }
        int pw = W - L - R;
        int ph = H - T - B;
        g.drawRect(L, T, pw, ph);
        for (int i = 0; i <= 5; i++) {
            int y = H - B - ph * i / 5;
            g.drawString(String.format(Locale.ROOT, "%.0f", maxBin * i / 5.0 / 1000 / (BIN_MS / 1000)), 10, y + 4);
            int x = L + pw * i / 5;
            g.drawString(String.format(Locale.ROOT, "%.1f", maxT * i / 5 / 1000.0), x - 8, H - B + 16);
        }
        g.drawString("kB/s", 10, T - 8);
        g.drawString("time since the client's first data byte (s)", L + pw / 2 - 110, H - 18);
        Map<String, Color> colors = new LinkedHashMap<>();
        perSender.keySet().forEach(k -> colors.put(k, Plots.PALETTE[colors.size() % Plots.PALETTE.length]));
        double barW = Math.max(1, pw / (double) bins);
        for (int i = 0; i < bins; i++) {
            int base = H - B;
            for (Map.Entry<String, long[]> e : perSender.entrySet()) {
                int h = (int) Math.round(ph * e.getValue()[i] / (double) maxBin);
                if (h > 0) {
                    g.setColor(colors.get(e.getKey()));
                    g.fillRect(L + (int) (i * barW), base - h, (int) Math.ceil(barW), h);
                    base -= h;
                }
            }
        }
        List<int[]> labelSpots = new ArrayList<>();
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
        for (DemoResult.Event e : r.events()) {
            if (e.atMillis() < 0) {
                continue;
            }
            int x = L + (int) (pw * e.atMillis() / maxT);
            g.setColor(e.ok() ? Color.DARK_GRAY : Color.RED);
            g.drawLine(x, T, x, H - B);
            int row = 0;
            for (int[] spot : labelSpots) {
                if (Math.abs(spot[0] - x) < 150) {
                    row = Math.max(row, spot[1] + 1);
                }
            }
            labelSpots.add(new int[] {x, row});
            String label = e.kind() + (e.node().isEmpty() ? "" : " " + e.node())
                    + (e.millis() >= 0 ? String.format(Locale.ROOT, " (%.0f ms)", e.millis()) : "");
            int lx = Math.min(x + 3, W - R - 150);
            int ly = T + 14 + 14 * row;
            int w = g.getFontMetrics().stringWidth(label);
            g.setColor(Color.WHITE);
            g.fillRect(lx - 1, ly - 11, w + 2, 14);
            g.setColor(e.ok() ? Color.BLACK : Color.RED);
            g.drawString(label, lx, ly);
        }
        // legend above the plot, right-aligned
        int lx = W - R;
        List<String> senders = new ArrayList<>(colors.keySet());
        java.util.Collections.reverse(senders);
        for (String k : senders) {
            lx -= g.getFontMetrics().stringWidth(k) + 30;
            g.setColor(colors.get(k));
            g.fillRect(lx, T - 19, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(k, lx + 14, T - 10);
        }
        g.dispose();
        return img;
    }
}
