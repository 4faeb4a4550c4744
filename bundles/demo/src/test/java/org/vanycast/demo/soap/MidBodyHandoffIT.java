package org.vanycast.demo.soap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vanycast.testbed.Capture;

/**
 * Issue 4 acceptance through the real node containers: responses cut mid-body by a handoff
 * and finished by the acceptor container. A 4 MB SOAP {@code getRange} answer to zeep
 * (continued by replaying the recorded request on the acceptor) and a 10 MB plain download
 * to curl (continued from the document at the recorded offset): byte-exact, framing valid
 * for the client (zeep parses the envelope, curl exits 0), one TCP connection each, no reset.
 */
@Tag("netns")
class MidBodyHandoffIT {
    private static final long RANGE = 4_000_000;
    private static final long DOWNLOAD = 10L * 1024 * 1024;

    @Test
    void shouldFinishLargeGetRangeAndTenMegabyteDownloadByteExactWhenHandedOffMidBody() throws Exception {
        Path out = Path.of("target/soap-e2e/mid-body");
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        // client link 24 Mbit/s: the 10 MB body takes ~3.5 s, long enough to be cut in the middle
        try (NodeBed bed = NodeBed.start("sm", 2, 24_000, Map.of("range.bin", 5_000_000L, "big.bin", DOWNLOAD), Map.of())) {
            long up = System.nanoTime();
            try {
                getRangeMidBody(bed, out);
                long range = System.nanoTime();
                downloadMidBody(bed, out);
                System.out.printf("soap mid-body e2e: testbed+nodes %d ms, getRange 4 MB with handoff %d ms, download 10 MB with handoff %d ms%n",
                        ms(up - t0), ms(range - up), ms(System.nanoTime() - range));
            } finally {
                bed.keepLogs(out.resolve("logs"));
            }
        }
    }

    /** node1 → node2 while node1 is sending the 4 MB getRange answer (~5.3 MB of base64 in the envelope). */
    private static void getRangeMidBody(NodeBed bed, Path out) throws Exception {
        Capture cap = Capture.start(bed.testbed().ns("client"), "eth0", out.resolve("getrange.pcap").toAbsolutePath());
        String reply;
        long atHandoff;
        try (ClientProcess zeep = ClientProcess.python(bed.testbed().ns("client"), "/soap/zeep_steps.py", bed.work,
                bed.baseUrl() + "/soap/content?wsdl", bed.data.toString())) {
            String ready = zeep.next(60_000);
            assertTrue(ready.startsWith("READY "), ready);
            int port = Integer.parseInt(ready.split(" ")[1]);
            long before = bed.bytesReceived(port);
            zeep.send("range range.bin 1000 " + RANGE);
            atHandoff = bed.awaitBytesReceived(port, before + 1_500_000, 30_000);
            reply = bed.handoff("node1", port, "node2");
            String answer = zeep.next(60_000);
            String want = NodeBed.sha256(java.util.Arrays.copyOfRange(Files.readAllBytes(bed.data.resolve("range.bin")),
                    1000, 1000 + (int) RANGE));
            assertEquals("OK range " + RANGE + " " + want, answer, "zeep parsed the whole answer, byte-exact");
            zeep.step("range range.bin 77 5000", 30_000); // the acceptor serves the connection on
            zeep.send("quit");
            assertEquals("DONE 1", zeep.next(10_000), "zeep opened one connection");
        }
        assertTrue(reply.startsWith("ok "), "handoff node1 -> node2 mid-getRange (at " + atHandoff + " bytes): " + reply);
        assertTrue(appStateBytes(reply) > 9, "a response in progress was captured (not an idle connection): " + reply);
        ClientWire wire = ClientWire.read(cap);
        Files.writeString(out.resolve("getrange-wire.txt"), wire + "\nhandoff at " + atHandoff + " bytes: " + reply + "\n");
        assertEquals(1, wire.clientSyns(), wire.toString());
        assertEquals(0, wire.resets(), wire.toString());
        assertEquals(2, wire.servingSequence().size(), "node1 (through the home agent), then node2: " + wire);
        assertTrue(wire.serverBytesBySource().get(bed.address("node2")) > 1_000_000,
                "node2 sent the rest of the body from its care-of address: " + wire);
    }

    /** A new connection reaches node2 (the client's binding for X points there): node2 → node1 at a third of 10 MB. */
    private static void downloadMidBody(NodeBed bed, Path out) throws Exception {
        Path received = bed.work.resolve("big.received");
        Capture cap = Capture.start(bed.testbed().ns("client"), "eth0", out.resolve("download.pcap").toAbsolutePath());
        Process curl = new ProcessBuilder("ip", "netns", "exec", bed.testbed().ns("client"), "curl", "-g", "-sS",
                "--max-time", "120", "-o", received.toString(), "-w", "%{num_connects} %{http_code} %{size_download}\\n",
                bed.baseUrl() + "/content/big.bin").redirectErrorStream(true).redirectOutput(out.resolve("curl.log").toFile()).start();
        String reply;
        long at;
        try {
            at = awaitFile(received, DOWNLOAD / 3, curl);
            int port = bed.awaitClientPort(5000);
            reply = bed.handoff("node2", port, "node1");
            assertTrue(curl.waitFor(120, TimeUnit.SECONDS), "curl finished");
        } finally {
            curl.destroyForcibly();
        }
        String log = Files.readString(out.resolve("curl.log"));
        assertTrue(reply.startsWith("ok "), "handoff node2 -> node1 mid-download (at " + at + " bytes): " + reply);
        assertTrue(appStateBytes(reply) > 9, "a response in progress was captured (not an idle connection): " + reply);
        assertEquals(0, curl.exitValue(), "curl exit status (framing valid): " + log);
        assertEquals("1 200 " + DOWNLOAD + "\n", log, "one connect, HTTP 200, every byte");
        assertEquals(bed.sha256("big.bin"), NodeBed.sha256(Files.readAllBytes(received)), "sha256 of the download");
        ClientWire wire = ClientWire.read(cap);
        Files.writeString(out.resolve("download-wire.txt"), wire + "\nhandoff at " + at + " bytes: " + reply + "\n");
        assertEquals(1, wire.clientSyns(), wire.toString());
        assertEquals(0, wire.resets(), wire.toString());
        List<String> seq = wire.servingSequence();
        assertEquals(2, seq.size(), "two senders, one handoff: " + wire);
        assertEquals(bed.address("node2"), seq.get(0), "node2 served the start: " + wire);
    }

    private static long awaitFile(Path file, long bytes, Process curl) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.size(file) >= bytes) {
                return Files.size(file);
            }
            if (!curl.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        throw new AssertionError("download did not reach " + bytes + " bytes (curl " + (curl.isAlive() ? "running" : "ended") + ")");
    }

    private static int appStateBytes(String reply) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" app_state_bytes=(\\d+)").matcher(reply);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
