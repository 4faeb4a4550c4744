package org.vanycast.demo.soap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vanycast.testbed.Capture;

/**
 * Issue 4 acceptance through the real node containers: SOAP clients no one here wrote keep
 * one keep-alive connection to X while the operator hands it between node containers.
 * Python zeep makes 100 calls (handoff every 10 calls, node1 → node2 → node1 …); curl sends
 * SOAP envelopes with {@code --next} on one connection (handoff between envelopes).
 */
@Tag("netns")
class SoapKeepAliveHandoffIT {
    private static final Pattern CONTENT = Pattern.compile("<content>([^<]*)</content>");

    @Test
    void shouldAnswerEveryZeepAndCurlSoapCallCorrectlyOnOneConnectionWhileHandedBetweenNodeContainers() throws Exception {
        Path out = Path.of("target/soap-e2e/keepalive");
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        try (NodeBed bed = NodeBed.start("sk", 2, 100_000,
                Map.of("a.bin", 300_000L, "b.bin", 70_000L, "c.bin", 5_000L), Map.of())) {
            long up = System.nanoTime();
            try {
                String last = zeepHundredCalls(bed, out);
                long zeep = System.nanoTime();
                // The client's binding for X now points to the last acceptor: a new connection reaches it.
                curlEnvelopes(bed, out, last);
                System.out.printf("soap keep-alive e2e: testbed+nodes %d ms, zeep 100 calls/9 handoffs %d ms, curl 4 envelopes/3 handoffs %d ms%n",
                        ms(up - t0), ms(zeep - up), ms(System.nanoTime() - zeep));
            } finally {
                bed.keepLogs(out.resolve("logs"));
            }
        }
    }

    /** @return the last acceptor */
    private static String zeepHundredCalls(NodeBed bed, Path out) throws Exception {
        Capture cap = Capture.start(bed.testbed().ns("client"), "eth0", out.resolve("zeep.pcap").toAbsolutePath());
        String wsdl = bed.baseUrl() + "/soap/content?wsdl";
        List<String> replies = new ArrayList<>();
        String donor = "node1";
        try (ClientProcess zeep = ClientProcess.python(bed.testbed().ns("client"), "/soap/zeep_calls.py", bed.work,
                wsdl, bed.data.toString(), "100", "10")) {
            for (int pause = 1; pause <= 9; pause++) {
                String line = zeep.next(60_000);
                assertTrue(line.startsWith("PAUSE " + pause * 10 + " "), line);
                int port = bed.awaitClientPort(5000);
                assertEquals(Integer.parseInt(line.split(" ")[2]), port, "zeep's socket is the one connection to X");
                String acceptor = donor.equals("node1") ? "node2" : "node1";
                String reply = bed.handoff(donor, port, acceptor);
                assertTrue(reply.startsWith("ok "), "handoff " + donor + " -> " + acceptor + " after " + pause * 10 + " calls: " + reply);
                replies.add(reply);
                donor = acceptor;
                zeep.send("go");
            }
            String done = zeep.next(60_000);
            assertEquals("DONE 100 1", done, "all 100 zeep calls answered correctly; urllib3 opened one connection");
            assertEquals(0, zeep.waitFor(10_000), zeep.stderrText());
        }
        ClientWire wire = ClientWire.read(cap);
        Files.writeString(out.resolve("zeep-wire.txt"), wire + "\n" + String.join("\n", replies) + "\n");
        assertEquals(1, wire.clientSyns(), "one TCP connection opened on the client's wire: " + wire);
        assertEquals(0, wire.resets(), "no resets: " + wire);
        // Each handoff shows on the wire as a change of the sender of the answers.
        assertEquals(10, wire.servingSequence().size(), "ten turns of service, one per handoff: " + wire);
        assertTrue(wire.serverBytesBySource().containsKey(bed.address("node2")), "node2 answered from its care-of address: " + wire);
        return donor;
    }

