package org.vanycast.soap.it;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.vanycast.soap.api.HandoffSettings;
import org.vanycast.soap.internal.TrackedConnection;
import org.vanycast.soap.internal.cxf.PerCallBenchmark;
import org.vanycast.soap.internal.state.HttpAppState;
import org.vanycast.soap.internal.state.HttpStateFormat;
import org.vanycast.soap.internal.state.ResponseProgress;

/**
 * The soap-adapter benchmark (not a test): size of the application state for the handoff
 * cases, on a real CXF/Jetty node over loopback; time per SOAP call with and without the
 * adapter; and the adapter's per-call work measured by JMH. Prints tables, writes CSV.
 *
 * <pre>mvn -B -o -pl soap-adapter -Pjmh verify [-Dbench.calls=5000] [-Dbench.quick=true]</pre>
 */
public final class SoapBench {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final PrintStream OUT = System.out;

    private SoapBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("results.dir", "results/soap"));
        Files.createDirectories(dir);
        boolean quick = Boolean.getBoolean("bench.quick");
        int calls = Integer.getInteger("bench.calls", quick ? 500 : 5000);
        stateSizes(dir);
        callLatency(dir, calls);
        perCall(dir, quick);
        OUT.println("CSV written to " + dir.toAbsolutePath());
    }

    // ---- application state sizes ------------------------------------------------------

    private static void stateSizes(Path dir) throws Exception {
        List<String[]> rows = new ArrayList<>();
        rows.add(size("idle keep-alive (after 1 SOAP call)", node -> {
            RawClient c = new RawClient(node.port());
            c.soap("whoAmI", "<caller>bench</caller>");
            return c;
        }, null));
        rows.add(size("idle keep-alive (after 100 SOAP calls)", node -> {
            RawClient c = new RawClient(node.port());
            for (int i = 0; i < 100; i++) {
                c.soap("whoAmI", "<caller>" + i + "</caller>");
            }
            return c;
        }, null));
        rows.add(size("mid-download 10 MB, Content-Length", node -> {
            RawClient c = new RawClient(node.port());
            c.get("/files/report.bin?size=" + (10 << 20));
            return c;
        }, HttpAppState.Kind.CONTINUE));
        rows.add(size("mid-download 10 MB, chunked", node -> {
            RawClient c = new RawClient(node.port());
            c.get("/files/report.bin?size=" + (10 << 20) + "&chunked=1");
            return c;
        }, HttpAppState.Kind.CONTINUE));
        rows.add(size("mid-SOAP getRange 3 MB response", node -> {
            RawClient c = new RawClient(node.port());
            c.sendSoap("getRange", "<name>big.doc</name><offset>0</offset><length>" + (3 << 20) + "</length>");
            return c;
        }, HttpAppState.Kind.CONTINUE));
        rows.add(size("request received, response not started (replay)", node -> {
            RawClient c = new RawClient(node.port());
            c.get("/files/late.bin?size=1024&hold=1");
            return c;
        }, HttpAppState.Kind.REPLAY));
        table("Application state per handed-off connection", new String[] {"case", "kind", "bytes"}, rows);
        csv(dir.resolve("state-size.csv"), new String[] {"case", "kind", "bytes"}, rows);
    }

    private interface Scenario {
        RawClient start(TestNode node) throws Exception;
    }

    private static String[] size(String name, Scenario scenario, HttpAppState.Kind midResponse) throws Exception {
        try (TestNode node = new TestNode("bench", 0, HandoffSettings.defaults());
                RawClient client = scenario.start(node)) {
            await(() -> node.connector.openConnections().size() == 1);
            SocketChannel ch = node.onlyConnection();
            await(() -> tracked(node, ch) != null);
            TrackedConnection t = tracked(node, ch);
            if (midResponse == HttpAppState.Kind.CONTINUE) {
                await(() -> {
                    ResponseProgress p = t.responseProgress();
                    return p != null && p.bodySent() > 0;
                });
            } else if (midResponse == HttpAppState.Kind.REPLAY) {
                await(() -> t.currentRequest() != null);
            }
            byte[] state = node.codec().capture(ch, TIMEOUT).orElseThrow();
            HttpAppState s = HttpStateFormat.decode(state);
            node.codec().resumeLocally(ch, state);
            return new String[] {name, s.kind().toString(), Integer.toString(state.length)};
        }
    }

    private static TrackedConnection tracked(TestNode node, SocketChannel ch) {
        try {
            return node.tracked(ch);
        } catch (IOException e) {
            return null;
        }
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("benchmark scenario did not reach its state in time");
            }
            Thread.onSpinWait();
        }
    }

    // ---- SOAP call latency over loopback -----------------------------------------------

    private static void callLatency(Path dir, int calls) throws Exception {
        try (TestNode plain = new TestNode("plain", 0, HandoffSettings.defaults(), false);
                TestNode vanycast = new TestNode("vanycast", 0, HandoffSettings.defaults(), true);
                RawClient pc = new RawClient(plain.port());
                RawClient vc = new RawClient(vanycast.port())) {
            for (int i = 0; i < Math.max(2000, calls / 2); i++) {
                pc.soap("whoAmI", "<caller>w</caller>");
                vc.soap("whoAmI", "<caller>w</caller>");
            }
            long[] p = new long[calls];
            long[] v = new long[calls];
            // Interleaved in rounds so drift on a shared machine hits both alike.
            int round = 250;
            for (int base = 0; base < calls; base += round) {
                for (int i = base; i < Math.min(calls, base + round); i++) {
                    p[i] = timeCall(pc);
                }
                for (int i = base; i < Math.min(calls, base + round); i++) {
                    v[i] = timeCall(vc);
                }
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(latencyRow("stock Jetty connector, no feature", p));
            rows.add(latencyRow("Vanycast connector + HandoffFeature", v));
            Arrays.sort(p);
            Arrays.sort(v);
            rows.add(new String[] {"difference (median)", Integer.toString(calls),
                    us(v[calls / 2] - p[calls / 2]), us(v[calls * 9 / 10] - p[calls * 9 / 10]), ""});
            String[] head = {"server", "calls", "median_us", "p90_us", "mean_us"};
            table("SOAP call round trip on one keep-alive loopback connection", head, rows);
            csv(dir.resolve("call-latency.csv"), head, rows);
        }
    }

    private static long timeCall(RawClient c) throws IOException {
        long t0 = System.nanoTime();
        c.soap("whoAmI", "<caller>b</caller>");
        return System.nanoTime() - t0;
    }

    private static String[] latencyRow(String name, long[] samples) {
        long[] s = samples.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0);
        return new String[] {name, Integer.toString(s.length), us(s[s.length / 2]), us(s[s.length * 9 / 10]),
                String.format(Locale.ROOT, "%.1f", mean / 1000)};
    }

    private static String us(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
    }

    // ---- per-call work by JMH ----------------------------------------------------------

    private static void perCall(Path dir, boolean quick) throws Exception {
        OptionsBuilder o = new OptionsBuilder();
        o.include(PerCallBenchmark.class.getName());
        if (quick) {
            o.warmupIterations(1).measurementIterations(2).warmupTime(TimeValue.milliseconds(300))
                    .measurementTime(TimeValue.milliseconds(300)).forks(1);
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        List<String[]> rows = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            rows.add(new String[] {name, String.format(Locale.ROOT, "%.3f", r.getPrimaryResult().getScore() / 1000),
                    String.format(Locale.ROOT, "%.3f", r.getPrimaryResult().getScoreError() / 1000)});
        }
        String[] head = {"work per SOAP call", "us", "error_us"};
        table("Adapter work per call (JMH, average time)", head, rows);
        csv(dir.resolve("per-call.csv"), head, rows);
    }

    // ---- output ------------------------------------------------------------------------

    private static void table(String title, String[] head, List<String[]> rows) {
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        OUT.println();
        OUT.println(title);
        StringBuilder sep = new StringBuilder();
        for (int i = 0; i < head.length; i++) {
            sep.append("|").append("-".repeat(w[i] + 2));
        }
        OUT.println(line(head, w));
        OUT.println(sep.append("|"));
        rows.forEach(r -> OUT.println(line(r, w)));
    }

    private static String line(String[] cells, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            b.append("| ").append(String.format("%-" + w[i] + "s", cells[i])).append(' ');
        }
        return b.append('|').toString();
    }

    private static void csv(Path file, String[] head, List<String[]> rows) throws IOException {
        StringBuilder b = new StringBuilder(String.join(",", head)).append('\n');
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                b.append(i == 0 ? "" : ",").append(r[i].contains(",") ? '"' + r[i] + '"' : r[i]);
            }
            b.append('\n');
        }
        Files.writeString(file, b);
    }
}
