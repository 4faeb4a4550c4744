package org.vanycast.soap.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vanycast.core.spi.ConnectionMigrator.FrozenConnection;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.core.spi.SocketState;
import org.vanycast.soap.internal.TrackedConnection;
import org.vanycast.soap.testutil.Await;
import org.vanycast.soap.testutil.Http11;
import org.vanycast.tcp.internal.testbed.Testbed;

/**
 * The whole handoff of an HTTP/SOAP connection with real kernels: two nodes in their own
 * network namespaces, each a Jetty + CXF node listening on [X]:port, a client namespace
 * behind a router; the TCP connection is frozen, extracted, re-created and activated by
 * tcp-handoff over TCP_REPAIR, the route to X switched, and this module's application state
 * carries the conversation across. The namespaces are created and removed by the {@link RepairBed}.
 */
@Tag("netns")
class HttpHandoffOverTcpRepairTest {
    @RegisterExtension
    final RepairBed bed = new RepairBed();

    private CompletableFuture<Void> handOff(int from, SocketChannel ch) throws Exception {
        return bed.handOff(from, ch, true);
    }

    /** Hands node 1's connection to node 2 once its response body is under way; the whole response read. */
    private Http11.Response handOffMidBody() throws Exception {
        SocketChannel ch = bed.served(1);
        bed.node(1).awaitBodyStarted(ch);
        CompletableFuture<Void> continued = handOff(1, ch);
        Http11.Response r = Http11.read(bed.client().in);
        continued.get(30, TimeUnit.SECONDS);
        return r;
    }

    /**
     * Without {@code released}: the connection comes back to each node well within the
     * migrator's release grace, so this also shows the donor let go of the socket in time.
     */
    @Test
    void shouldAnswerOneHundredSoapCallsOnOneConnectionHandedBetweenNodesEveryTenCalls() throws Exception {
        RawClient client = bed.client();
        int node = 1;
        int local = client.socket.getLocalPort();
        for (int call = 0; call < 100; call++) {
            if (call > 0 && call % 10 == 0) {
                bed.handOff(node, bed.served(node), false).get(10, TimeUnit.SECONDS);
                node = 3 - node;
            }
            String answer = client.soap("whoAmI", "<caller>" + call + "</caller>");
            assertTrue(answer.contains("node-" + node + " answers " + call), answer);
        }
        assertEquals(local, client.socket.getLocalPort());
        assertTrue(client.socket.isConnected() && !client.socket.isClosed());
    }

