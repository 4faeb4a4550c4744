package org.vanycast.demo.robust;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
import org.vanycast.node.internal.demo.NodeProcess;
import org.vanycast.testbed.Agents;
import org.vanycast.testbed.Testbed;
import org.vanycast.testbed.TestbedConfig;
import org.vanycast.testbed.Topology;

/**
 * A namespaced testbed with the ha-agent, the cn-agent and real node containers
 * ({@code ip netns exec <ns> ./vanycast node}), configured like the demo's (group CA, anycast
 * core, Mobile IPv6 data path, TCP migrator, the demo's HTTP wiring with its control endpoint).
 * Built on the public testbed and node-launcher classes because the demo runner's are
 * package-private. Everything it created is removed by {@link #close()}, also after a failure.
 */
final class RobustBed implements AutoCloseable {
    static final int HTTP_PORT = 8080;
    static final int CHANNEL_PORT = 7700;
    static final int MEMBERSHIP_PORT = 7800;
    static final int RELAY_PORT = 7790;
    static final int CONTROL_PORT = 7999;
    private static final Pattern CLIENT_PORT = Pattern.compile("\\]:(\\d+)\\s+\\[[^]]+\\]:" + HTTP_PORT + "\\b");

    final Testbed tb;
    final Agents agents;
    final Path work;
    final Path data;
    final Path ca;
    final Path out;
    private final PrintStream log;
    private final Map<String, Path> dirs = new LinkedHashMap<>();
    private final Map<String, NodeProcess> procs = new LinkedHashMap<>();
    private final Map<String, String> shas = new LinkedHashMap<>();

    private RobustBed(Testbed tb, Agents agents, Path work, Path out, PrintStream log) {
        this.tb = tb;
        this.agents = agents;
        this.work = work;
        this.data = work.resolve("data");
        this.ca = work.resolve("ca");
        this.out = out;
        this.log = log;
    }

    /**
     * Testbed {@code vct-<tag><pid>-*} with {@code nodes} nodes (client link 10 ms one way,
     * shaped to {@code clientKbit}; node links 5 ms), all node containers started one after
     * another; node1 is the contact node when this returns.
     */
    static RobustBed start(String tag, int nodes, int clientKbit, Path out, PrintStream log) throws Exception {
        String id = tag + ProcessHandle.current().pid() % 100_000;
        Path work = Files.createTempDirectory("vanycast-robust-");
        TestbedConfig cfg = new TestbedConfig(id, nodes, Map.of(), Map.of(), false).withLatency("client", 10)
                .withBandwidth("client", clientKbit);
        for (int i = 1; i <= nodes; i++) {
            cfg = cfg.withLatency("node" + i, 5);
        }
        Testbed tb = null;
        RobustBed bed = null;
        try {
            Files.createDirectories(out);
            tb = Testbed.create(cfg);
            Agents agents = Agents.start(tb);
            bed = new RobustBed(tb, agents, work, out, log);
            bed.startNodes();
            return bed;
        } catch (Exception | Error e) {
            if (bed != null) {
                bed.close();
            } else {
                if (tb != null) {
                    tb.close();
                }
                deleteTree(work);
            }
            throw e;
        }
    }

    private void startNodes() throws Exception {
        Files.createDirectories(data);
        Path repo = repository();
        Path dist = repo.resolve("bundles/node/target/vanycast-node");
        if (!Files.isDirectory(dist.resolve("lib"))) {
            throw new IOException("node distribution missing (" + dist + "): build bundles/node first");
        }
        Path demoJar = demoJar(repo);
        check(CaCommand.run(new String[] {"init", "--dir", ca.toString(), "--group", "demo"}) == 0, "ca init");
        Path secret = work.resolve("home.secret");
        agents.writeSecret(secret);
        List<String> names = tb.config().nodeNames();
        for (String n : names) {
            check(CaCommand.run(new String[] {"issue", "--dir", ca.toString(), "--node", n}) == 0, "ca issue " + n);
            dirs.put(n, prepare(n, dist, demoJar, secret));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            startNode(n);
            // one after another: nodes started together may each found their own group
            awaitStatus("node1", "members=" + (i + 1), 60_000);
        }
        awaitStatus("node1", "role=CONTACT", 10_000);
        log.printf("[%s] %d node containers up, one group, node1 contact, after %d ms%n", tb.config().id(), names.size(),
                ms(t0));
    }