    private static void curlEnvelopes(NodeBed bed, Path out, String firstDonor) throws Exception {
        int n = 4;
        String url = bed.baseUrl() + "/soap/content";
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", bed.testbed().ns("client"), "curl", "-g", "-sS",
                "--max-time", "120"));
        List<Path> fifos = new ArrayList<>();
        List<Path> answers = new ArrayList<>();
        long[] offsets = new long[n];
        for (int k = 0; k < n; k++) {
            Path fifo = bed.work.resolve("envelope" + k);
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");
            fifos.add(fifo);
            Path answer = bed.work.resolve("answer" + k + ".xml");
            answers.add(answer);
            if (k > 0) {
                cmd.add("--next");
            }
            // -T on a FIFO: curl opens each envelope only when that transfer starts, so the test
            // decides when the next request leaves; the body goes chunked on the same connection.
            cmd.addAll(List.of("-X", "POST", "-H", "Content-Type: text/xml; charset=utf-8", "-H", "SOAPAction: \"\"",
                    "-H", "Expect:", "-T", fifo.toString(), "-o", answer.toString(), "-w", "%{num_connects} %{http_code}\\n", url));
            offsets[k] = 1000L + 50_000L * k;
        }
        Capture cap = Capture.start(bed.testbed().ns("client"), "eth0", out.resolve("curl.pcap").toAbsolutePath());
        Process curl = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolve("curl.log").toFile()).start();
        String donor = firstDonor;
        List<String> replies = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                String env = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                        + "<c:getRange xmlns:c=\"urn:vanycast:sample:content\"><name>a.bin</name><offset>" + offsets[k]
                        + "</offset><length>20000</length></c:getRange></soap:Body></soap:Envelope>";
                Path fifo = fifos.get(k);
                CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                    try {
                        Files.writeString(fifo, env, StandardCharsets.UTF_8);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                w.get(30, TimeUnit.SECONDS);
                awaitAnswer(answers.get(k), curl);
                if (k + 1 < n) {
                    int port = bed.awaitClientPort(5000);
                    String acceptor = donor.equals("node1") ? "node2" : "node1";
                    String reply = bed.handoff(donor, port, acceptor);
                    assertTrue(reply.startsWith("ok "), "handoff " + donor + " -> " + acceptor + " after envelope " + (k + 1) + ": " + reply);
                    replies.add(reply);
                    donor = acceptor;
                }
            }
            assertTrue(curl.waitFor(60, TimeUnit.SECONDS), "curl finished");
        } finally {
            curl.destroyForcibly();
        }
        String log = Files.readString(out.resolve("curl.log"));
        assertEquals(0, curl.exitValue(), "curl exit status: " + log);
        assertEquals("1 200\n0 200\n0 200\n0 200\n", log, "curl: one connect, then reuse; every status 200");
        byte[] doc = Files.readAllBytes(bed.data.resolve("a.bin"));
        for (int k = 0; k < n; k++) {
            Matcher m = CONTENT.matcher(Files.readString(answers.get(k)));
            assertTrue(m.find(), "envelope " + k + " answered with content");
            byte[] got = Base64.getDecoder().decode(m.group(1));
            byte[] want = java.util.Arrays.copyOfRange(doc, (int) offsets[k], (int) offsets[k] + 20_000);
            assertEquals(NodeBed.sha256(want), NodeBed.sha256(got), "getRange answer " + k);
        }
        ClientWire wire = ClientWire.read(cap);
        Files.writeString(out.resolve("curl-wire.txt"), wire + "\n" + String.join("\n", replies) + "\n");
        assertEquals(1, wire.clientSyns(), "one TCP connection on the client's wire: " + wire);
        assertEquals(0, wire.resets(), "no resets: " + wire);
        assertEquals(n, wire.servingSequence().size(), "one turn of service per envelope: " + wire);
    }

    private static void awaitAnswer(Path answer, Process curl) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(answer) && Files.readString(answer, StandardCharsets.ISO_8859_1).contains("Envelope>")) {
                return;
            }
            if (!curl.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError("no SOAP answer in " + answer + (curl.isAlive() ? "" : " (curl ended " + curl.exitValue() + ")"));
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
