package org.vanycast.soap.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vanycast.core.spi.ConnectionMigrator.FrozenConnection;
import org.vanycast.core.spi.ConnectionMigrator.RecreatedConnection;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.core.spi.SocketState;
import org.vanycast.soap.api.HandoffSettings;
import org.vanycast.soap.internal.TrackedConnection;
import org.vanycast.soap.internal.state.ResponseProgress;
import org.vanycast.soap.testutil.Http11;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.api.TcpMigration;
import org.vanycast.tcp.api.TcpMigrator;
import org.vanycast.tcp.internal.kernel.NetNamespace;
import org.vanycast.tcp.internal.testbed.Testbed;

/**
 * The whole handoff of an HTTP/SOAP connection with real kernels: two nodes in their own
 * network namespaces, each a Jetty + CXF node listening on [X]:port, a client namespace
 * behind a router; the TCP connection is frozen, extracted, re-created and activated by
 * tcp-handoff over TCP_REPAIR, the route to X switched, and this module's application state
 * carries the conversation across. The namespaces are created and removed by the testbed.
 */
@Tag("netns")
class HttpHandoffOverTcpRepairTest {
    private static final int PORT = 8090;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Testbed testbed;
    private final TcpMigrator[] migrators = new TcpMigrator[3];
    private final TestNode[] nodes = new TestNode[3];
    private RawClient client;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(NetNamespace.unavailabilityCause().isEmpty(),
                () -> "network namespaces: " + NetNamespace.unavailabilityCause().orElse(""));
        testbed = Testbed.create();
        // Longer than the migrators' release grace: the donor's server never closes a socket
        // the migrator still holds.
        HandoffSettings settings = HandoffSettings.defaults().withForgetDelay(Duration.ofMillis(800));
        for (int n = 1; n <= 2; n++) {
            int node = n;
            migrators[n] = testbed.node(n).call(() -> TcpMigration.create(FreezeMode.SOCKET_FILTER,
                    Duration.ofMillis(400)));
            Assumptions.assumeTrue(migrators[n].isAvailable(),
                    () -> "TCP migration: " + migrators[node].unavailabilityCause().orElse(""));
            nodes[n] = testbed.node(n).call(() -> new TestNode("node-" + node, Testbed.X.getHostAddress(), PORT,
                    settings, true));
        }
        client = testbed.client().call(() -> new RawClient(new InetSocketAddress(Testbed.X, PORT), 1 << 20));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        for (int n = 1; n <= 2; n++) {
            if (nodes[n] != null) {
                nodes[n].close();
            }
            if (migrators[n] != null) {
                migrators[n].close();
            }
        }
        if (testbed != null) {
            testbed.close();
        }
    }

    /** The node's connection that it still serves (handed-off ones linger, held, until forgotten). */
    private SocketChannel served(int node) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (SocketChannel ch : nodes[node].connector.openConnections()) {
                TrackedConnection t = tracked(node, ch);
                if (t != null && t.handoff() == TrackedConnection.Handoff.NONE) {
                    return ch;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("node " + node + " serves no connection");
    }

    private TrackedConnection tracked(int node, SocketChannel ch) {
        try {
            return nodes[node].tracked(ch);
        } catch (IOException e) {
            return null;
        }
    }

    /** One handoff as the coordinator performs it, application state and TCP state together. */
    private CompletableFuture<Void> handOff(int from, SocketChannel ch) throws Exception {
        return handOff(from, ch, true);
    }

    /** @param tellReleased false: a coordinator that never calls {@code released} (the donor notices the close) */
    private CompletableFuture<Void> handOff(int from, SocketChannel ch, boolean tellReleased) throws Exception {
        int to = 3 - from;
        byte[] app = nodes[from].codec().capture(ch, TIMEOUT).orElseThrow();
        FrozenConnection frozen = migrators[from].freeze(ch);
        SocketState tcp = frozen.extract();
        nodes[to].codec().validate(app);
        RecreatedConnection recreated = testbed.node(to).call(() -> migrators[to].recreate(tcp));
        testbed.switchTo(to);
        SocketChannel activated = recreated.activate();
        CompletableFuture<Void> continued = testbed.node(to).call(() -> nodes[to].codec().restoreAsync(activated, app));
        frozen.release();
        if (tellReleased) {
            nodes[from].codec().released(ch);
        }
        return continued;
    }

    /**
     * Without {@code released}: the connection comes back to each node well within the
     * migrator's release grace, so this also shows the donor let go of the socket in time.
     */
    @Test
    void shouldAnswerOneHundredSoapCallsOnOneConnectionHandedBetweenNodesEveryTenCalls() throws Exception {
        int node = 1;
        int local = client.socket.getLocalPort();
        for (int call = 0; call < 100; call++) {
            if (call > 0 && call % 10 == 0) {
                handOff(node, served(node), false).get(10, TimeUnit.SECONDS);
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
        client.sendSoap("slowEcho", "<text>in flight</text>");
        assertTrue(nodes[1].slowEntered.await(10, TimeUnit.SECONDS));
        SocketChannel ch = served(1);
        TrackedConnection t = tracked(1, ch);
        CompletableFuture<CompletableFuture<Void>> handoff = CompletableFuture.supplyAsync(() -> {
            try {
                return handOff(1, ch);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await(() -> t.handoff() == TrackedConnection.Handoff.CAPTURING);
        assertTrue(!handoff.isDone(), "nothing moves while the SOAP response is being produced");
        nodes[1].slowRelease.countDown();
        assertTrue(client.readResponse().contains("in flight"), "the client gets the donor's whole response");
        handoff.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        assertTrue(client.soap("whoAmI", "<caller>next</caller>").contains("node-2 answers next"));
    }

    @Test
    void shouldRollBackToTheDonorWhenTheAcceptorGetsCorruptApplicationState() throws Exception {
        assertTrue(client.soap("whoAmI", "<caller>before</caller>").contains("node-1"));
        SocketChannel ch = served(1);
        byte[] app = nodes[1].codec().capture(ch, TIMEOUT).orElseThrow();
        FrozenConnection frozen = migrators[1].freeze(ch);
        SocketState tcp = frozen.extract();
        byte[] corrupt = app.clone();
        corrupt[corrupt.length - 1] ^= 0x01;
        assertThrows(MalformedStateException.class, () -> nodes[2].codec().validate(corrupt));
        // What the coordinator does on a failed Init: the donor thaws its socket and serves on.
        assertEquals(ch, frozen.resume());
        nodes[1].codec().resumeLocally(ch, app);
        assertTrue(tcp.size() > 0);
        for (int i = 0; i < 5; i++) {
            assertTrue(client.soap("whoAmI", "<caller>after" + i + "</caller>").contains("node-1 answers after" + i));
        }
        assertTrue(nodes[2].connector.openConnections().isEmpty(), "the acceptor never took the connection");
    }

    /** zeep (python3-zeep) on the client's namespace, one requests session: its own keep-alive connection. */
    @Test
    void shouldServeAZeepClientOnOneConnectionWhileItIsHandedBetweenNodes() throws Exception {
        Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3")));
        client.close();
        client = null;
        await(() -> nodes[1].connector.openConnections().isEmpty());
        java.nio.file.Path script = java.nio.file.Path.of(getClass().getResource("/zeep_client.py").toURI());
        String wsdl = "http://[" + Testbed.X.getHostAddress() + "]:" + PORT + "/soap/docs?wsdl";
        Process zeep = new ProcessBuilder("ip", "netns", "exec", testbed.name("c"), "/usr/bin/python3",
                script.toString(), wsdl).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                zeep.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
                java.io.Writer in = new java.io.OutputStreamWriter(zeep.getOutputStream(),
                        java.nio.charset.StandardCharsets.UTF_8)) {
            assertEquals("ready", out.readLine());
            int node = 1;
            int clientPort = served(1).socket().getPort();
            for (int block = 0; block < 10; block++) {
                if (block > 0) {
                    SocketChannel ch = served(node);
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
        client.get("/files/movie.bin?size=" + size);
        SocketChannel ch = served(1);
        await(() -> {
            TrackedConnection t = tracked(1, ch);
            ResponseProgress p = t == null ? null : t.responseProgress();
            return p != null && p.bodySent() > 0;
        });
        CompletableFuture<Void> continued = handOff(1, ch);
        Http11.Response r = Http11.read(client.in);
        continued.get(30, TimeUnit.SECONDS);
        assertEquals(size, r.body().length);
        assertArrayEquals(Documents.sha256("movie.bin", size), Documents.sha256().digest(r.body()));
        assertTrue(client.soap("whoAmI", "<caller>after</caller>").contains("node-2"));
    }

    @Test
    void shouldFinishALargeSoapGetRangeResponseAfterAMidBodyHandoff() throws Exception {
        int length = 4 << 20;
        long offset = 777;
        client.sendSoap("getRange", "<name>archive.doc</name><offset>" + offset + "</offset><length>" + length
                + "</length>");
        SocketChannel ch = served(1);
        await(() -> {
            TrackedConnection t = tracked(1, ch);
            ResponseProgress p = t == null ? null : t.responseProgress();
            return p != null && p.bodySent() > 0;
        });
        CompletableFuture<Void> continued = handOff(1, ch);
        Http11.Response r = Http11.read(client.in);
        continued.get(30, TimeUnit.SECONDS);
        assertTrue(r.chunked(), "CXF streams the envelope chunked; the acceptor kept that framing");
        String xml = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        byte[] range = java.util.Base64.getMimeDecoder().decode(
                xml.substring(xml.indexOf("<return>") + 8, xml.indexOf("</return>")));
        byte[] expected = new byte[length];
        Documents.fill("archive.doc", offset, expected, 0, length);
        assertArrayEquals(Documents.sha256().digest(expected), Documents.sha256().digest(range));
        assertTrue(client.soap("whoAmI", "<caller>after</caller>").contains("node-2"));
    }

    @Test
    void shouldFinishAChunkedDownloadAfterAMidBodyHandoff() throws Exception {
        int size = 10 << 20;
        client.get("/files/stream.bin?size=" + size + "&chunked=1");
        SocketChannel ch = served(1);
        await(() -> {
            TrackedConnection t = tracked(1, ch);
            ResponseProgress p = t == null ? null : t.responseProgress();
            return p != null && p.bodySent() > 0;
        });
        CompletableFuture<Void> continued = handOff(1, ch);
        Http11.Response r = Http11.read(client.in);
        continued.get(30, TimeUnit.SECONDS);
        assertTrue(r.chunked());
        assertArrayEquals(Documents.sha256("stream.bin", size), Documents.sha256().digest(r.body()));
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in time");
            }
            Thread.onSpinWait();
        }
    }
}
