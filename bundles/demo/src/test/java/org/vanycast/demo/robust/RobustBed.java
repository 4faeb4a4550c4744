package org.vanycast.demo.robust;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.vanycast.demo.internal.run.ContainerBed;
import org.vanycast.demo.internal.run.Proc;
import org.vanycast.testbed.Agents;
import org.vanycast.testbed.Testbed;

/**
 * The robustness tests' view of the shared {@link ContainerBed} (testbed, agents and real node
 * containers configured like the demo's, with as many backups as the group allows), plus what
 * only these tests do: parallel downloads, killing and signalling node containers, counting
 * resets on the client's wire.
 */
final class RobustBed implements AutoCloseable {
    static final int HTTP_PORT = ContainerBed.HTTP_PORT;
    static final int CHANNEL_PORT = ContainerBed.CHANNEL_PORT;

    final ContainerBed bed;
    final Testbed tb;
    final Agents agents;
    final Path work;

    private RobustBed(ContainerBed bed) {
        this.bed = bed;
        this.tb = bed.testbed();
        this.agents = bed.agents();
        this.work = bed.work();
    }

    /**
     * Testbed {@code vct-<tag><pid>-*} with {@code nodes} nodes (client link 10 ms one way,
     * shaped to {@code clientKbit}; node links 5 ms), all node containers started one after
     * another; node1 is the contact node when this returns. The node logs go to {@code out/logs}.
     */
    static RobustBed start(String tag, int nodes, int clientKbit, Path out, PrintStream log) throws Exception {
        Files.createDirectories(out);
        return new RobustBed(ContainerBed.start(ContainerBed.spec(ContainerBed.wan(tag + ProcessHandle.current().pid()
                        % 100_000, nodes, 10, clientKbit, 5), repository())
                .coreConfig("backups", Integer.toString(Math.max(1, nodes - 1))).logs(out.resolve("logs")).log(log)));
    }

    Inet6Address x() {
        return bed.x();
    }

    Path nodeDir(String node) {
        return bed.nodeDir(node);
    }

    boolean isAlive(String node) {
        return bed.isAlive(node);
    }

    /** {@code kill -9} of the node container's JVM; {@link System#nanoTime()} right before the signal. */
    long kill9(String node) throws Exception {
        return bed.kill9(node);
    }

    void signal(String node, String sig) throws Exception {
        check(new ProcessBuilder("kill", "-" + sig, Long.toString(bed.pid(node))).start().waitFor() == 0, "kill -" + sig);
    }

    String control(String node, String request) throws Exception {
        return bed.control(node, request);
    }

    String statusQuietly(String node) {
        return bed.statusQuietly(node);
    }

    void awaitStatus(String node, String expected, long timeoutMillis) throws Exception {
        bed.awaitStatus(node, expected, timeoutMillis);
    }

    String handoff(String donor, int clientPort, String acceptor) throws Exception {
        return bed.handoff(donor, clientPort, acceptor);
    }

    String document(String name, long size) throws Exception {
        return bed.document(name, size);
    }

    /** An untouched curl on the client downloading {@code documents} from X, one connection each, in parallel. */
    Process curl(Path dir, List<String> documents) throws IOException {
        return bed.curl(dir, documents, 150);
    }

    /** Documents in {@code dir} whose content differs from what the service holds (empty: all intact). */
    List<String> corrupted(Path dir, List<String> documents) throws Exception {
        List<String> bad = new ArrayList<>();
        for (String d : documents) {
            Path f = dir.resolve(d);
            if (!Files.exists(f) || !ContainerBed.sha256(f).equals(bed.sha256(d))) {
                bad.add(d + (Files.exists(f) ? " (" + Files.size(f) + " bytes)" : " (missing)"));
            }
        }
        return bad;
    }

    List<Integer> clientPorts() throws Exception {
        return bed.clientPorts();
    }

    /** TCP resets on port 8080 in a capture file (tshark). */
    static int resets(Path pcap) throws Exception {
        String text = Proc.output(60_000, "tshark", "-r", pcap.toString(), "-Y", "tcp.flags.reset==1 && tcp.port==" + HTTP_PORT,
                "-T", "fields", "-e", "frame.number");
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
        return ContainerBed.poll(timeoutMillis, everyMillis, condition);
    }

    String tail(String node) {
        return bed.tail(node);
    }

    String logText(String node) {
        return bed.logText(node);
    }

    /** Stops the containers (SIGTERM, then SIGKILL), keeps their logs under {@code out/logs}, removes the testbed. */
    @Override
    public void close() {
        bed.close();
    }

    static Path repository() {
        return Path.of("").toAbsolutePath().resolve("../..").normalize();
    }

    static long ms(long sinceNanos) {
        return ContainerBed.ms(sinceNanos);
    }

    static void check(boolean ok, String what) throws IOException {
        if (!ok) {
            throw new IOException(what + " failed");
        }
    }
}
