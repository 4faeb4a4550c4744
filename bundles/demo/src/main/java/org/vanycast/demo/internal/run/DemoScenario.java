package org.vanycast.demo.internal.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.vanycast.core.internal.cli.CaCommand;
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
    private static final Pattern CLIENT_PORT = Pattern.compile("\\]:(\\d+)\\s+\\[[^]]+\\]:" + NodeContainer.HTTP_PORT);

    private final Options o;
    private final PrintStream log;

    DemoScenario(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    private Testbed tb;
    private Agents agents;
    private final List<NodeContainer> nodes = new ArrayList<>();
    private Path work;
    private Path data;
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
        work = Files.createTempDirectory("vanycast-demo-");
        Path dist = o.repository().resolve("bundles/node/target/vanycast-node");
        Path demoJar = demoJar();
        if (!Files.isDirectory(dist.resolve("lib"))) {
            throw new IOException("node distribution missing (" + dist + "): run ./vanycast build");
        }
        Files.createDirectories(o.out());
        TestbedConfig cfg = baseConfig(id, o);
        data = work.resolve("data");
        Files.createDirectories(data);
        sha = writeDocument(data.resolve("demo.bin"), o.sizeBytes());
        Path ca = work.resolve("ca");
        // The CA command reports on standard output, which --json keeps for the summary alone.
        PrintStream stdout = System.out;
        System.setOut(log);
        try {
            check(CaCommand.run(new String[] {"init", "--dir", ca.toString(), "--group", "demo"}) == 0, "ca init");
            for (String n : cfg.nodeNames()) {
                check(CaCommand.run(new String[] {"issue", "--dir", ca.toString(), "--node", n}) == 0, "ca issue " + n);
            }
        } finally {
            System.setOut(stdout);
        }
        log.printf("testbed %s: client, router (client link %.0f ms one way, %d kbit/s; node links %.0f ms), ha, %d nodes%n",
                id, o.clientMs(), o.rateBytes() * 8 / 1000, o.nodeMs(), o.nodes());
        tb = Testbed.create(cfg);
        agents = Agents.start(tb);
        Path secret = work.resolve("home.secret");
        agents.writeSecret(secret);
        for (String n : cfg.nodeNames()) {
            nodes.add(NodeContainer.prepare(tb, n, work, dist, demoJar, ca, secret, data));
        }
        startNodes(tb, nodes, data);
    }

    /** The demo's WAN: the client's link is shaped (not curl), so the client reads at full speed and its window stays open. */
    static TestbedConfig baseConfig(String id, Options o) {
        TestbedConfig cfg = new TestbedConfig(id, o.nodes(), Map.of(), Map.of(), false).withLatency("client", o.clientMs())
                .withBandwidth("client", (int) (o.rateBytes() * 8 / 1000));
        for (int i = 1; i <= o.nodes(); i++) {
            cfg = cfg.withLatency("node" + i, o.nodeMs());
        }
        return cfg;
    }

    Testbed testbed() {
        return tb;
    }

    List<NodeContainer> nodes() {
        return nodes;
    }

    /** Stops the containers, copies their logs and handoff CSVs to the results, removes the testbed. */
    void close() {
        for (NodeContainer n : nodes) {
            n.close();
            copyQuietly(n.dir.resolve("node.log"), o.out().resolve("logs/" + n.name + ".log"));
            copyQuietly(n.handoffCsv(), o.out().resolve("logs/" + n.name + "-handoffs.csv"));
        }
        nodes.clear();
        if (tb != null) {
            tb.close();
            tb = null;
        }
        if (work != null) {
            deleteTree(work);
            work = null;
        }
    }

    private void startNodes(Testbed tb, List<NodeContainer> nodes, Path data) throws Exception {
        long t0 = System.nanoTime();
        NodeContainer first = nodes.get(0);
        first.start(o.repository(), tb.ns(first.name), tb.address(first.name), data);
        awaitStatus(tb, first, "role=CONTACT", 60_000);
        log.printf("node1 up, contact node (X registered at the home agent) after %d ms%n", ms(t0));
        // One after another: nodes that start together may each find no group within JGroups'
        // discovery time on a loaded machine and form their own, and the merge that follows moves
        // the contact role away from the node that holds X's home registration.
        for (int i = 1; i < nodes.size(); i++) {
            NodeContainer n = nodes.get(i);
            n.start(o.repository(), tb.ns(n.name), tb.address(n.name), data);
            awaitStatus(tb, first, "members=" + (i + 1), 60_000);
            awaitStatus(tb, first, "role=CONTACT", 1000);
        }
        log.printf("%d node containers up, one group, after %d ms%n", nodes.size(), ms(t0));
    }

    private void awaitStatus(Testbed tb, NodeContainer n, String expected, long timeoutMillis) throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = NodeContainer.control(tb, n.name, "status");
                if (last.contains(expected)) {
                    return;
                }
            } catch (Exception e) {
                last = e.toString();
            }
            if (!n.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IOException(n.name + ": expected " + expected + ", last status '" + last + "' after " + ms(start)
                + " ms" + (n.isAlive() ? "" : " (the node process has exited)") + "\n" + n.logTail());
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
                    clientPort = clientPort(tb);
                }
                String acceptor = acceptors.get(i);
                long t = System.nanoTime();
                String reply = NodeContainer.control(tb, donor, "handoff [" + Topology.str(tb.address("client")) + "]:"
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
                    String reply = NodeContainer.control(tb, donor, "leave");
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
        String got = Files.exists(received) ? sha256(received) : "";
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
        for (NodeContainer n : nodes) {
            names.put(tb.address(n.name), n.name);
        }
        List<Map<String, String>> rows = PhaseCsv.read(nodes.stream().map(NodeContainer::handoffCsv).toList());
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
            for (NodeContainer n : nodes) {
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

    private static int clientPort(Testbed tb) throws IOException, InterruptedException {
        Proc.Result r = Proc.inNs(tb.ns("client"), 5000, "ss", "-Htn", "state", "established");
        Matcher m = CLIENT_PORT.matcher(r.output());
        if (!m.find()) {
            throw new IOException("the client's connection to X is not established: " + r.output().strip());
        }
        return Integer.parseInt(m.group(1));
    }

    private Path demoJar() throws IOException {
        Path target = o.repository().resolve("bundles/demo/target");
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("vanycast-demo-.*\\.jar")
                            && !p.getFileName().toString().contains("sources") && !p.getFileName().toString().contains("tests"))
                    .findFirst().orElseThrow(() -> new IOException("no vanycast-demo jar in " + target));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no vanycast-demo jar in " + target + ": run ./vanycast build");
        }
    }

    private static String writeDocument(Path file, long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        SecureRandom r = new SecureRandom();
        byte[] buf = new byte[64 * 1024];
        try (var out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                r.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void check(boolean ok, String what) throws IOException {
        if (!ok) {
            throw new IOException(what + " failed");
        }
    }

    private static long ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private static void copyQuietly(Path from, Path to) {
        try {
            if (Files.exists(from)) {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the report still stands without the copy
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
