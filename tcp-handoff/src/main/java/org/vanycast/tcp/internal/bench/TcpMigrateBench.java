package org.vanycast.tcp.internal.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.internal.TcpConnectionMigrator;
import org.vanycast.tcp.internal.testbed.Download;
import org.vanycast.tcp.internal.testbed.MigrationHarness;
import org.vanycast.tcp.internal.testbed.PhaseTimes;
import org.vanycast.tcp.internal.testbed.Testbed;

/**
 * {@code vanycast bench tcp-migrate}: builds its own namespace testbed (client, router, two
 * nodes), runs curl downloads from [X]:8080 with one handoff part-way, and reports the phase
 * times (the paper's Table I phases), the state size, the SHA-256 verdict and the resets the
 * router saw. Writes one CSV row per run under {@code results/tcp-migrate/}.
 */
public final class TcpMigrateBench {
    private static final String[] PHASES = {"drain", "freeze", "extract", "transfer", "re-create", "switch",
        "activate", "total", "work"};

    private TcpMigrateBench() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench tcp-migrate: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            return 2;
        }
        try {
            return bench(o, System.out);
        } catch (Exception e) {
            System.err.println("bench tcp-migrate failed: " + e);
            return 1;
        }
    }

    record Run(PhaseTimes times, boolean intact, int clientExit) {
    }

    static int bench(BenchOptions o, PrintStream out) throws Exception {
        // probe only: a migrator made here would install its freeze objects in this namespace
        java.util.Optional<String> cause = TcpConnectionMigrator.unavailabilityCause(o.freeze());
        if (cause.isPresent()) {
            System.err.println("bench tcp-migrate: TCP migration unavailable: " + cause.get());
            return 1;
        }
        List<Run> runs = new ArrayList<>();
        long resets;
        try (Testbed tb = Testbed.create();
                MigrationHarness h = new MigrationHarness(tb, o.freeze(), Duration.ofMillis(200))) {
            if (o.clientRate() != null) {
                // a slow reader only closes its window if its buffer is small; otherwise the
                // client's kernel takes the whole download and the server's queue stays empty
                tb.limitClientReceiveBuffer(64 * 1024);
            }
            if (o.linkRate() != null) {
                tb.limitClientLink(o.linkRate());
            }
            Download.QueueMode queue = o.drain() ? Download.QueueMode.DRAINED : Download.QueueMode.IN_FLIGHT;
            Download.Config cfg = new Download.Config(o.size(), List.of(o.at()), queue, Download.Client.CURL,
                    MigrationHarness.Fault.NONE, o.clientRate());
            long rstBefore = 0;
            for (int i = 0; i < o.warmup() + o.runs(); i++) {
                tb.switchTo(1);
                if (i == o.warmup()) {
                    rstBefore = tb.counters().getOrDefault("rst", 0L);
                }
                Download.Outcome d = Download.run(h, cfg);
                MigrationHarness.Result r = d.hops().get(0);
                if (r.acceptorError() != null) {
                    throw new IOException("handoff failed in run " + i, r.acceptorError());
                }
                if (i >= o.warmup()) {
                    runs.add(new Run(r.times(), d.bodyIntact(), d.clientExit()));
                }
            }
            Map<String, Long> c = tb.counters();
            resets = c.getOrDefault("rst", 0L) - rstBefore;
        }
        Path csv = writeCsv(o, runs);
        if (o.json()) {
            out.println(json(o, runs, resets, csv));
        } else {
            table(o, runs, resets, csv, out);
        }
        boolean allIntact = runs.stream().allMatch(r -> r.intact() && r.clientExit() == 0);
        return allIntact && resets == 0 ? 0 : 1;
    }

    private static List<ToLongFunction<PhaseTimes>> columns() {
        return List.of(PhaseTimes::drain, PhaseTimes::freeze, PhaseTimes::extract, PhaseTimes::transfer,
                PhaseTimes::recreate, PhaseTimes::switchRoute, PhaseTimes::activate, PhaseTimes::total,
                PhaseTimes::work);
    }

    static long[] stats(List<Run> runs, ToLongFunction<PhaseTimes> f) {
        long[] v = runs.stream().mapToLong(r -> f.applyAsLong(r.times())).sorted().toArray();
        long median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new long[] {v[0], median, v[v.length - 1]};
    }

    private static String us(long ns) {
        return String.format(Locale.ROOT, "%.1f", ns / 1000.0);
    }

    private static void table(BenchOptions o, List<Run> runs, long resets, Path csv, PrintStream out) {
        out.printf(Locale.ROOT, "tcp-migrate: %d-byte curl download from [%s]:%d, handoff node1->node2 at byte %d,"
                + " drain %s, freeze %s, client rate %s, link rate %s, %d runs (+%d warm-up)%n", o.size(),
                Testbed.X.getHostAddress(), MigrationHarness.PORT, o.at(), o.drain() ? "on" : "off",
                freezeName(o.freeze()), o.clientRate() == null ? "-" : o.clientRate(),
                o.linkRate() == null ? "-" : o.linkRate(), runs.size(), o.warmup());
        out.printf("%-12s %12s %12s %12s%n", "phase", "min µs", "median µs", "max µs");
        List<ToLongFunction<PhaseTimes>> cols = columns();
        for (int i = 0; i < PHASES.length; i++) {
            long[] s = stats(runs, cols.get(i));
            String name = PHASES[i].equals("work") ? "work (f+e+r+a)" : PHASES[i];
            out.printf("%-14s %10s %12s %12s%n", name, us(s[0]), us(s[1]), us(s[2]));
        }
        long[] size = stats(runs, PhaseTimes::stateSize);
        out.printf("state size (bytes): min %d, median %d, max %d%n", size[0], size[1], size[2]);
        long intact = runs.stream().filter(r -> r.intact() && r.clientExit() == 0).count();
        out.printf("sha256: %d/%d intact; resets seen by the router: %d%n", intact, runs.size(), resets);
        out.println("csv: " + csv);
    }

    private static String json(BenchOptions o, List<Run> runs, long resets, Path csv) {
        StringBuilder b = new StringBuilder("{");
        b.append("\"size\":").append(o.size()).append(",\"at\":").append(o.at())
                .append(",\"drain\":").append(o.drain()).append(",\"freeze\":\"").append(freezeName(o.freeze()))
                .append("\",\"runs\":").append(runs.size()).append(",\"phases_us\":{");
        List<ToLongFunction<PhaseTimes>> cols = columns();
        for (int i = 0; i < PHASES.length; i++) {
            long[] s = stats(runs, cols.get(i));
            b.append(i > 0 ? "," : "").append('"').append(PHASES[i]).append("\":{\"min\":").append(us(s[0]))
                    .append(",\"median\":").append(us(s[1])).append(",\"max\":").append(us(s[2])).append('}');
        }
        long[] size = stats(runs, PhaseTimes::stateSize);
        long intact = runs.stream().filter(r -> r.intact() && r.clientExit() == 0).count();
        b.append("},\"state_bytes\":{\"min\":").append(size[0]).append(",\"median\":").append(size[1])
                .append(",\"max\":").append(size[2]).append("},\"sha256_intact\":").append(intact)
                .append(",\"resets\":").append(resets).append(",\"csv\":\"")
                .append(csv.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append("\"}");
        return b.toString();
    }

    private static String freezeName(FreezeMode m) {
        return m == FreezeMode.SOCKET_FILTER ? "bpf" : "nft";
    }

    private static Path writeCsv(BenchOptions o, List<Run> runs) throws IOException {
        Files.createDirectories(o.out());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path file = o.out().resolve(stamp + "-" + freezeName(o.freeze()) + "-drain" + (o.drain() ? "on" : "off")
                + ".csv");
        List<String> lines = new ArrayList<>();
        lines.add("run,size,at,drain,freeze,drain_us,freeze_us,extract_us,transfer_us,recreate_us,switch_us,"
                + "activate_us,total_us,work_us,state_bytes,sha256_ok,client_exit");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            PhaseTimes t = r.times();
            lines.add(String.join(",", Arrays.asList(Integer.toString(i + 1), Integer.toString(o.size()),
                    Integer.toString(o.at()), o.drain() ? "on" : "off", freezeName(o.freeze()), us(t.drain()),
                    us(t.freeze()), us(t.extract()), us(t.transfer()), us(t.recreate()), us(t.switchRoute()),
                    us(t.activate()), us(t.total()), us(t.work()), Integer.toString(t.stateSize()),
                    Boolean.toString(r.intact()), Integer.toString(r.clientExit()))));
        }
        Files.write(file, lines);
        return file;
    }
}