    @Test
    void shouldDeferTheHandoffUntilANonResumableSoapResponseHasBeenSent() throws Exception {
        RawClient client = bed.client();
        client.sendSoap("slowEcho", "<text>in flight</text>");
        assertTrue(bed.node(1).slowEntered.await(10, TimeUnit.SECONDS));
        SocketChannel ch = bed.served(1);
        TrackedConnection t = bed.node(1).trackedOrNull(ch);
        CompletableFuture<CompletableFuture<Void>> handoff = CompletableFuture.supplyAsync(() -> {
            try {
                return handOff(1, ch);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the capture waits", () -> t.handoff() == TrackedConnection.Handoff.CAPTURING);
        assertTrue(!handoff.isDone(), "nothing moves while the SOAP response is being produced");
        bed.node(1).slowRelease.countDown();
        assertTrue(client.readResponse().contains("in flight"), "the client gets the donor's whole response");
        handoff.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        assertTrue(client.soap("whoAmI", "<caller>next</caller>").contains("node-2 answers next"));
    }

    @Test
    void shouldRollBackToTheDonorWhenTheAcceptorGetsCorruptApplicationState() throws Exception {
        RawClient client = bed.client();
        assertTrue(client.soap("whoAmI", "<caller>before</caller>").contains("node-1"));
        SocketChannel ch = bed.served(1);
        byte[] app = bed.node(1).codec().capture(ch, Await.TIMEOUT).orElseThrow();
        FrozenConnection frozen = bed.migrator(1).freeze(ch);
        SocketState tcp = frozen.extract();
        byte[] corrupt = app.clone();
        corrupt[corrupt.length - 1] ^= 0x01;
        assertThrows(MalformedStateException.class, () -> bed.node(2).codec().validate(corrupt));
        // What the coordinator does on a failed Init: the donor thaws its socket and serves on.
        assertEquals(ch, frozen.resume());
        bed.node(1).codec().resumeLocally(ch, app);
        assertTrue(tcp.size() > 0);
        for (int i = 0; i < 5; i++) {
            assertTrue(client.soap("whoAmI", "<caller>after" + i + "</caller>").contains("node-1 answers after" + i));
        }
        assertTrue(bed.node(2).connector.openConnections().isEmpty(), "the acceptor never took the connection");
    }

    /** zeep (python3-zeep) on the client's namespace, one requests session: its own keep-alive connection. */
    @Test
    void shouldServeAZeepClientOnOneConnectionWhileItIsHandedBetweenNodes() throws Exception {
        Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3")));
        bed.closeClient();
        Await.until("node 1 has no connection", () -> bed.node(1).connector.openConnections().isEmpty());
        java.nio.file.Path script = java.nio.file.Path.of(getClass().getResource("/zeep_client.py").toURI());
        String wsdl = "http://[" + Testbed.X.getHostAddress() + "]:" + RepairBed.PORT + "/soap/docs?wsdl";
        Process zeep = new ProcessBuilder("ip", "netns", "exec", bed.testbed().name("c"), "/usr/bin/python3",
                script.toString(), wsdl).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                zeep.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
                java.io.Writer in = new java.io.OutputStreamWriter(zeep.getOutputStream(),
                        java.nio.charset.StandardCharsets.UTF_8)) {
            assertEquals("ready", out.readLine());
            int node = 1;
            int clientPort = bed.served(1).socket().getPort();
            for (int block = 0; block < 10; block++) {
                if (block > 0) {
                    SocketChannel ch = bed.served(node);
                    assertEquals(clientPort, ch.socket().getPort(), "still the client's first connection");
                    handOff(node, ch).get(10, TimeUnit.SECONDS);
                    node = 3 - node;
                }
                in.write("calls " + block * 10 + " 10\n");
                in.flush();
                for (int i = block * 10; i < block * 10 + 10; i++) {
                    String line = out.readLine();
                    assertEquals("answer " + i + " node-" + node + " answers " + i, line);
                }
            }
            in.write("stats\n");
            in.flush();
            assertEquals("connects 1", out.readLine(), "zeep opened one TCP connection for all 100 calls");
            in.write("quit\n");
            in.flush();
            assertTrue(zeep.waitFor(10, TimeUnit.SECONDS));
        } finally {
            zeep.destroyForcibly();
        }
    }

    @Test
    void shouldFinishATenMegabyteDownloadByteExactAfterAMidBodyHandoff() throws Exception {
        int size = 10 << 20;
        bed.client().get("/files/movie.bin?size=" + size);
        Http11.Response r = handOffMidBody();
        assertEquals(size, r.body().length);
        assertArrayEquals(Documents.sha256("movie.bin", size), Documents.sha256().digest(r.body()));
        assertTrue(bed.client().soap("whoAmI", "<caller>after</caller>").contains("node-2"));
    }

    @Test
    void shouldFinishALargeSoapGetRangeResponseAfterAMidBodyHandoff() throws Exception {
        int length = 4 << 20;
        long offset = 777;
        bed.client().sendSoap("getRange", "<name>archive.doc</name><offset>" + offset + "</offset><length>" + length
                + "</length>");
        Http11.Response r = handOffMidBody();
        assertTrue(r.chunked(), "CXF streams the envelope chunked; the acceptor kept that framing");
        assertArrayEquals(Documents.sha256().digest(Documents.range("archive.doc", offset, length)),
                Documents.sha256().digest(Documents.soapReturn(r.body())));
        assertTrue(bed.client().soap("whoAmI", "<caller>after</caller>").contains("node-2"));
    }

    @Test
    void shouldFinishAChunkedDownloadAfterAMidBodyHandoff() throws Exception {
        int size = 10 << 20;
        bed.client().get("/files/stream.bin?size=" + size + "&chunked=1");
        Http11.Response r = handOffMidBody();
        assertTrue(r.chunked());
        assertArrayEquals(Documents.sha256("stream.bin", size), Documents.sha256().digest(r.body()));
    }
}