    private Path prepare(String name, Path dist, Path demoJar, Path secret) throws IOException {
        Path dir = work.resolve(name);
        Path etc = dir.resolve("etc");
        Path deploy = dir.resolve("deploy");
        Files.createDirectories(etc);
        Files.createDirectories(deploy);
        Files.copy(dist.resolve("etc/org.apache.felix.fileinstall-deploy.cfg"),
                etc.resolve("org.apache.felix.fileinstall-deploy.cfg"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dist.resolve("deploy/vanycast-sample.jar"), deploy.resolve("vanycast-sample.jar"));
        Files.copy(demoJar, deploy.resolve("vanycast-demo.jar"));
        String x = Topology.str(tb.logicalAddress());
        String own = Topology.str(tb.address(name));
        List<String> hosts = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (String n : tb.config().nodeNames()) {
            String a = Topology.str(tb.address(n));
            hosts.add("[" + a + "]:" + MEMBERSHIP_PORT);
            if (!n.equals(name)) {
                peers.add("[" + a + "]:" + RELAY_PORT);
            }
        }
        write(etc.resolve("org.vanycast.core.node.cfg"), "node.name = " + name, "group.name = demo",
                "logical.address = " + x, "ca.dir = " + ca, "channel = [" + own + "]:" + CHANNEL_PORT,
                "membership = [" + own + "]:" + MEMBERSHIP_PORT, "initial.hosts = " + String.join(",", hosts),
                "backups = " + Math.max(1, tb.config().nodes() - 1), "failure.timeout.ms = 5000");
        write(etc.resolve("org.vanycast.mipv6.node.cfg"), "rr.in.advance = true", "logical.address = " + x,
                "care.of.address = " + own, "home.agent.address = " + Topology.str(tb.homeAgentAddress()),
                "secret.file = " + secret, "relay.listen = [" + own + "]:" + RELAY_PORT,
                "relay.peers = " + String.join(",", peers));
        write(etc.resolve("org.vanycast.demo.http.cfg"), "logical.address = " + x, "port = " + HTTP_PORT,
                "data.dir = " + data, "control.listen = [::1]:" + CONTROL_PORT);
        write(etc.resolve("org.vanycast.soap.cfg"), "ports = 1");
        write(etc.resolve("org.vanycast.core.handoffcsv.cfg"), "file = " + dir.resolve("handoffs.csv"));
        return dir;
    }

    private void startNode(String n) throws IOException, InterruptedException {
        Path dir = dirs.get(n);
        procs.put(n, NodeProcess.start(repository(), List.of("ip", "netns", "exec", tb.ns(n)),
                List.of("--name", n, "--address", tb.address(n).getHostAddress(), "--port", Integer.toString(HTTP_PORT),
                        "--data", data.toString(), "--deploy", dir.resolve("deploy").toString(), "--etc",
                        dir.resolve("etc").toString(), "--work", dir.resolve("work").toString()),
                dir.resolve("node.log"), 120_000));
    }

    Inet6Address x() {
        return tb.logicalAddress();
    }

    Path nodeDir(String node) {
        return dirs.get(node);
    }

    NodeProcess process(String node) {
        return procs.get(node);
    }

    /** {@code kill -9} of the node container's JVM ({@code ip netns exec} and the launcher exec into it). */
    long kill9(String node) throws Exception {
        NodeProcess p = procs.get(node);
        ProcessHandle h = ProcessHandle.of(p.pid()).orElseThrow();
        check(h.info().command().orElse("").endsWith("java"), node + " pid " + p.pid() + " is not the JVM: " + h.info());
        long t = System.nanoTime();
        check(new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor() == 0, "kill -9 " + p.pid());
        h.onExit().get(10, TimeUnit.SECONDS);
        return t;
    }

    void signal(String node, String sig) throws Exception {
        check(new ProcessBuilder("kill", "-" + sig, Long.toString(procs.get(node).pid())).start().waitFor() == 0,
                "kill -" + sig);
    }

    /** One request to the node's loopback control endpoint, from inside its namespace. */
    String control(String node, String request) throws Exception {
        return tb.call(node, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName("::1"), CONTROL_PORT), 2000);
                s.setSoTimeout(70_000);
                PrintWriter w = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                w.println(request);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                return line == null ? "failed no answer" : line;
            }
        });
    }

    String statusQuietly(String node) {
        try {
            return control(node, "status");
        } catch (Exception e) {
            return "unreachable " + e;
        }
    }

    void awaitStatus(String node, String expected, long timeoutMillis) throws Exception {
        String[] last = {""};
        boolean ok = poll(timeoutMillis, 100, () -> (last[0] = statusQuietly(node)).contains(expected));
        if (!ok) {
            throw new IOException(node + ": expected " + expected + ", last status '" + last[0] + "'\n" + tail(node));
        }
    }

    /** Handoff of the client connection from {@code clientPort} by {@code donor} to {@code acceptor}. */
    String handoff(String donor, int clientPort, String acceptor) throws Exception {
        return control(donor, "handoff [" + Topology.str(tb.address("client")) + "]:" + clientPort + " " + acceptor);
    }

    /** A random document of {@code size} bytes under the sample service's data folder; remembers its sha256. */
    String document(String name, long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 * 1024];
        SecureRandom r = new SecureRandom();
        try (var o = Files.newOutputStream(data.resolve(name))) {
            for (long left = size; left > 0; left -= buf.length) {
                r.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                o.write(buf, 0, n);
                md.update(buf, 0, n);
            }
        }
        String sha = HexFormat.of().formatHex(md.digest());
        shas.put(name, sha);
        return sha;
    }

    String url(String document) {
        return "http://[" + Topology.str(x()) + "]:" + HTTP_PORT + "/content/" + document;
    }

    /** An untouched curl on the client downloading {@code documents} from X, one connection each, in parallel. */
    Process curl(Path dir, List<String> documents) throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", tb.ns("client"), "curl", "-g", "-sS",
                "--max-time", "150", "--parallel", "--parallel-immediate", "--parallel-max", "100"));
        for (String d : documents) {
            Path f = dir.resolve(d);
            Files.deleteIfExists(f);
            cmd.addAll(List.of("-o", f.toString(), url(d)));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("curl.log").toFile()).start();
    }

    /** Documents in {@code dir} whose content differs from what the service holds (empty: all intact). */
    List<String> corrupted(Path dir, List<String> documents) throws Exception {
        List<String> bad = new ArrayList<>();
        for (String d : documents) {
            Path f = dir.resolve(d);
            if (!Files.exists(f) || !sha256(f).equals(shas.get(d))) {
                bad.add(d + (Files.exists(f) ? " (" + Files.size(f) + " bytes)" : " (missing)"));
            }
        }
        return bad;
    }

    /** Client ports of the client's established connections to X:8080. */
    List<Integer> clientPorts() throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", tb.ns("client"), "ss", "-Htn", "state", "established")
                .redirectErrorStream(true).start();
        String ss = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        check(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "ss on the client");
        List<Integer> ports = new ArrayList<>();
        Matcher m = CLIENT_PORT.matcher(ss);
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        return ports;
    }

    /** TCP resets on port 8080 in a capture file (tshark). */
    static int resets(Path pcap) throws Exception {
        Process p = new ProcessBuilder("tshark", "-r", pcap.toString(), "-Y", "tcp.flags.reset==1 && tcp.port==" + HTTP_PORT,
                "-T", "fields", "-e", "frame.number").redirectErrorStream(false).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "tshark on " + pcap);
        return (int) text.lines().filter(l -> !l.isBlank()).count();
    }

    static boolean awaitSize(Path file, long bytes, Process curl) throws Exception {
        return poll(60_000, 2, () -> {
            try {
                return Files.exists(file) && Files.size(file) >= bytes || !curl.isAlive();
            } catch (IOException e) {
                return false;
            }
        }) && Files.exists(file) && Files.size(file) >= bytes;
    }

    /** Polls {@code condition} every {@code everyMillis} until it holds or the deadline passes. */
    static boolean poll(long timeoutMillis, long everyMillis, BooleanSupplier condition) throws InterruptedException {
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

    String tail(String node) {
        try {
            NodeProcess p = procs.get(node);
            return p == null ? "" : p.tail();
        } catch (IOException e) {
            return "";
        }
    }

    String logText(String node) {
        try {
            NodeProcess p = procs.get(node);
            return p == null ? "" : p.logText();
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the containers (SIGTERM, then SIGKILL), keeps their logs under {@code out/logs}, removes the testbed. */
    @Override
    public void close() {
        for (Map.Entry<String, NodeProcess> e : procs.entrySet()) {
            try {
                e.getValue().close();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            copyQuietly(dirs.get(e.getKey()).resolve("node.log"), out.resolve("logs/" + e.getKey() + ".log"));
            copyQuietly(dirs.get(e.getKey()).resolve("handoffs.csv"), out.resolve("logs/" + e.getKey() + "-handoffs.csv"));
        }
        procs.clear();
        tb.close();
        deleteTree(work);
    }

    static Path repository() {
        return Path.of("").toAbsolutePath().resolve("../..").normalize();
    }

    private static Path demoJar(Path repo) throws IOException {
        Path target = repo.resolve("bundles/demo/target");
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("vanycast-demo-[^-]+(-SNAPSHOT)?\\.jar")).findFirst()
                    .orElseThrow(() -> new IOException("no vanycast-demo jar in " + target + " (run after package)"));
        }
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

    static long ms(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    static void check(boolean ok, String what) throws IOException {
        if (!ok) {
            throw new IOException(what + " failed");
        }
    }

    private static void write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
    }

    private static void copyQuietly(Path from, Path to) {
        try {
            if (Files.exists(from)) {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the test's verdict stands without the copy
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
