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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.vanycast.core.internal.cli.CaCommand;
import org.vanycast.testbed.Agents;
import org.vanycast.testbed.Testbed;
import org.vanycast.testbed.TestbedConfig;
import org.vanycast.testbed.Topology;

/**
 * The namespaced testbed with real node containers that the demo, its benchmark and the
 * end-to-end tests share: client — router (WAN emulator) — ha — node1..n, the ha-agent and
 * cn-agent, a group CA, and one {@link NodeContainer} per node started one after another (node1
 * becomes the contact node and holds X's home registration). Public only for this module's
 * tests in other packages; the package is internal and not exported. Everything it created is
 * removed by {@link #close()}, also when {@link #start} fails.
 */
public final class ContainerBed implements AutoCloseable {
    public static final int HTTP_PORT = NodeContainer.HTTP_PORT;
    public static final int CHANNEL_PORT = NodeContainer.CHANNEL_PORT;
    private static final Pattern CLIENT_PORT = Pattern.compile("\\]:(\\d+)\\s+\\[[^]]+\\]:" + HTTP_PORT + "\\b");

    /**
     * A testbed whose client link has {@code clientMs} one-way latency and is shaped to
     * {@code clientKbit} (the client reads at full speed, its window stays open), node links
     * {@code nodeMs}.
     */
    public static TestbedConfig wan(String id, int nodes, double clientMs, int clientKbit, double nodeMs) {
        TestbedConfig cfg = new TestbedConfig(id, nodes, Map.of(), Map.of(), false).withLatency("client", clientMs)
                .withBandwidth("client", clientKbit);
        for (int i = 1; i <= nodes; i++) {
            cfg = cfg.withLatency("node" + i, nodeMs);
        }
        return cfg;
    }

    public static BedSpec spec(TestbedConfig config, Path repository) {
        return new BedSpec(config, repository);
    }

    private final BedSpec spec;
    private final Path work;
    private final Path data;
    private final List<NodeContainer> nodes = new ArrayList<>();
    private final Map<String, String> shas = new LinkedHashMap<>();
    private Testbed tb;
    private Agents agents;

    private ContainerBed(BedSpec spec, Path work) {
        this.spec = spec;
        this.work = work;
        this.data = work.resolve("data");
    }

    /** Brings everything up; node1 is the contact node when it returns. */
    public static ContainerBed start(BedSpec spec) throws Exception {
        ContainerBed bed = new ContainerBed(spec, Files.createTempDirectory("vanycast-bed-"));
        try {
            bed.boot();
            return bed;
        } catch (Exception | Error e) {
            if (spec.failedStartLogs != null) {
                bed.keepLogs(spec.failedStartLogs);
            }
            bed.close();
            throw e;
        }
    }

    private void boot() throws Exception {
        Path dist = spec.repository.resolve("bundles/node/target/vanycast-node");
        if (!Files.isDirectory(dist.resolve("lib"))) {
            throw new IOException("node distribution missing (" + dist + "): run ./vanycast build");
        }
        Path demoJar = demoJar(spec.repository);
        Files.createDirectories(data);
        Path ca = work.resolve("ca");
        List<String> names = spec.config.nodeNames();
        // The CA command reports on standard output, which the demo's --json keeps for the summary alone.
        PrintStream stdout = System.out;
        System.setOut(spec.log);
        try {
            check(CaCommand.run(new String[] {"init", "--dir", ca.toString(), "--group", spec.group}) == 0, "ca init");
            for (String n : names) {
                check(CaCommand.run(new String[] {"issue", "--dir", ca.toString(), "--node", n}) == 0, "ca issue " + n);
            }
        } finally {
            System.setOut(stdout);
        }
        tb = Testbed.create(spec.config);
        agents = Agents.start(tb); // closed with the testbed
        Path secret = work.resolve("home.secret");
        agents.writeSecret(secret);
        for (String n : names) {
            for (String s : spec.sysctls) {
                Proc.Result r = Proc.inNs(tb.ns(n), 5000, "sysctl", "-q", "-w", s);
                check(r.exit() == 0, "sysctl " + s + " in " + n + ": " + r.output().strip());
            }
            nodes.add(NodeContainer.prepare(tb, n, work, dist, demoJar, ca, secret, data, spec.group, spec.coreConfig));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < nodes.size(); i++) {
            NodeContainer n = nodes.get(i);
            String options = String.join(" ", spec.javaOptions.getOrDefault(n.name, ""), spec.javaOptionsAll);
            n.start(spec.repository, tb.ns(n.name), tb.address(n.name), data, options);
            if (i == 0) {
                awaitStatus("node1", "role=CONTACT", 60_000);
                spec.log.printf("node1 up, contact node (X registered at the home agent) after %d ms%n", ms(t0));
            } else {
                // One after another: nodes that start together may each find no group within JGroups'
                // discovery time on a loaded machine and form their own, and the merge that follows
                // moves the contact role away from the node that holds X's home registration.
                awaitStatus("node1", "members=" + (i + 1), 60_000);
                awaitStatus("node1", "role=CONTACT", 10_000);
            }
        }
        spec.log.printf("%d node containers up, one group, after %d ms%n", nodes.size(), ms(t0));
    }

