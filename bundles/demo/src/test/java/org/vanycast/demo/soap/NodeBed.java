package org.vanycast.demo.soap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
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
 * The SOAP acceptance tests' testbed: client — router (WAN emulator) — ha — node1..n, ha-agent
 * and cn-agent, and one real node container per node ({@code ip netns exec <ns> ./vanycast node}
 * with the sample service and the demo's wiring bundle deployed), configured like the demo's.
 * Differs from the demo's runner only in what the tests need: per-node JVM system properties
 * (fault injection) and documents of chosen sizes. Everything is removed by {@link #close()}.
 */
final class NodeBed implements AutoCloseable {
    static final int HTTP_PORT = 8080;
    /** Largest socket send buffer in the node namespaces (bytes). */
    static final int SNDBUF_MAX = 131_072;
    private static final int CHANNEL_PORT = 7700;
    private static final int MEMBERSHIP_PORT = 7800;
    private static final int RELAY_PORT = 7790;
    private static final int CONTROL_PORT = 7999;
    private static final Pattern CLIENT_PORT = Pattern.compile("\\]:(\\d+)\\s+\\[[^]]+\\]:" + HTTP_PORT + "\\b");

    final Path repository = Path.of("").toAbsolutePath().resolve("../..").normalize();
    final Path work;
    final Path data;
    private final Map<String, String> sha = new LinkedHashMap<>();
    private final Map<String, NodeProcess> processes = new LinkedHashMap<>();
    private Testbed tb;

    private NodeBed(Path work) {
        this.work = work;
        this.data = work.resolve("data");
    }

    /**
     * Starts the testbed with {@code nodes} node containers (one after another; node1 is the
     * contact node), serving random documents of the given sizes. {@code jvmProps} gives
     * system properties per node name.
     */
    static NodeBed start(String tag, int nodes, int clientRateKbit, Map<String, Long> documents,
                         Map<String, String> jvmProps) throws Exception {
        NodeBed b = new NodeBed(Files.createTempDirectory("vanycast-soap-e2e-"));
        try {
            b.boot(tag, nodes, clientRateKbit, documents, jvmProps);
            return b;
        } catch (Exception | Error e) {
            b.keepLogs(Path.of("target/soap-e2e/failed-start-" + tag));
            b.close();
            throw e;
        }
    }

    private void boot(String tag, int nodes, int clientRateKbit, Map<String, Long> documents,
                      Map<String, String> jvmProps) throws Exception {
        Path dist = repository.resolve("bundles/node/target/vanycast-node");
        if (!Files.isDirectory(dist.resolve("lib"))) {
            throw new IOException("node distribution missing (" + dist + "): build bundles/node first");
        }
        Path demoJar = demoJar();
        Files.createDirectories(data);
        for (Map.Entry<String, Long> d : documents.entrySet()) {
            sha.put(d.getKey(), writeDocument(data.resolve(d.getKey()), d.getValue()));
        }
        String id = tag + ProcessHandle.current().pid() % 100_000;
        TestbedConfig cfg = new TestbedConfig(id, nodes, Map.of(), Map.of(), false).withLatency("client", 10)
                .withBandwidth("client", clientRateKbit);
        for (int i = 1; i <= nodes; i++) {
            cfg = cfg.withLatency("node" + i, 5);
        }
        Path ca = work.resolve("ca");
        check(CaCommand.run(new String[] {"init", "--dir", ca.toString(), "--group", "soap"}) == 0, "ca init");
        for (String n : cfg.nodeNames()) {
            check(CaCommand.run(new String[] {"issue", "--dir", ca.toString(), "--node", n}) == 0, "ca issue " + n);
        }
        tb = Testbed.create(cfg);
        Agents agents = Agents.start(tb); // registered with the testbed, closed with it
        Path secret = work.resolve("home.secret");
        agents.writeSecret(secret);
        List<String> names = cfg.nodeNames();
        for (String n : names) {
            // Namespaced sysctl, nodes only: a small send buffer keeps the server's writes close to
            // what the client has received, so "the response is still being written" can be told
            // from the client side (otherwise megabytes sit in the socket when the handoff is asked).
            run(tb.ns(n), 5000, "sysctl", "-q", "-w", "net.ipv4.tcp_wmem=4096 16384 " + SNDBUF_MAX);
        }
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            Path dir = prepare(n, dist, demoJar, ca, secret);
            List<String> wrapper = new ArrayList<>(List.of("ip", "netns", "exec", tb.ns(n)));
            // -Dsoap.e2e.nodeJvmProps="-D…" adds JVM options to every node (e.g. debug logging when diagnosing).
            String props = String.join(" ", jvmProps.getOrDefault(n, ""), System.getProperty("soap.e2e.nodeJvmProps", "")).strip();
            if (!props.isEmpty()) {
                wrapper.addAll(List.of("env", "JAVA_TOOL_OPTIONS=" + props));
            }
            processes.put(n, NodeProcess.start(repository, wrapper,
                    List.of("--name", n, "--address", tb.address(n).getHostAddress(), "--port", Integer.toString(HTTP_PORT),
                            "--data", data.toString(), "--deploy", dir.resolve("deploy").toString(),
                            "--etc", dir.resolve("etc").toString(), "--work", dir.resolve("work").toString()),
                    dir.resolve("node.log"), 120_000));
            // One after another, node1 first: it becomes the contact node and holds X's home registration.
            awaitStatus("node1", i == 0 ? "role=CONTACT" : "members=" + (i + 1), 60_000);
        }
        awaitStatus("node1", "role=CONTACT", 5000);
    }

    private Path prepare(String name, Path dist, Path demoJar, Path ca, Path secret) throws IOException {
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
        write(etc.resolve("org.vanycast.core.node.cfg"), "node.name = " + name, "group.name = soap",
                "logical.address = " + x, "ca.dir = " + ca, "channel = [" + own + "]:" + CHANNEL_PORT,
                "membership = [" + own + "]:" + MEMBERSHIP_PORT, "initial.hosts = " + String.join(",", hosts),
                "backups = 1", "failure.timeout.ms = 5000");
        write(etc.resolve("org.vanycast.mipv6.node.cfg"), "rr.in.advance = true", "logical.address = " + x,
                "care.of.address = " + own, "home.agent.address = " + Topology.str(tb.homeAgentAddress()),
                "secret.file = " + secret, "relay.listen = [" + own + "]:" + RELAY_PORT,
                "relay.peers = " + String.join(",", peers));
        write(etc.resolve("org.vanycast.demo.http.cfg"), "logical.address = " + x, "port = " + HTTP_PORT,
                "data.dir = " + data, "control.listen = [::1]:" + CONTROL_PORT);
        // The adapter's own component has no connector here: its codec stays off port 8080.
        write(etc.resolve("org.vanycast.soap.cfg"), "ports = 1");
        write(etc.resolve("org.vanycast.core.handoffcsv.cfg"), "file = " + dir.resolve("handoffs.csv"));
        return dir;
    }

    Testbed testbed() {
        return tb;
    }

    String x() {
        return Topology.str(tb.logicalAddress());
    }

    String baseUrl() {
        return "http://[" + x() + "]:" + HTTP_PORT;
    }

    String address(String host) {
        return Topology.str(tb.address(host));
    }

    String sha256(String document) {
        return sha.get(document);
    }

    /** One request to a node's loopback control endpoint (inside its namespace). */
    String control(String node, String request) throws Exception {
        return tb.call(node, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName("::1"), CONTROL_PORT), 2000);
                s.setSoTimeout(70_000);
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                out.println(request);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                return line == null ? "failed no answer" : line;
            }
        });
    }

    /** Asks {@code donor} to hand the client's connection from {@code clientPort} to {@code acceptor}. */
    String handoff(String donor, int clientPort, String acceptor) throws Exception {
        return control(donor, "handoff [" + address("client") + "]:" + clientPort + " " + acceptor);
    }

    /** The client ports of the client's established connections to X:8080. */
    List<Integer> clientPorts() throws Exception {
        String out = run(tb.ns("client"), 5000, "ss", "-Htn", "state", "established");
        List<Integer> ports = new ArrayList<>();
        Matcher m = CLIENT_PORT.matcher(out);
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        return ports;
    }

    /** Polls until exactly one client connection to X is established; returns its client port. */
    int awaitClientPort(long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<Integer> ports = List.of();
        while (System.nanoTime() < deadline) {
            ports = clientPorts();
            if (ports.size() == 1) {
                return ports.get(0);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IOException("expected one client connection to X, found " + ports);
    }

    /** Bytes the client's kernel has received on its connection from {@code clientPort} (ss -i), or -1 if not established. */
    long bytesReceived(int clientPort) throws Exception {
        String out = run(tb.ns("client"), 5000, "ss", "-Htin", "state", "established", "sport", "= :" + clientPort);
        Matcher m = Pattern.compile("bytes_received:(\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Polls until the client received at least {@code bytes} on that connection. */
    long awaitBytesReceived(int clientPort, long bytes, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long got = -1;
        while (System.nanoTime() < deadline) {
            got = bytesReceived(clientPort);
            if (got >= bytes) {
                return got;
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        throw new IOException("the client received " + got + " of " + bytes + " bytes within " + timeoutMillis + " ms");
    }

    /** Lines of the node's log (for assertions on what the node reported). */
    String nodeLog(String node) throws IOException {
        Path log = work.resolve(node).resolve("node.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    void awaitStatus(String node, String expected, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = control(node, "status");
                if (last.contains(expected)) {
                    return;
                }
            } catch (Exception e) {
                last = e.toString();
            }
            NodeProcess p = processes.get(node);
            if (p != null && !p.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        NodeProcess p = processes.get(node);
        threadDump(node);
        throw new IOException(node + ": expected " + expected + ", last status '" + last + "'\n" + (p == null ? "" : p.tail()));
    }

    /** Appends the node JVM's threads to its log (jcmd), for a node that never reached the expected state. */
    private void threadDump(String node) {
        NodeProcess p = processes.get(node);
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            Process j = new ProcessBuilder("jcmd", Long.toString(p.pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                            work.resolve(node).resolve("node.log").toFile())).start();
            j.waitFor(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // diagnostics only
        }
    }

    /** Runs a command inside a namespace, returns stdout+stderr; fails on a non-zero status. */
    static String run(String ns, long timeoutMillis, String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out");
        }
        String s = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + s.strip());
        }
        return s;
    }

    /** Copies the nodes' logs and handoff CSVs to {@code out} (for the report and for failures). */
    void keepLogs(Path out) {
        for (String n : processes.keySet()) {
            for (String f : List.of("node.log", "handoffs.csv")) {
                try {
                    Path from = work.resolve(n).resolve(f);
                    if (Files.exists(from)) {
                        Files.createDirectories(out);
                        Files.copy(from, out.resolve(n + "-" + f), StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    // the test's verdict stands without the copy
                }
            }
        }
    }

    @Override
    public void close() {
        for (NodeProcess p : processes.values()) {
            try {
                p.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // keep removing the rest
            }
        }
        processes.clear();
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

    private Path demoJar() throws IOException {
        Path target = repository.resolve("bundles/demo/target");
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("vanycast-demo-[^-]+-SNAPSHOT\\.jar|vanycast-demo-[0-9.]+\\.jar"))
                    .findFirst().orElseThrow(() -> new IOException("no vanycast-demo jar in " + target));
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

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
    }

    private static void check(boolean ok, String what) throws IOException {
        if (!ok) {
            throw new IOException(what + " failed");
        }
    }
}
