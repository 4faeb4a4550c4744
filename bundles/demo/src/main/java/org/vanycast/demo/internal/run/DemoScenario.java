package org.vanycast.demo.internal.run;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * evenly spaced points of the download, and the verification (checksum, curl status, resets
 * on the client's wire, the client's binding, phase times, client-perceived gaps).
 * Everything it created is removed when it returns, even on failure.
 */
final class DemoScenario {
    private final Options o;
    private final PrintStream log;

    DemoScenario(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    private ContainerBed bed;
    private Testbed tb;
    private Agents agents;
    private String sha;

    /** Builds the testbed, runs one download along {@code o.acceptors()} from node1, removes everything. */
    DemoResult run() throws Exception {
        try {
            start();
            return download("node1", o.acceptors(), o.leaveAtEnd(), o.out());
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
                // e.g. -Dorg.slf4j.simpleLogger.log.org.vanycast.soap=debug for a closer look at a node
                .javaOptionsAll(System.getProperty("vanycast.demo.node.java.options", "")));
        tb = bed.testbed();
        agents = bed.agents();
        sha = bed.document("demo.bin", o.sizeBytes());
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
        Files.createDirectories(out);
        Inet6Address x = tb.logicalAddress();
        Path received = out.resolve("received.bin");
        Files.deleteIfExists(received);
        Capture capture = Capture.start(tb.ns("client"), "eth0", out.resolve("client.pcap"));
        String url = "http://[" + Topology.str(x) + "]:" + NodeContainer.HTTP_PORT + "/content/demo.bin";
        log.printf("client: curl %s (%d bytes; client link shaped to %d kbit/s)%n", url, o.sizeBytes(),
                o.rateBytes() * 8 / 1000);
        Process curl = new ProcessBuilder("ip", "netns", "exec", tb.ns("client"), "curl", "-g", "-sS", "--max-time", "300",
                "-o", received.toString(), url)
                .redirectErrorStream(true).redirectOutput(out.resolve("curl.log").toFile()).start();
        List<DemoResult.Handoff> handoffs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int clientPort = -1;
        String donor = firstDonor;
        try {
            for (int i = 0; i < acceptors.size(); i++) {
                long at = o.sizeBytes() * (i + 1) / (acceptors.size() + (leaveAtEnd ? 2 : 1));
                if (!awaitBytes(received, at, curl)) {
                    problems.add("download ended before " + at + " bytes: no handoff " + donor + " -> " + acceptors.get(i));
                    break;
                }
                if (clientPort < 0) {
                    clientPort = clientPort();
                }
                String acceptor = acceptors.get(i);
                long t = System.nanoTime();
                String reply = bed.control(donor, "handoff [" + Topology.str(tb.address("client")) + "]:"
                        + clientPort + " " + acceptor);
                boolean ok = reply.startsWith("ok ");
                log.printf("handoff %s -> %s at %d bytes: %s (%d ms)%n", donor, acceptor, Files.size(received),
                        ok ? "done" : reply, ms(t));
                handoffs.add(new DemoResult.Handoff(donor, acceptor, at, ok, ok ? "COMPLETED" : "FAILED", Map.of(), -1,
                        reply));
                if (!ok) {
                    problems.add("handoff " + donor + " -> " + acceptor + ": " + reply);
                    break;
                }
                donor = acceptor;
            }
            if (leaveAtEnd && problems.isEmpty()) {
                long at = o.sizeBytes() * (acceptors.size() + 1) / (acceptors.size() + 2);
                if (!awaitBytes(received, at, curl)) {
                    problems.add("download ended before " + at + " bytes: " + donor + " did not leave");
                } else {
                    long t = System.nanoTime();
                    String reply = bed.control(donor, "leave");
                    boolean ok = reply.startsWith("ok ");
                    String holder = ok ? holder(x) : "";
                    log.printf("%s leaves the group at %d bytes: %s (%d ms)%n", donor, Files.size(received),
                            ok ? "its client went to " + holder : reply, ms(t));
                    handoffs.add(new DemoResult.Handoff(donor, holder, at, ok && !holder.isEmpty(), ok ? "COMPLETED" : "FAILED",
                            Map.of(), -1, "graceful leave: " + reply));
                    if (!ok || holder.isEmpty()) {
                        problems.add("graceful leave of " + donor + ": " + reply);
                    } else {
                        donor = holder;
                    }
                }
            }
        } finally {
            if (!curl.waitFor(o.sizeBytes() / o.rateBytes() * 3 + 60, TimeUnit.SECONDS)) {
                curl.destroyForcibly();
                problems.add("curl did not finish");
            }
        }
        int exit = curl.isAlive() ? -1 : curl.exitValue();
        String got = Files.exists(received) ? ContainerBed.sha256(received) : "";
        if (exit != 0) {
            problems.add("curl exit status " + exit + ": " + Files.readString(out.resolve("curl.log")).strip());
        }
        if (!sha.equals(got)) {
            problems.add("checksum differs: expected " + sha + ", received " + got);
        }
        Inet6Address b = agents.cnAgent().bindings().get(x);
        String binding = b == null ? "" : Topology.str(b);
        // After a completed handoff the client's binding names the node serving it now; without
        // one the binding is whatever an earlier download left (none on a fresh testbed).
        boolean moved = handoffs.stream().anyMatch(DemoResult.Handoff::completed);
        String expectedCareOf = moved ? Topology.str(tb.address(donor)) : binding;
        if (!binding.equals(expectedCareOf)) {
            problems.add("client binding for X is '" + binding + "', expected '" + expectedCareOf + "' (" + donor + ")");
        }
        ClientTrace trace = ClientTrace.of(capture.frames(), NodeContainer.HTTP_PORT, clientPort < 0 ? 0 : clientPort);
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
        for (int i = 0; i < handoffs.size(); i++) {
            DemoResult.Handoff h = handoffs.get(i);
            double gap = i < switches.size() ? switches.get(i).gapMillis() : -1;
            if (h.completed() && i >= switches.size()) {
                problems.add("the client never saw data from " + h.acceptor());
            }
            full.add(new DemoResult.Handoff(h.donor(), h.acceptor(), h.atBytes(), h.completed(),
                    PhaseCsv.outcome(rows, h.donor(), h.acceptor(), clientPort),
                    PhaseCsv.merged(rows, h.donor(), h.acceptor(), clientPort), gap, h.detail()));
        }
        Map<String, Long> bySender = new LinkedHashMap<>();
        trace.bytesBySource().forEach((a, n) -> bySender.put(names.getOrDefault(a, Topology.str(a)), n));
        return new DemoResult(full, exit, sha, got, trace.resets, trace.retransmissions, binding, expectedCareOf, bySender,
                timeline(trace, names), problems);
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

    /** The node the client's binding for X points to, waiting a little for the cn-agent to install it. */
    private String holder(Inet6Address x) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            Inet6Address b = agents.cnAgent().bindings().get(x);
            for (NodeContainer n : bed.nodes()) {
                if (tb.address(n.name).equals(b)) {
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

    private int clientPort() throws IOException, InterruptedException {
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
