package org.vanycast.demo.internal.run;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.vanycast.testbed.Agents;
import org.vanycast.testbed.Capture;
import org.vanycast.testbed.Testbed;
import org.vanycast.testbed.TestbedConfig;
import org.vanycast.testbed.Topology;

/**
 * The end-to-end run: testbed (client, router with WAN latency, home agent with the ha-agent,
 * nodes), cn-agent on the client, one real node container per node, an untouched {@code curl}
 * on the client downloading from [X]:8080, operator handoffs along the acceptor chain at
 * evenly spaced points of the download, then (with {@link Options#failover()}) the contact
 * node's graceful leave and the next contact node's failure ({@link ContactFailover}), and the
 * verification (checksum, curl status, resets on the client's wire, the client's binding,
 * phase times, client-perceived gaps, the group events). Everything it created is removed when
 * it returns, even on failure.
 */
final class DemoScenario {
    static {
        // Loaded before the run like the classes Preload lists: a build meanwhile rewrites the jars.
        List.of(Download.class, Mark.class, ContactFailover.class, EventPlot.class, DemoResult.Event.class).size();
    }

    static final String DOCUMENT = "demo.bin";
    final Options o;
    final PrintStream log;

    DemoScenario(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    ContainerBed bed;
    Testbed tb;
    Agents agents;
    private String sha;

    /**
     * Builds the testbed, runs one download along {@code o.acceptors()} from node1 (then the
     * contact leave and failover, if asked), removes everything.
     */
    DemoResult run() throws Exception {
        try {
            start();
            return o.failover() ? new ContactFailover(this).download("node1", o.acceptors(), o.out())
                    : download("node1", o.acceptors(), o.leaveAtEnd(), o.out());
        } finally {
            close();
        }
    }

    /** Testbed, agents, CA and the node containers; node1 is the contact node when it returns. */
    void start() throws Exception {
        String id = "d" + ProcessHandle.current().pid() % 10_000_000;
        Files.createDirectories(o.out());
        log.printf("testbed %s: client, router (client link %.0f ms one way, %d kbit/s; node links %.0f ms), ha, %d nodes%n",
                id, o.clientMs(), o.rateBytes() * 8 / 1000, o.nodeMs(), o.nodes());
        bed = ContainerBed.start(ContainerBed.spec(baseConfig(id, o), o.repository()).logs(o.out().resolve("logs")).log(log)
                // every other node holds the home-agent association, so whichever becomes contact can register X
                .coreConfig("backups", Integer.toString(Math.max(1, o.nodes() - 1)))
                // e.g. -Dorg.slf4j.simpleLogger.log.org.vanycast.soap=debug for a closer look at a node
                .javaOptionsAll(System.getProperty("vanycast.demo.node.java.options", "")));
        tb = bed.testbed();
        agents = bed.agents();
        sha = bed.document(DOCUMENT, o.sizeBytes());
        bed.document(ContactFailover.NEW_CLIENT_DOCUMENT, ContactFailover.NEW_CLIENT_BYTES);
    }

    /** The demo's WAN: the client's link is shaped (not curl), so the client reads at full speed and its window stays open. */
    static TestbedConfig baseConfig(String id, Options o) {
        return ContainerBed.wan(id, o.nodes(), o.clientMs(), (int) (o.rateBytes() * 8 / 1000), o.nodeMs());
    }

    Testbed testbed() {
        return tb;
    }

    List<NodeContainer> nodes() {
        return bed.nodes();
    }

    /** Stops the containers, copies their logs and handoff CSVs to the results, removes the testbed. */
    void close() {
        if (bed != null) {
            bed.close();
            bed = null;
            tb = null;
        }
    }

    /**
     * One untouched curl download from X; the connection, first served by {@code firstDonor}
     * (the node the client's traffic to X reaches now), is handed along {@code acceptors}.
     */
    DemoResult download(String firstDonor, List<String> acceptors, Path out) throws Exception {
        return download(firstDonor, acceptors, false, out);
    }

    /** As above; with {@code leaveAtEnd} the last holder then leaves the group gracefully, handing the client on. */
    DemoResult download(String firstDonor, List<String> acceptors, boolean leaveAtEnd, Path out) throws Exception {
        Download d = begin(firstDonor, out);
        try {
            int parts = acceptors.size() + (leaveAtEnd ? 2 : 1);
            for (int i = 0; i < acceptors.size() && d.problems.isEmpty(); i++) {
                handoff(d, acceptors.get(i), o.sizeBytes() * (i + 1) / parts);
            }
            if (leaveAtEnd && d.problems.isEmpty()) {
                leaveHolder(d, o.sizeBytes() * (acceptors.size() + 1) / parts);
            }
        } finally {
            awaitCurl(d);
        }
        return finish(d);
    }

    /** One download in progress: the untouched curl, its capture, and what happened to it so far. */
    final class Download {
        final Path out;
        final Path received;
        final Capture capture;
        final Process curl;
        final List<DemoResult.Handoff> handoffs = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final List<Mark> marks = new ArrayList<>();
        /** The node serving the client now. */
        String holder;
        int clientPort = -1;
        /** The new client's connection (port on the client), once it ran. */
        int newClientPort = -1;

        private Download(Path out, String holder) throws Exception {
            this.out = out;
            this.holder = holder;
            this.received = out.resolve(DOCUMENT);
            this.capture = Capture.start(tb.ns("client"), "eth0", out.resolve("client.pcap"));
            // the link as the testbed shapes it now: a bench reconfigures it after the demo's start
            int kbit = tb.config().bandwidthKbit().getOrDefault("client", 0);
            log.printf("client: curl %s (%d bytes; %s)%n", bed.url(DOCUMENT), o.sizeBytes(),
                    kbit > 0 ? "client link shaped to " + kbit + " kbit/s" : "client link not shaped");
            this.curl = bed.curl(out, List.of(DOCUMENT), 300);
        }

        long bytes() {
            try {
                return Files.exists(received) ? Files.size(received) : 0;
            } catch (IOException e) {
                return 0;
            }
        }

        /** Records an event that started at wall-clock {@code wallNanos} (placed on the client's timeline later). */
        void mark(String kind, String node, long atBytes, long wallNanos, double millis, boolean ok, String detail) {
            marks.add(new Mark(kind, node, atBytes, wallNanos, millis, ok, detail));
        }
    }

    /** An event with its wall-clock start, before the capture gives the timeline's origin. */
    record Mark(String kind, String node, long atBytes, long wallNanos, double millis, boolean ok, String detail) {
    }

    /** Wall-clock nanoseconds since the epoch, the capture's clock. */
    static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    Download begin(String firstDonor, Path out) throws Exception {
        Files.createDirectories(out);
        return new Download(out, firstDonor);
    }

    /** Waits until the download has {@code bytes}; false (and a problem noted) when it ended before. */
    boolean reach(Download d, long bytes, String what) throws IOException, InterruptedException {
        if (awaitBytes(d.received, bytes, d.curl)) {
            return true;
        }
        d.problems.add("download ended before " + bytes + " bytes: " + what + " did not happen");
        return false;
    }

    /** At {@code atBytes}, asks the holder to hand the client's connection to {@code acceptor}. */
    boolean handoff(Download d, String acceptor, long atBytes) throws Exception {
        String donor = d.holder;
        if (!reach(d, atBytes, "no handoff " + donor + " -> " + acceptor)) {
            return false;
        }
        if (d.clientPort < 0) {
            d.clientPort = clientPort();
        }
        long t = System.nanoTime();
        long at = d.bytes();
        String reply = bed.handoff(donor, d.clientPort, acceptor);
        boolean ok = reply.startsWith("ok ");
        log.printf("handoff %s -> %s at %d bytes: %s (%d ms)%n", donor, acceptor, at, ok ? "done" : reply, ms(t));
        d.handoffs.add(new DemoResult.Handoff(donor, acceptor, atBytes, ok, ok ? "COMPLETED" : "FAILED", Map.of(), -1, reply));
        if (!ok) {
            d.problems.add("handoff " + donor + " -> " + acceptor + ": " + reply);
            return false;
        }
        d.holder = acceptor;
        return true;
    }

    /** At {@code atBytes}, the node serving the client leaves the group gracefully; its client moves on. */
    void leaveHolder(Download d, long atBytes) throws Exception {
        String donor = d.holder;
        if (!reach(d, atBytes, donor + " leaving")) {
            return;
        }
        long t = System.nanoTime();
        String reply = bed.control(donor, "leave");
        boolean ok = reply.startsWith("ok ");
        String holder = ok ? clientHolder(donor) : "";
        log.printf("%s leaves the group at %d bytes: %s (%d ms)%n", donor, d.bytes(),
                ok ? "its client went to " + holder : reply, ms(t));
        d.handoffs.add(new DemoResult.Handoff(donor, holder, atBytes, ok && !holder.isEmpty(), ok ? "COMPLETED" : "FAILED",
                Map.of(), -1, "graceful leave: " + reply));
        if (!ok || holder.isEmpty()) {
            d.problems.add("graceful leave of " + donor + ": " + reply);
        } else {
            d.holder = holder;
        }
    }

    void awaitCurl(Download d) throws InterruptedException {
        if (d.curl.isAlive() && !d.curl.waitFor(o.sizeBytes() / o.rateBytes() * 3 + 60, TimeUnit.SECONDS)) {
            d.curl.destroyForcibly();
            d.problems.add("curl did not finish");
        }
    }

    /** Waits for curl, then checks everything and reads the phases, gaps and events from the nodes and the capture. */
    DemoResult finish(Download d) throws Exception {
        awaitCurl(d);
        Inet6Address x = tb.logicalAddress();
        List<String> problems = d.problems;
        int exit = d.curl.isAlive() ? -1 : d.curl.exitValue();
        String got = Files.exists(d.received) ? ContainerBed.sha256(d.received) : "";
        if (exit != 0) {
            problems.add("curl exit status " + exit + ": " + Files.readString(d.out.resolve("curl.log")).strip());
        }
        if (!sha.equals(got)) {
            problems.add("checksum differs: expected " + sha + ", received " + got);
        }
        Inet6Address b = agents.cnAgent().bindings().get(x);
        String binding = b == null ? "" : Topology.str(b);
        // After a completed handoff the client's binding names the node serving it now; without
        // one the binding is whatever an earlier download left (none on a fresh testbed).
        boolean moved = d.handoffs.stream().anyMatch(DemoResult.Handoff::completed);
        String expectedCareOf = moved ? Topology.str(tb.address(d.holder)) : binding;
        if (!binding.equals(expectedCareOf)) {
            problems.add("client binding for X is '" + binding + "', expected '" + expectedCareOf + "' (" + d.holder + ")");
        }
        List<Capture.Frame> frames = d.capture.frames();
        ClientTrace trace = ClientTrace.of(frames, NodeContainer.HTTP_PORT, Math.max(0, d.clientPort));
        if (trace.resets > 0) {
            problems.add(trace.resets + " TCP resets on the client's wire");
        }
        Map<Inet6Address, String> names = new HashMap<>();
        names.put(x, "node1 via home agent");
        for (NodeContainer n : bed.nodes()) {
            names.put(tb.address(n.name), n.name);
        }
        List<Map<String, String>> rows = PhaseCsv.read(bed.nodes().stream().map(NodeContainer::handoffCsv).toList());
        List<ClientTrace.Switch> switches = trace.switches();
        List<DemoResult.Handoff> full = new ArrayList<>();
        for (int i = 0; i < d.handoffs.size(); i++) {
            DemoResult.Handoff h = d.handoffs.get(i);
            double gap = i < switches.size() ? switches.get(i).gapMillis() : -1;
            if (h.completed() && i >= switches.size()) {
                problems.add("the client never saw data from " + h.acceptor());
            }
            full.add(new DemoResult.Handoff(h.donor(), h.acceptor(), h.atBytes(), h.completed(),
                    PhaseCsv.outcome(rows, h.donor(), h.acceptor(), d.clientPort),
                    PhaseCsv.merged(rows, h.donor(), h.acceptor(), d.clientPort), gap, h.detail()));
        }
        Map<String, Long> bySender = new LinkedHashMap<>();
        trace.bytesBySource().forEach((a, n) -> bySender.put(names.getOrDefault(a, Topology.str(a)), n));
        long t0 = trace.segments.isEmpty() ? 0 : trace.segments.get(0).nanos();
        List<DemoResult.Event> events = new ArrayList<>();
        for (Mark m : d.marks) {
            Mark e = m.kind().equals(DemoResult.Event.NEW_CLIENT) ? ContactFailover.answered(m, d.newClientPort, frames, names, x) : m;
            if (e.kind().equals(DemoResult.Event.NEW_CLIENT) && !e.ok()) {
                problems.add("new client: " + e.detail());
            }
            events.add(new DemoResult.Event(e.kind(), e.node(), e.atBytes(), t0 == 0 ? -1 : (e.wallNanos() - t0) / 1e6,
                    e.millis(), e.ok(), e.detail()));
        }
        return new DemoResult(full, exit, sha, got, trace.resets, trace.retransmissions, binding, expectedCareOf, bySender,
                timeline(trace, names), events, problems);
    }

    private static List<DemoResult.Sample> timeline(ClientTrace trace, Map<Inet6Address, String> names) {
        List<DemoResult.Sample> out = new ArrayList<>();
        if (trace.segments.isEmpty()) {
            return out;
        }
        long t0 = trace.segments.get(0).nanos();
        long total = 0;
        for (ClientTrace.Segment s : trace.segments) {
            total += s.bytes();
            out.add(new DemoResult.Sample((s.nanos() - t0) / 1e6, total,
                    names.getOrDefault(s.source(), Topology.str(s.source()))));
        }
        return out;
    }

    /**
     * The node other than {@code previous} that the client's binding for X points to, waiting a
     * little for the cn-agent to take the Binding Update ("" when it does not within 5 s).
     */
    String clientHolder(String previous) throws InterruptedException {
        Inet6Address x = tb.logicalAddress();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            Inet6Address b = agents.cnAgent().bindings().get(x);
            for (NodeContainer n : bed.nodes()) {
                if (!n.name.equals(previous) && tb.address(n.name).equals(b)) {
                    return n.name;
                }
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return "";
    }

    private static boolean awaitBytes(Path file, long bytes, Process curl) throws IOException, InterruptedException {
        while (true) {
            if (Files.exists(file) && Files.size(file) >= bytes) {
                return true;
            }
            if (!curl.isAlive()) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    int clientPort() throws IOException, InterruptedException {
        List<Integer> ports = bed.clientPorts();
        if (ports.isEmpty()) {
            throw new IOException("the client's connection to X is not established");
        }
        return ports.get(0);
    }

    private static long ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
