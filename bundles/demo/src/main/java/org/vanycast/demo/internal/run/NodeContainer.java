package org.vanycast.demo.internal.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vanycast.node.internal.demo.NodeProcess;
import org.vanycast.testbed.Testbed;
import org.vanycast.testbed.Topology;

/**
 * One real node container of the demo: the {@code bundles/node} distribution started with
 * {@code ip netns exec <node namespace> ./vanycast node}, with its own {@code etc/} (anycast
 * core, Mobile IPv6 data path, TCP migrator, HTTP wiring, handoff CSV) and {@code deploy/}
 * (the sample service and the demo's wiring bundle).
 */
final class NodeContainer implements AutoCloseable {
    static final int HTTP_PORT = 8080;
    static final int CHANNEL_PORT = 7700;
    static final int MEMBERSHIP_PORT = 7800;
    static final int RELAY_PORT = 7790;
    static final int CONTROL_PORT = 7999;

    final String name;
    final Path dir;
    private NodeProcess process;

    private NodeContainer(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** Writes the node's folders and configuration; does not start it. */
    static NodeContainer prepare(Testbed tb, String name, Path work, Path dist, Path demoJar, Path ca, Path secret,
                                 Path data, String group, Map<String, String> coreOverrides) throws IOException {
        Path dir = work.resolve(name);
        Path etc = dir.resolve("etc");
        Path deploy = dir.resolve("deploy");
        Files.createDirectories(etc);
        Files.createDirectories(deploy);
        Files.copy(dist.resolve("etc/org.apache.felix.fileinstall-deploy.cfg"),
                etc.resolve("org.apache.felix.fileinstall-deploy.cfg"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dist.resolve("deploy/vanycast-sample.jar"), deploy.resolve("vanycast-sample.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(demoJar, deploy.resolve("vanycast-demo.jar"), StandardCopyOption.REPLACE_EXISTING);
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
        Map<String, String> core = new LinkedHashMap<>();
        core.put("node.name", name);
        core.put("group.name", group);
        core.put("logical.address", x);
        core.put("ca.dir", ca.toString());
        core.put("channel", "[" + own + "]:" + CHANNEL_PORT);
        core.put("membership", "[" + own + "]:" + MEMBERSHIP_PORT);
        core.put("initial.hosts", String.join(",", hosts));
        core.put("backups", "1");
        // JGroups' join (and discovery) wait follows the failure timeout; on a loaded 2-core
        // machine the first TLS handshakes of a fresh JVM can outlast the 1.5 s default,
        // and a node that finds nobody founds its own group.
        core.put("failure.timeout.ms", "5000");
        core.putAll(coreOverrides);
        write(etc.resolve("org.vanycast.core.node.cfg"),
                core.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).toArray(String[]::new));
        write(etc.resolve("org.vanycast.mipv6.node.cfg"),
                "rr.in.advance = true",
                "logical.address = " + x,
                "care.of.address = " + own,
                "home.agent.address = " + Topology.str(tb.homeAgentAddress()),
                "secret.file = " + secret,
                "relay.listen = [" + own + "]:" + RELAY_PORT,
                "relay.peers = " + String.join(",", peers));
        // The product bundles' own wiring: the soap-adapter's connector on [X]:port (its
        // connections tracked by the anycast node) and the core's loopback operator endpoint.
        write(etc.resolve("org.vanycast.soap.cfg"),
                "connector.enabled = true",
                "connector.host = " + x,
                "connector.port = " + HTTP_PORT);
        write(etc.resolve("org.vanycast.core.control.cfg"), "listen = [::1]:" + CONTROL_PORT);
        // What only the demo knows: which of the sample service's responses can be continued elsewhere.
        write(etc.resolve("org.vanycast.demo.sample.cfg"),
                "logical.address = " + x,
                "port = " + HTTP_PORT,
                "data.dir = " + data);
        write(etc.resolve("org.vanycast.core.handoffcsv.cfg"), "file = " + dir.resolve("handoffs.csv"));
        return new NodeContainer(name, dir);
    }

    private static void write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
    }

    /**
     * Starts the container in {@code ns} and waits until it listens; {@code javaOptions} (blank:
     * none) go to the node's JVM, e.g. {@code -Dorg.slf4j.simpleLogger.log.org.vanycast.soap=debug}.
     */
    void start(Path repository, String ns, InetAddress own, Path data, String javaOptions)
            throws IOException, InterruptedException {
        List<String> wrapper = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        if (!javaOptions.isBlank()) {
            wrapper.addAll(List.of("env", "JDK_JAVA_OPTIONS=" + javaOptions.strip()));
        }
        process = NodeProcess.start(repository, wrapper,
                List.of("--name", name, "--address", own.getHostAddress(), "--port", Integer.toString(HTTP_PORT),
                        "--data", data.toString(), "--deploy", dir.resolve("deploy").toString(),
                        "--etc", dir.resolve("etc").toString(), "--work", dir.resolve("work").toString()),
                dir.resolve("node.log"), 120_000);
    }

    /** One request to the node's loopback control endpoint (run inside the node's namespace). */
    static String control(Testbed tb, String node, String request) throws Exception {
        return tb.call(node, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName("::1"), CONTROL_PORT), 2000);
                s.setSoTimeout(70_000);
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                out.println(request);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                return line == null ? "failed no answer" : line;
            }
        });
    }

    /**
     * Switches return routability in advance on or off in the running node (Config Admin
     * through FileInstall) and waits until the node logged the change.
     */
    void rrInAdvance(boolean on, long timeoutMillis) throws IOException, InterruptedException {
        Path cfg = dir.resolve("etc/org.vanycast.mipv6.node.cfg");
        String text = Files.readString(cfg);
        String next = text.replaceFirst("rr\\.in\\.advance = \\w+", "rr.in.advance = " + on);
        String line = "return routability in advance: " + on;
        long seen = process.logText().split(java.util.regex.Pattern.quote(line), -1).length - 1;
        if (next.equals(text)) {
            return;
        }
        Files.writeString(cfg, next);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (process.logText().split(java.util.regex.Pattern.quote(line), -1).length - 1 <= seen) {
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " did not apply rr.in.advance=" + on + ": " + logTail());
            }
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /**
     * Sets {@code key = value} in the running node's {@code org.vanycast.core.node.cfg}
     * (FileInstall hands it to Config Admin). The node component has no modified method, so
     * SCR re-creates it: the node leaves its group gracefully (handing off its clients, if
     * any) and joins again with the new value. Waits for that new join; the caller waits for
     * the group to count the node again. Not for the contact node, whose leave moves X.
     */
    void coreConfig(String key, String value, long timeoutMillis) throws IOException, InterruptedException {
        Path cfg = dir.resolve("etc/org.vanycast.core.node.cfg");
        String text = Files.readString(cfg);
        String line = key + " = " + value;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(key) + " = .*$")
                .matcher(text);
        String next = m.find() ? m.replaceFirst(java.util.regex.Matcher.quoteReplacement(line)) : text + line + "\n";
        if (next.equals(text)) {
            return;
        }
        String joined = "node " + name + " joined group";
        long seen = count(process.logText(), joined);
        Files.writeString(cfg, next);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (count(process.logText(), joined) <= seen) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IOException(name + " did not rejoin with " + line + ": " + logTail());
            }
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static long count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    /** The node container's process (null before {@link #start}). */
    NodeProcess process() {
        return process;
    }

    Path handoffCsv() {
        return dir.resolve("handoffs.csv");
    }

    String logTail() {
        try {
            return process == null ? "" : process.tail();
        } catch (IOException e) {
            return "";
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        if (process != null) {
            try {
                process.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
