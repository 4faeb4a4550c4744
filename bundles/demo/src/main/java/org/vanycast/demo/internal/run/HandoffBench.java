package org.vanycast.demo.internal.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.vanycast.testbed.TestbedConfig;

/**
 * {@code ./vanycast bench handoff}: the paper's Table I (phases for unshaped, 2, 1.5 and 1 Mbit/s
 * node links), Figure 12 (client-perceived handoff gap against the donor's waiting time, here
 * the drain timeout), Figure 14 (gap with and without return routability in advance over an
 * L_CS / L_SS grid) and the local handoff work with no emulated delay, on the namespaced
 * testbed with real node containers and untouched curl downloads from X. Every experiment
 * runs on a fresh testbed of its own. Prints tables, writes CSV + PNG (see {@link BenchReport}).
 */
public final class HandoffBench {
    static final String USAGE = "usage: vanycast bench handoff [--only table1|fig12|fig14|local] [--trials N]"
            + " [--warmup N] [--handoffs N] [--local-size-mb N] [--local-kbit N] [--out DIR]";
    static final int[] BANDWIDTHS = {0, 2000, 1500, 1000};
    static final int[] LATENCIES = {10, 20, 40, 80};
    /**
     * Donor waiting times of Figure 12 (the paper's 0-1000 ms, and 1500 where a 1 Mbit/s link has
     * drained); the node accepts no drain timeout of 0, so 1 ms stands for "no wait".
     */
    static final int[] WAITS = {1, 100, 200, 500, 1000, 1500};
    static final int[] FIG12_BANDWIDTHS = {2000, 1000};
    static final int FIG12_LATENCY = 10;
    /** Shaped links queue this long (ms of their rate) in the benchmark, not the testbed's deep 200 ms. */
    static final int QUEUE_MS = 5;
    /**
     * Shaped node links (Table I, Figure 12) queue more: with 5 ms the TLS channel's burst after
     * idle (a whole Init of queued data) loses packets at the shaper and crosses at half the rate.
     */
    static final int NODE_QUEUE_MS = 50;
    static final int FIG14_CLIENT_KBIT = 8000;
    /** Small send buffers: the donor's queue drains within a round trip or two. */
    static final String SMALL_WMEM = "4096 16384 65536";
    /**
     * Figure 12's send buffers: up to 128 kB, so a donor that does not wait hands over about the
     * paper's 90 kB of queued data (the kernel's 4 MB default lets it grow to 200 kB at 1 Mbit/s).
     */
    static final String FIG12_WMEM = "4096 16384 131072";
    static final long DOC_BYTES = 600 * 1024;
    /**
     * The local experiment shapes no link by default; {@code --local-kbit N} caps the client link
     * (no delay, a 2 ms queue) so the download does not keep both cores busy (curl, tcpdump, the
     * node's writer) while the handoffs' threads wait for a core: on the reported run (2026-12-07,
     * 20 warm-ups) freeze->live was 3.1 ms median uncapped and 1.23 ms capped at 40 Mbit/s.
     */
    static final int LOCAL_KBIT = 0;
    static final int LOCAL_BATCH = 10;
    /** Two load-report intervals (the nodes' default 1 s). */
    static final long REPORTS_SETTLE_MS = 2000;
    static final int REPOSITION_ATTEMPTS = 10;

    /** One measured handoff: which experiment, its parameters, and what was measured. */
    /** {@code freezeToLiveMicros}: donor's freeze to acceptor's live on the shared monotonic clock, -1 when unknown. */
    record Row(String experiment, int bandwidthKbit, int lcsMs, int lssMs, boolean rrInAdvance, int waitMs, int trial,
               boolean verified, Map<String, Long> phaseMicros, long stateBytes, double gapMillis, String problems,
               long freezeToLiveMicros) {
        Row(String experiment, int bandwidthKbit, int lcsMs, int lssMs, boolean rrInAdvance, int waitMs, int trial,
                boolean verified, Map<String, Long> phaseMicros, long stateBytes, double gapMillis, String problems) {
            this(experiment, bandwidthKbit, lcsMs, lssMs, rrInAdvance, waitMs, trial, verified, phaseMicros, stateBytes,
                    gapMillis, problems, -1);
        }
    }

