package org.vanycast.tcp.internal.bench;

import java.nio.file.Path;
import java.util.Locale;
import org.vanycast.tcp.api.FreezeMode;

/** Command-line options of {@code vanycast bench tcp-migrate}. */
record BenchOptions(int size, int at, int runs, int warmup, boolean drain, FreezeMode freeze, boolean json,
        String clientRate, String linkRate, Path out) {

    static final String USAGE = "usage: vanycast bench tcp-migrate [--size 1MB] [--at 500kB] [--runs 20] [--warmup 2]"
            + " [--drain on|off] [--freeze bpf|nft] [--client-rate RATE] [--link-rate RATE] [--json] [--out results/tcp-migrate]";

    static BenchOptions parse(String[] args) {
        int size = 1 << 20;
        int at = 500 * 1024;
        int runs = 20;
        int warmup = 2;
        boolean drain = true;
        FreezeMode freeze = FreezeMode.SOCKET_FILTER;
        boolean json = false;
        String rate = null;
        String linkRate = null;
        Path out = Path.of("results", "tcp-migrate");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                json = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--size" -> size = bytes(v);
                case "--at" -> at = bytes(v);
                case "--runs" -> runs = positive(v, a);
                case "--warmup" -> warmup = nonNegative(v, a);
                case "--drain" -> drain = onOff(v, a);
                case "--freeze" -> freeze = switch (v.toLowerCase(Locale.ROOT)) {
                    case "bpf" -> FreezeMode.SOCKET_FILTER;
                    case "nft" -> FreezeMode.NFTABLES;
                    default -> throw new IllegalArgumentException("--freeze takes bpf or nft, not " + v);
                };
                case "--client-rate" -> rate = v;
                case "--link-rate" -> linkRate = requireRate(v);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (at <= 0 || at >= size) {
            throw new IllegalArgumentException("--at must lie inside the download (0 < at < size)");
        }
        return new BenchOptions(size, at, runs, warmup, drain, freeze, json, rate, linkRate, out);
    }

    /** 1MB, 1MiB, 1M = 1048576; 500kB, 500KiB, 500k = 512000; plain numbers are bytes. */
    static int bytes(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (s.endsWith("mib") || s.endsWith("mb") || s.endsWith("m")) {
            mult = 1 << 20;
        } else if (s.endsWith("kib") || s.endsWith("kb") || s.endsWith("k")) {
            mult = 1 << 10;
        }
        String digits = s.replaceAll("[a-z]+$", "");
        try {
            long n = Long.parseLong(digits) * mult;
            if (n <= 0 || n > (1L << 30)) {
                throw new IllegalArgumentException("size out of range: " + v);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: " + v);
        }
    }

    /** tc rates: digits and a unit such as 100mbit. */
    private static String requireRate(String v) {
        if (!v.matches("\\d+(\\.\\d+)?([kmg]?bit|[kmg]?bps)")) {
            throw new IllegalArgumentException("--link-rate takes a tc rate such as 100mbit, not " + v);
        }
        return v;
    }

    private static int positive(String v, String opt) {
        int n = nonNegative(v, opt);
        if (n == 0) {
            throw new IllegalArgumentException(opt + " must be at least 1");
        }
        return n;
    }

    private static int nonNegative(String v, String opt) {
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new IllegalArgumentException(opt + " must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " takes a number, not " + v);
        }
    }

    private static boolean onOff(String v, String opt) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(opt + " takes on or off, not " + v);
        };
    }
}