    public Testbed testbed() {
        return tb;
    }

    public Agents agents() {
        return agents;
    }

    /** The bed's own temporary folder (removed by {@link #close()}). */
    public Path work() {
        return work;
    }

    /** The folder every node's sample service serves. */
    public Path data() {
        return data;
    }

    public Inet6Address x() {
        return tb.logicalAddress();
    }

    public String url(String document) {
        return "http://[" + Topology.str(x()) + "]:" + HTTP_PORT + "/content/" + document;
    }

    List<NodeContainer> nodes() {
        return nodes;
    }

    private NodeContainer node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node container " + name));
    }

    public Path nodeDir(String node) {
        return node(node).dir;
    }

    /** The pid of the node container's JVM ({@code ip netns exec} and the launcher exec into it). */
    public long pid(String node) {
        return node(node).process().pid();
    }

    public boolean isAlive(String node) {
        return node(node).isAlive();
    }

    /** Everything the node logged so far ("" when unreadable). */
    public String logText(String node) {
        try {
            NodeContainer n = node(node);
            return n.process() == null ? "" : n.process().logText();
        } catch (IOException e) {
            return "";
        }
    }

    public String tail(String node) {
        return node(node).logTail();
    }

    /** One request to the node's loopback control endpoint, from inside its namespace. */
    public String control(String node, String request) throws Exception {
        return NodeContainer.control(tb, node, request);
    }

    public String statusQuietly(String node) {
        try {
            return control(node, "status");
        } catch (Exception e) {
            return "unreachable " + e;
        }
    }

    /** Polls the node's status until it contains {@code expected}; fails early when the node's process exited. */
    public void awaitStatus(String node, String expected, long timeoutMillis) throws Exception {
        NodeContainer n = node(node);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = statusQuietly(node);
            if (last.contains(expected)) {
                return;
            }
            if (!n.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        threadDump(n);
        throw new IOException(node + ": expected " + expected + ", last status '" + last + "' after " + ms(start) + " ms"
                + (n.isAlive() ? "" : " (the node process has exited)") + "\n" + n.logTail());
    }

    /** Appends the node JVM's threads to its log (jcmd), for a node that never reached the expected state. */
    private static void threadDump(NodeContainer n) {
        if (!n.isAlive()) {
            return;
        }
        try {
            Process j = new ProcessBuilder("jcmd", Long.toString(n.process().pid()), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(n.dir.resolve("node.log").toFile())).start();
            j.waitFor(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // diagnostics only
        }
    }

    /**
     * {@code kill -9} of the node container's JVM ({@code ip netns exec} and the launcher exec
     * into it); returns {@link System#nanoTime()} right before the signal, once the JVM is gone.
     */
    public long kill9(String node) throws Exception {
        long pid = pid(node);
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new IOException(node + " pid " + pid + " is not running"));
        check(h.info().command().orElse("").endsWith("java"), node + " pid " + pid + " is the JVM (" + h.info() + ")");
        long t = System.nanoTime();
        check(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor() == 0, "kill -9 " + pid);
        h.onExit().get(10, TimeUnit.SECONDS);
        return t;
    }

    /** The node whose address the home agent's binding for X names now ("" when none of {@code among}). */
    public String homeAgentHolder(List<String> among) {
        Inet6Address b = agents.homeAgent().bindings().get(x());
        return among.stream().filter(n -> tb.address(n).equals(b)).findFirst().orElse("");
    }

    /** The nodes among {@code among} whose status says they are the contact node. */
    public List<String> contacts(List<String> among) {
        return among.stream().filter(n -> statusQuietly(n).contains("role=CONTACT")).toList();
    }

    /**
     * An untouched curl on the client downloading {@code documents} from X into {@code dir}, one
     * connection each, in parallel; {@code dir/curl.log} gets its errors and one
     * {@code port=<client port> status=<HTTP status>} line per finished transfer.
     */
    public Process curl(Path dir, List<String> documents, int maxSeconds) throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", tb.ns("client"), "curl", "-g", "-sS",
                "--max-time", Integer.toString(maxSeconds), "--parallel", "--parallel-immediate", "--parallel-max", "100",
                "--write-out", "port=%{local_port} status=%{http_code}\\n"));
        for (String d : documents) {
            Path f = dir.resolve(d);
            Files.deleteIfExists(f);
            cmd.addAll(List.of("-o", f.toString(), url(d)));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("curl.log").toFile()).start();
    }

    /** Polls {@code condition} every {@code everyMillis} until it holds or the deadline passes. */
    public static boolean poll(long timeoutMillis, long everyMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(everyMillis);
        }
    }

    /** Asks {@code donor} to hand the client's connection from {@code clientPort} to {@code acceptor}. */
    public String handoff(String donor, int clientPort, String acceptor) throws Exception {
        return control(donor, "handoff [" + Topology.str(tb.address("client")) + "]:" + clientPort + " " + acceptor);
    }

    /** The client ports of the client's established connections to X:8080. */
    public List<Integer> clientPorts() throws IOException, InterruptedException {
        Proc.Result r = Proc.inNs(tb.ns("client"), 10_000, "ss", "-Htn", "state", "established");
        check(r.exit() == 0, "ss on the client: " + r.output().strip());
        List<Integer> ports = new ArrayList<>();
        Matcher m = CLIENT_PORT.matcher(r.output());
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        return ports;
    }

    /** A random document of {@code size} bytes in the served folder; returns (and remembers) its sha256. */
    public String document(String name, long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        SecureRandom r = new SecureRandom();
        byte[] buf = new byte[64 * 1024];
        try (var out = Files.newOutputStream(data.resolve(name))) {
            for (long left = size; left > 0; left -= buf.length) {
                r.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                md.update(buf, 0, n);
            }
        }
        String sha = HexFormat.of().formatHex(md.digest());
        shas.put(name, sha);
        return sha;
    }

    /** The sha256 of a document written by {@link #document}. */
    public String sha256(String document) {
        return shas.get(document);
    }

    public static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Copies every node's log and handoff CSV to {@code dir} as {@code <node>.log} and {@code <node>-handoffs.csv}. */
    public void keepLogs(Path dir) {
        for (NodeContainer n : nodes) {
            copyQuietly(n.dir.resolve("node.log"), dir.resolve(n.name + ".log"));
            copyQuietly(n.handoffCsv(), dir.resolve(n.name + "-handoffs.csv"));
        }
    }

    /** Stops the containers (SIGTERM, then SIGKILL), keeps their logs if asked, removes the testbed and the work folder. */
    @Override
    public void close() {
        for (NodeContainer n : nodes) {
            n.close();
        }
        if (spec.logs != null) {
            keepLogs(spec.logs);
        }
        nodes.clear();
        if (tb != null) {
            tb.close();
            tb = null;
        }
        try (Stream<Path> s = Files.walk(work)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }

    private static Path demoJar(Path repository) throws IOException {
        Path target = repository.resolve("bundles/demo/target");
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("vanycast-demo-.*\\.jar")
                            && !p.getFileName().toString().contains("sources") && !p.getFileName().toString().contains("tests"))
                    .findFirst().orElseThrow(() -> new IOException("no vanycast-demo jar in " + target));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no vanycast-demo jar in " + target + ": run ./vanycast build");
        }
    }

    private static void copyQuietly(Path from, Path to) {
        try {
            if (Files.exists(from)) {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the verdict stands without the copy
        }
    }

    public static long ms(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    private static void check(boolean ok, String what) throws IOException {
        if (!ok) {
            throw new IOException(what + " failed");
        }
    }
}