    private final Path out;
    private final Path home;
    private final int trials;
    private final int warmup;
    private final int handoffs;
    private final long localBytes;
    private final int localKbit;
    private final PrintStream log;
    private final List<Row> rows = new ArrayList<>();
    /**
     * Figure 14: per latency point ("lcs,lss"), the median ping RTTs (ms) client-node1,
     * client-node2 and node1-node2 through the emulated WAN, measured between the trials.
     */
    private final Map<String, double[]> paths = new java.util.LinkedHashMap<>();
    private String holder = "node1";
    private long started;
    private Options opts;

    HandoffBench(Path out, Path home, int trials, int warmup, int handoffs, long localBytes, int localKbit, PrintStream log) {
        this.out = out;
        this.home = home;
        this.trials = trials;
        this.warmup = warmup;
        this.handoffs = handoffs;
        this.localBytes = localBytes;
        this.localKbit = localKbit;
        this.log = log;
    }

    public static int run(String[] args) {
        Preload.all();
        // and this command's own helpers (see Preload: a rebuild meanwhile must not break the report)
        List.of(BenchReport.class, BenchTables.class, BenchTables.Chart.class, Plots.Series.class, PhaseCsv.Merged.class)
                .forEach(Class::getName);
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("vanycast bench handoff: unexpected '" + args[i] + "'");
                System.err.println(USAGE);
                return 2;
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        HandoffBench b;
        List<String> only;
        try {
            int trials = bounded(opt.remove("trials"), 3, 1, 50, "--trials");
            int warmup = bounded(opt.remove("warmup"), 20, 0, 100, "--warmup");
            int handoffs = bounded(opt.remove("handoffs"), 30, 1, 200, "--handoffs");
            int localKbit = bounded(opt.remove("local-kbit"), LOCAL_KBIT, 0, 10_000_000, "--local-kbit");
            // long enough for warm-up + measured handoffs, spaced a few hundred ms apart
            long localMb = bounded(opt.remove("local-size-mb"), localKbit > 0 ? 30 : 200, 1, 2047, "--local-size-mb");
            String which = opt.getOrDefault("only", "all");
            opt.remove("only");
            List<String> all = List.of("table1", "fig12", "fig14", "local");
            if (!which.equals("all") && !all.contains(which)) {
                throw new IllegalArgumentException("--only must be table1, fig12, fig14 or local");
            }
            only = which.equals("all") ? all : List.of(which);
            Path home = Path.of(System.getProperty("vanycast.home", "."));
            Path out = Path.of(opt.getOrDefault("out", home.resolve("results/bench-handoff").toString())).toAbsolutePath();
            opt.remove("out");
            if (!opt.isEmpty()) {
                throw new IllegalArgumentException("unknown option --" + opt.keySet().iterator().next());
            }
            b = new HandoffBench(out, home, trials, warmup, handoffs, localMb * 1024 * 1024, localKbit, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("vanycast bench handoff: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        try {
            boolean ok = true;
            for (String e : only) {
                ok &= b.experiment(e, String.join(" ", args));
            }
            return ok ? 0 : 1;
        } catch (Exception e) {
            System.err.println("vanycast bench handoff: " + e);
            return 1;
        }
    }

    private static int bounded(String text, int dflt, int min, int max, String name) {
        int v;
        try {
            v = text == null ? dflt : Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max);
        }
        return v;
    }

    /** Runs one experiment on a fresh testbed and writes its report; @return whether every trial was verified. */
    boolean experiment(String name, String command) throws Exception {
        rows.clear();
        paths.clear();
        holder = "node1";
        started = System.nanoTime();
        boolean local = name.equals("local");
        // The client link is reshaped per experiment right after the bring-up; these only size the first one.
        Options o = new Options(2, List.of(), local ? localBytes : DOC_BYTES, local ? 100_000_000 : 1_000_000, 0, 0,
                out.resolve("runs/" + name), home, false);
        opts = o;
        log.printf("== bench handoff: %s (%s)%n", name, plan(name));
        DemoScenario s = new DemoScenario(o, log);
        try {
            s.start();
            switch (name) {
                case "table1" -> table1(s, o);
                case "fig12" -> fig12(s, o);
                case "fig14" -> fig14(s, o);
                default -> local(s, o);
            }
        } finally {
            s.close();
        }
        log.printf("== %s done after %d s%n", name, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        BenchReport.write(name, "./vanycast bench handoff " + command, plan(name), rows, paths, out, System.out);
        return rows.stream().allMatch(Row::verified);
    }

    private String plan(String name) {
        return switch (name) {
            case "table1" -> BANDWIDTHS.length + " node-link bandwidths x " + trials + " trials";
            case "fig12" -> FIG12_BANDWIDTHS.length + " bandwidths x " + WAITS.length + " waiting times x " + trials + " trials";
            case "fig14" -> "2 x " + 2 * LATENCIES.length + " latency points x " + trials + " trials";
            default -> warmup + " warm-up + " + handoffs + " measured handoffs, " + LOCAL_BATCH + " per "
                    + localBytes / (1024 * 1024) + " MiB download" + (localKbit > 0 ? ", client link capped at " + localKbit + " kbit/s" : ", no link shaped");
        };
    }

    /**
     * As in the paper's experiment the donor hands off right after its last write, without
     * waiting for the queue to drain (node2's drain timeout 1 ms, send buffers up to 128 kB): the
     * socket state carries the queued data across the shaped node link.
     */
    private void table1(DemoScenario s, Options o) throws Exception {
        sendBuffers(s, FIG12_WMEM);
        String id = s.testbed().config().id();
        node(s, "node2").coreConfig("drain.timeout.ms", "1", 60_000);
        awaitMembers(s, 2, 60_000);
        // the paper's Table I: no emulated delay, the node links shaped; the client link capped
        // too, or an unshaped download is over before the handoff starts
        s.testbed().reconfigure(wan(id, o, 0, 0, FIG14_CLIENT_KBIT, 0));
        trial(s, "table1-warmup", 0, 0, 0, true, 1, 0, "node2");
        for (int bw : BANDWIDTHS) {
            s.testbed().reconfigure(wan(id, o, 0, 0, FIG14_CLIENT_KBIT, bw));
            for (int t = 0; t < trials; t++) {
                trial(s, "table1", bw, 0, 0, true, 1, t, "node2");
            }
        }
    }

    private static NodeContainer node(DemoScenario s, String name) {
        return s.nodes().stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
    }

    /**
     * The donor's waiting time is its drain timeout: it freezes the socket when the client has
     * acknowledged everything or when the timeout ends, whichever is first. Only node2's timeout
     * is swept (node1 is the contact node: re-creating its component would move X), so every
     * measured download starts on node2 (see {@link #trial}) and is handed to node1.
     * Send buffers of up to 128 kB: the socket holds about as much unacknowledged data as the paper's.
     */
    private void fig12(DemoScenario s, Options o) throws Exception {
        sendBuffers(s, FIG12_WMEM);
        String id = s.testbed().config().id();
        NodeContainer node2 = node(s, "node2");
        for (int wait : WAITS) {
            node2.coreConfig("drain.timeout.ms", Integer.toString(wait), 60_000);
            awaitMembers(s, 2, 60_000);
            log.printf("node2 rejoined with drain.timeout.ms = %d%n", wait);
            for (int bw : FIG12_BANDWIDTHS) {
                s.testbed().reconfigure(wan(id, o, FIG12_LATENCY, FIG12_LATENCY, 0, bw));
                for (int t = 0; t < trials; t++) {
                    trial(s, "fig12", bw, FIG12_LATENCY, FIG12_LATENCY, true, wait, t, "node2");
                }
            }
        }
    }

    /** Warm-up trials before Figure 14's first point (one before the second pass, on warm nodes). */
    static final int FIG14_FIRST_WARMUPS = 20;

    private void fig14(DemoScenario s, Options o) throws Exception {
        sendBuffers(s, SMALL_WMEM);
        String id = s.testbed().config().id();
        boolean freshNodes = true;
        for (boolean rr : new boolean[] {true, false}) {
            for (NodeContainer n : s.nodes()) {
                n.rrInAdvance(rr, 30_000);
            }
            s.testbed().reconfigure(wan(id, o, 40, 20, FIG14_CLIENT_KBIT, 0));
            // fresh nodes compile the handoff code during its first real runs (activate took
            // 2-4.7 ms in half of the first point's trials after a single warm-up trial)
            int warmups = freshNodes ? FIG14_FIRST_WARMUPS : 1;
            freshNodes = false;
            for (int w = 0; w < warmups; w++) {
                trial(s, "fig14-warmup", 0, 40, 20, rr, -1, w, null);
            }
            for (int lcs : LATENCIES) {
                s.testbed().reconfigure(wan(id, o, lcs, 20, FIG14_CLIENT_KBIT, 0));
                measurePaths(s, lcs, 20);
                for (int t = 0; t < trials; t++) {
                    trial(s, "fig14-lcs", 0, lcs, 20, rr, -1, t, null);
                }
            }
            for (int lss : LATENCIES) {
                s.testbed().reconfigure(wan(id, o, 40, lss, FIG14_CLIENT_KBIT, 0));
                measurePaths(s, 40, lss);
                for (int t = 0; t < trials; t++) {
                    trial(s, "fig14-lss", 0, 40, lss, rr, -1, t, null);
                }
            }
        }
    }

    /**
     * The emulated WAN adds its own delay to every delayed hop (user-space NFQUEUE release,
     * KERNEL-NOTES: +0.3-0.7 ms one way at light load): ping the three paths a handoff's gap
     * crosses (client -> donor, donor -> acceptor, acceptor -> client), once per latency point
     * (idle testbed, between trials), so the report can tell the network's share of the gap from
     * the nodes'. Trials hand node1 -> node2.
     */
    private void measurePaths(DemoScenario s, int lcs, int lss) throws Exception {
        String key = lcs + "," + lss;
        if (paths.containsKey(key)) {
            return; // the same point in the second pass (RR at Init): same links, same settings
        }
        org.vanycast.testbed.Testbed tb = s.testbed();
        int wait = 2 * Math.max(lcs, lss) + 300;
        double[] rtt = new double[3];
        String[][] pairs = {{"client", "node1"}, {"client", "node2"}, {"node1", "node2"}};
        for (int i = 0; i < pairs.length; i++) {
            List<Double> v = new ArrayList<>(org.vanycast.testbed.PingMeter.measure(tb.topology(), pairs[i][0],
                    tb.address(pairs[i][1]), 10, 20, wait));
            v.sort(Double::compare);
            rtt[i] = BenchReport.median(v); // -1 when no echo came back
        }
        paths.put(key, rtt);
        log.printf(Locale.ROOT, "[%4d s] paths at L_CS=%d L_SS=%d: ping RTT client-node1 %.2f, client-node2 %.2f,"
                + " node1-node2 %.2f ms%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), lcs, lss, rtt[0],
                rtt[1], rtt[2]);
    }

    /**
     * No emulated delay and no shaping on any link: one long download handed back and forth
     * between node1 and node2, the first {@code warmup} handoffs (JIT, first TLS records,
     * first repair-mode sockets) not counted.
     */
    private void local(DemoScenario s, Options o) throws Exception {
        sendBuffers(s, SMALL_WMEM);
        TestbedConfig cfg = new TestbedConfig(s.testbed().config().id(), o.nodes(), Map.of(), Map.of(), false);
        if (localKbit > 0) {
            cfg = cfg.withBandwidth("client", localKbit).withQueue("client", 2);
        }
        s.testbed().reconfigure(cfg);
        if (warmup > 0) {
            localDownload(s, warmup, "local-warmup", 0);
        }
        // Measured in downloads of LOCAL_BATCH handoffs each: a download that fails (a reset) costs
        // one batch, not the whole run; such a batch is reported and replaced, a few times at most.
        int measured = 0;
        for (int attempt = 0; measured < handoffs && attempt < handoffs / LOCAL_BATCH + 3; attempt++) {
            List<Row> got = localDownload(s, Math.min(LOCAL_BATCH, handoffs - measured), "local", attempt + 1);
            if (got.stream().allMatch(Row::verified)) {
                measured += got.size();
            }
        }
    }

    /** One download handed back and forth {@code n} times; every handoff is a row (trial = its index in the batch). */
    private List<Row> localDownload(DemoScenario s, int n, String experiment, int batch) throws Exception {
        List<String> chain = new ArrayList<>();
        String at = holder;
        for (int i = 0; i < n; i++) {
            at = at.equals("node1") ? "node2" : "node1";
            chain.add(at);
        }
        Path dir = out.resolve("trials/local-" + batch);
        List<Row> got = download(s, chain, dir, experiment, 0, 0, 0, true, -1, null);
        rows.addAll(got);
        boolean ok = got.stream().allMatch(Row::verified);
        log.printf(Locale.ROOT, "[%4d s] %s batch %d: %d handoffs, %s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime()
                - started), experiment, batch, got.size(), ok ? "verified" : "NOT verified (" + got.get(0).problems() + ")");
        discardCheckedDownload(dir, ok);
        return got;
    }

    /**
     * A local batch's download of tens of MB, and its capture once the batch verified (the gaps
     * are in the rows), are not worth keeping: 1.4 GB per 300 handoffs otherwise; nor are those
     * of the downloads that only move the client to a trial's donor. A download that failed
     * keeps its capture for a look at what went wrong.
     */
    static void discardCheckedDownload(Path dir, boolean verified) throws IOException {
        Files.deleteIfExists(dir.resolve(DemoScenario.DOCUMENT));
        if (verified) {
            Files.deleteIfExists(dir.resolve("client.pcap"));
        }
    }

    /**
     * One download from the current holder with one handoff to the other node. With
     * {@code measuredDonor} set and the holder being someone else, first a short download on fast
     * links (not counted) hands the client's binding to that node, so that the measured download
     * starts there on a fresh socket: a re-created socket keeps the send buffer its restore forced,
     * not the namespace's tcp_wmem.
     */
    private void trial(DemoScenario s, String experiment, int bw, int lcs, int lss, boolean rr, int wait, int t,
                       String measuredDonor) throws Exception {
        if (measuredDonor != null && !holder.equals(measuredDonor)) {
            reposition(s, measuredDonor, t);
        }
        List<String> chain = List.of(holder.equals("node1") ? "node2" : "node1");
        Path dir = out.resolve("trials/" + experiment + "-bw" + bw + "-lcs" + lcs + "-lss" + lss + "-rr" + rr
                + (wait >= 0 ? "-wait" + wait : "") + "-" + t);
        List<Row> got = download(s, chain, dir, experiment, bw, lcs, lss, rr, wait, measuredDonor);
        Row r = got.isEmpty() ? null : got.get(got.size() - 1);
        if (r == null) {
            r = new Row(experiment, bw, lcs, lss, rr, wait, t, false, Map.of(), -1, -1, "no handoff measured");
        }
        r = new Row(r.experiment(), bw, lcs, lss, rr, wait, t, r.verified(), r.phaseMicros(), r.stateBytes(),
                r.gapMillis(), r.problems(), r.freezeToLiveMicros());
        rows.add(r);
        // the capture stays: tools/fig14-capture.py and tshark read it; the checked download does not
        Files.deleteIfExists(dir.resolve(DemoScenario.DOCUMENT));
        log.printf(Locale.ROOT, "[%4d s] %s bw=%d L_CS=%d L_SS=%d rr=%s%s #%d: %s, gap %.1f ms, state %d B%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), experiment, bw, lcs, lss, rr,
                wait >= 0 ? " wait=" + wait : "", t,
                r.verified() ? "verified" : "NOT verified (" + r.problems() + ")", r.gapMillis(), r.stateBytes());
    }

    /**
     * Moves the client's binding to {@code node} with one handoff in a download on unshaped node
     * links; tries again (up to {@link #REPOSITION_ATTEMPTS} times) while the holder does not know
     * {@code node}'s channel address yet, right after a member rejoined.
     */
    private void reposition(DemoScenario s, String node, int t) throws Exception {
        TestbedConfig now = s.testbed().config();
        s.testbed().reconfigure(wan(now.id(), opts, 0, 0, FIG14_CLIENT_KBIT, 0));
        try {
            DemoResult r = null;
            for (int attempt = 1; attempt <= REPOSITION_ATTEMPTS; attempt++) {
                Path dir = out.resolve("trials/reposition-" + node + "-" + t + (attempt > 1 ? "-" + attempt : ""));
                r = s.download(holder, List.of(node), dir);
                discardCheckedDownload(dir, r.verified());
                boolean moved = !r.handoffs().isEmpty() && r.handoffs().get(0).completed();
                if (moved || !r.problems().toString().contains("no channel address known")) {
                    break;
                }
                log.printf("(%s does not know %s's channel address yet: trying again)%n", holder, node);
                TimeUnit.MILLISECONDS.sleep(REPORTS_SETTLE_MS / 4);
            }
            if (r.handoffs().isEmpty() || !r.handoffs().get(0).completed()) {
                throw new IOException("could not move the client to " + node + ": " + r.problems());
            }
            if (!r.verified()) {
                log.printf("(the download that moved the client to %s was not verified: %s)%n", node, r.problems());
            }
            holder = node;
        } finally {
            s.testbed().reconfigure(now);
        }
    }

    /** Runs one download along {@code chain}; one row per completed handoff (trial = its index), verdict of the download. */
    private List<Row> download(DemoScenario s, List<String> chain, Path dir, String experiment, int bw, int lcs, int lss,
                               boolean rr, int wait, String measuredDonor) throws Exception {
        List<Path> csvs = s.nodes().stream().map(NodeContainer::handoffCsv).toList();
        Set<String> before = new HashSet<>();
        PhaseCsv.handoffs(PhaseCsv.read(csvs), -1).forEach(h -> before.add(h.id()));
        DemoResult r = s.download(holder, chain, dir);
        List<PhaseCsv.Merged> mine = new ArrayList<>(PhaseCsv.handoffs(PhaseCsv.read(csvs), -1).stream()
                .filter(h -> !before.contains(h.id())).toList());
        List<Row> out = new ArrayList<>();
        String problems = String.join("; ", r.problems());
        for (int i = 0; i < r.handoffs().size(); i++) {
            DemoResult.Handoff h = r.handoffs().get(i);
            if (h.completed()) {
                holder = h.acceptor();
            }
            PhaseCsv.Merged m = next(mine, h.donor(), h.acceptor());
            if (!h.completed() || measuredDonor != null && !h.donor().equals(measuredDonor)) {
                continue;
            }
            out.add(new Row(experiment, bw, lcs, lss, rr, wait, i, r.verified(),
                    m == null ? h.phaseMicros() : m.phaseMicros(), m == null ? -1 : m.socketStateBytes(), h.gapMillis(),
                    problems, m == null ? -1 : m.freezeToLiveMicros()));
        }
        if (out.isEmpty()) {
            out.add(new Row(experiment, bw, lcs, lss, rr, wait, 0, false, Map.of(), -1, -1,
                    problems.isEmpty() ? "no completed handoff" : problems));
        }
        return out;
    }

    /** Takes the first of {@code merged} between these two nodes (the node CSVs list handoffs in order). */
    private static PhaseCsv.Merged next(List<PhaseCsv.Merged> merged, String donor, String acceptor) {
        for (int i = 0; i < merged.size(); i++) {
            if (donor.equals(merged.get(i).donor()) && acceptor.equals(merged.get(i).acceptor())) {
                return merged.remove(i);
            }
        }
        return null;
    }

    /**
     * L_CS one way between the client and every node (half of it to the home agent and half
     * beyond), L_SS between nodes; a shaped client link keeps a queue of {@link #QUEUE_MS},
     * shaped node links one of {@link #NODE_QUEUE_MS} (0 kbit/s = unshaped).
     */
    static TestbedConfig wan(String id, Options o, int lcs, int lss, int clientKbit, int nodeKbit) {
        TestbedConfig cfg = new TestbedConfig(id, o.nodes(), Map.of(), Map.of(), false)
                .withLatency("client-ha", lcs / 2.0).withQueue("client", QUEUE_MS);
        if (clientKbit > 0) {
            cfg = cfg.withBandwidth("client", clientKbit);
        }
        for (int i = 1; i <= o.nodes(); i++) {
            cfg = cfg.withLatency("client-node" + i, lcs).withLatency("ha-node" + i, lcs / 2.0)
                    .withQueue("node" + i, NODE_QUEUE_MS);
            if (nodeKbit > 0) {
                cfg = cfg.withBandwidth("node" + i, nodeKbit);
            }
            for (int j = i + 1; j <= o.nodes(); j++) {
                cfg = cfg.withLatency("node" + i + "-node" + j, lss);
            }
        }
        return cfg;
    }

    /**
     * Sets the nodes' TCP send buffers (min, default, max bytes); {@code tcp_wmem} is per namespace and
     * applies to IPv6 too. A connection's buffer may grow to the maximum in force when it
     * grows, so the next download follows the new setting.
     */
    private static void sendBuffers(DemoScenario s, String wmem) throws IOException, InterruptedException {
        for (NodeContainer n : s.nodes()) {
            String setting = "net.ipv4.tcp_wmem=" + wmem;
            Proc.Result r = Proc.inNs(s.testbed().ns(n.name), 5000, "sysctl", "-q", "-w", setting);
            if (r.exit() != 0) {
                throw new IOException("sysctl " + setting + " in " + n.name + ": " + r.output().strip());
            }
        }
    }

    /** Waits until both ends count {@code members} (after a node re-created its component). */
    private static void awaitMembers(DemoScenario s, int members, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (NodeContainer n : s.nodes()) {
                try {
                    last = NodeContainer.control(s.testbed(), n.name, "status");
                } catch (Exception e) {
                    last = n.name + ": " + e.getMessage();
                }
                all &= last.contains("members=" + members);
            }
            if (all) {
                // a member learns another's channel address from its load reports (every second):
                // a handoff right after the view change can find none yet
                TimeUnit.MILLISECONDS.sleep(REPORTS_SETTLE_MS);
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IOException("the group did not count " + members + " members again: " + last);
    }
}
