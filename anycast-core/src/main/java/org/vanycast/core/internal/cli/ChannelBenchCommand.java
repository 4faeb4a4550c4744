package org.vanycast.core.internal.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.vanycast.core.internal.channel.EchoPair;
import org.vanycast.core.internal.tls.GroupCa;
import org.vanycast.core.internal.tls.NodeCredentials;
import org.vanycast.core.internal.wire.Done;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.spi.SocketState;

/**
 * {@code vanycast bench channel [--sizes B,B,…] [--rounds N] [--out DIR]}: the time to ship an
 * Init of a given socket-state size from donor to acceptor and get Done back, over the real
 * TLS 1.3 group channel on loopback (paper Table I row 2, "state transfer", without link
 * shaping). The acceptor answers at once, so this is channel + codec + TLS cost only.
 * Prints a table and writes {@code channel.csv} (one row per round).
 */
public final class ChannelBenchCommand {
    static final String USAGE = "usage: vanycast bench channel [--sizes 170,2048,90000,400000] [--rounds 200] [--out results/channel]";

    private ChannelBenchCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        org.vanycast.core.internal.tls.JsseLogging.quietUnlessConfigured();
        int[] sizes = {170, 2048, 90_000, 400_000};
        int rounds = 200;
        Path dir = Path.of("results", "channel");
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                switch (args[i]) {
                    case "--sizes" -> sizes = Arrays.stream(args[i + 1].split(",")).mapToInt(s -> bounded(s.trim(), 1, 8 << 20)).toArray();
                    case "--rounds" -> rounds = bounded(args[i + 1], 1, 1_000_000);
                    case "--out" -> dir = Path.of(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("vanycast bench channel: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            measure(sizes, rounds, dir, out);
            return 0;
        } catch (Exception e) {
            err.println("vanycast bench channel: " + e);
            return 1;
        }
    }

    private static int bounded(String s, int min, int max) {
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number in " + min + ".." + max);
        }
    }

    private static void measure(int[] sizes, int rounds, Path dir, PrintStream out) throws Exception {
        Path ca = Files.createTempDirectory("vanycast-bench-ca");
        try {
            Instant now = Instant.now();
            GroupCa.init(ca, "bench", now, Duration.ofDays(1));
            GroupCa.issue(ca, "donor", now, Duration.ofDays(1));
            GroupCa.issue(ca, "acceptor", now, Duration.ofDays(1));
            try (EchoPair pair = EchoPair.open(NodeCredentials.load(ca, "donor"), NodeCredentials.load(ca, "acceptor"),
                    Duration.ofSeconds(5))) {
                Files.createDirectories(dir);
                List<String> csv = new ArrayList<>(List.of("state_bytes,round,round_trip_us"));
                out.printf("%-12s %8s %10s %10s %10s %10s%n", "state bytes", "rounds", "median us", "p90 us", "p99 us", "max us");
                for (int size : sizes) {
                    SocketState state = new SocketState(new InetSocketAddress("fd00::100", 80),
                            new InetSocketAddress("fd00::10", 40000), new byte[size]);
                    long[] us = new long[rounds];
                    for (int r = -Math.min(50, rounds); r < rounds; r++) { // negative rounds warm up
                        long t0 = System.nanoTime();
                        pair.send(new Init(r & 0xFFFF, new byte[16], System.currentTimeMillis(), 1,
                                InetAddress.getByName("fd00::100"), state, new byte[64]));
                        NodeMessage m = pair.awaitAnswer(10_000);
                        if (m == null) {
                            throw new IOException("no Done within 10 s");
                        }
                        if (r >= 0) {
                            us[r] = (System.nanoTime() - t0) / 1000;
                            csv.add(size + "," + r + "," + us[r]);
                        }
                    }
                    long[] sorted = us.clone();
                    Arrays.sort(sorted);
                    out.printf("%-12d %8d %10d %10d %10d %10d%n", size, rounds, pct(sorted, 50), pct(sorted, 90),
                            pct(sorted, 99), sorted[sorted.length - 1]);
                }
                Path file = dir.resolve("channel.csv");
                Files.write(file, csv);
                out.println("wrote " + file);
            }
        } finally {
            try (var files = Files.walk(ca)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
