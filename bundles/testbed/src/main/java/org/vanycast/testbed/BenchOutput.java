package org.vanycast.testbed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A benchmark's result table: printed aligned, written as CSV under {@code results/}. */
final class BenchOutput {
    private final String name;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    BenchOutput(String name, String... header) {
        this.name = name;
        this.header = List.of(header);
    }

    void row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(c instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(c));
        }
        rows.add(r);
    }

    /** Prints the table and writes {@code results/<name>-<UTC time>.csv}; returns the file. */
    Path finish(PrintStream out) throws IOException {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        out.println(line(header, w));
        char[] dashes = new char[Arrays.stream(w).sum() + 2 * (w.length - 1)];
        Arrays.fill(dashes, '-');
        out.println(new String(dashes));
        for (List<String> r : rows) {
            out.println(line(r, w));
        }
        Path dir = resultsDir();
        Files.createDirectories(dir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path csv = dir.resolve(name + "-" + stamp + ".csv");
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (List<String> r : rows) {
            sb.append(String.join(",", r)).append('\n');
        }
        Files.writeString(csv, sb);
        out.println("CSV: " + csv);
        return csv;
    }

    private static String line(List<String> cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append("  ");
            }
            sb.append(String.format("%" + w[i] + "s", cells.get(i)));
        }
        return sb.toString();
    }

    static Path resultsDir() {
        String home = System.getProperty("vanycast.home");
        return (home != null ? Path.of(home) : Path.of("")).toAbsolutePath().resolve("results");
    }

    static double percentile(List<Double> xs, double p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    /** Parses {@code --name value} options; unknown ones are usage errors. */
    static int intOption(List<String> args, String name, int dflt, int min, int max) {
        String v = TestbedCommand.option(args, name, null);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException(name + " must be " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: " + v);
        }
    }
}
