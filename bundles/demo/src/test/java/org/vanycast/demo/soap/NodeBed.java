package org.vanycast.demo.soap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vanycast.demo.internal.run.BedSpec;
import org.vanycast.demo.internal.run.ContainerBed;
import org.vanycast.demo.internal.run.Proc;
import org.vanycast.testbed.Testbed;
import org.vanycast.testbed.Topology;

/**
 * The SOAP acceptance tests' view of the shared {@link ContainerBed} (group "soap"): per-node
 * JVM system properties (fault injection), documents of chosen sizes written before the test,
 * a capped send buffer in the node namespaces, and the client-side byte counts the tests time
 * their handoffs by.
 */
final class NodeBed implements AutoCloseable {
    static final int HTTP_PORT = ContainerBed.HTTP_PORT;
    /** Largest socket send buffer in the node namespaces (bytes). */
    static final int SNDBUF_MAX = 131_072;

    private final ContainerBed bed;
    final Path work;
    final Path data;

    private NodeBed(ContainerBed bed) {
        this.bed = bed;
        this.work = bed.work();
        this.data = bed.data();
    }

    /**
     * Starts the testbed with {@code nodes} node containers (one after another; node1 is the
     * contact node), serving random documents of the given sizes. {@code jvmProps} gives
     * system properties per node name.
     */
    static NodeBed start(String tag, int nodes, int clientRateKbit, Map<String, Long> documents,
                         Map<String, String> jvmProps) throws Exception {
        BedSpec spec = ContainerBed.spec(ContainerBed.wan(tag + ProcessHandle.current().pid() % 100_000, nodes,
                        10, clientRateKbit, 5), Path.of("").toAbsolutePath().resolve("../..").normalize())
                .group("soap")
                // Namespaced sysctl, nodes only: a small send buffer keeps the server's writes close to
                // what the client has received, so "the response is still being written" can be told
                // from the client side (otherwise megabytes sit in the socket when the handoff is asked).
                .nodeSysctl("net.ipv4.tcp_wmem=4096 16384 " + SNDBUF_MAX)
                // -Dsoap.e2e.nodeJvmProps="-D…" adds JVM options to every node (e.g. debug logging when diagnosing).
                .javaOptionsAll(System.getProperty("soap.e2e.nodeJvmProps", ""));
        jvmProps.forEach(spec::javaOptions);
        ContainerBed bed = ContainerBed.start(spec.failedStartLogs(Path.of("target/soap-e2e/failed-start-" + tag)));
        NodeBed b = new NodeBed(bed);
        try {
            for (Map.Entry<String, Long> d : documents.entrySet()) {
                bed.document(d.getKey(), d.getValue());
            }
            return b;
        } catch (Exception | Error e) {
            b.close();
            throw e;
        }
    }

    Testbed testbed() {
        return bed.testbed();
    }

    String x() {
        return Topology.str(bed.x());
    }

    String baseUrl() {
        return "http://[" + x() + "]:" + HTTP_PORT;
    }

    String address(String host) {
        return Topology.str(bed.testbed().address(host));
    }

    String sha256(String document) {
        return bed.sha256(document);
    }

    static String sha256(byte[] bytes) throws Exception {
        return ContainerBed.sha256(bytes);
    }

    String handoff(String donor, int clientPort, String acceptor) throws Exception {
        return bed.handoff(donor, clientPort, acceptor);
    }

    void awaitStatus(String node, String expected, long timeoutMillis) throws Exception {
        bed.awaitStatus(node, expected, timeoutMillis);
    }

    /** Lines of the node's log (for assertions on what the node reported). */
    String nodeLog(String node) {
        return bed.logText(node);
    }

    /** Copies the nodes' logs and handoff CSVs to {@code out} (for the report and for failures). */
    void keepLogs(Path out) {
        bed.keepLogs(out);
    }

    /** Polls until exactly one client connection to X is established; returns its client port. */
    int awaitClientPort(long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<Integer> ports = List.of();
        while (System.nanoTime() < deadline) {
            ports = bed.clientPorts();
            if (ports.size() == 1) {
                return ports.get(0);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IOException("expected one client connection to X, found " + ports);
    }

    /** Bytes the client's kernel has received on its connection from {@code clientPort} (ss -i), or -1 if not established. */
    long bytesReceived(int clientPort) throws Exception {
        String out = Proc.output(5000, "ip", "netns", "exec", bed.testbed().ns("client"), "ss", "-Htin", "state", "established", "sport", "= :" + clientPort);
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

    @Override
    public void close() {
        bed.close();
    }
}
