package org.vanycast.demo.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.vanycast.core.internal.cli.CaCommand;
import org.vanycast.core.internal.tls.NodeCredentials;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.internal.wire.WireCodec;
import org.vanycast.core.spi.SocketState;
import org.vanycast.testbed.Capture;

/**
 * Issue 7: forged Init from outside the group, a replayed Init and an acceptor that crashes
 * mid-handoff, each while an untouched curl downloads from X: rejected or rolled back, and
 * the client loses no byte. One testbed (3 node containers) for the three, to keep the suite
 * short; each test runs its own download.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChannelAttackIT {
    private static final long SIZE = 3L << 19;
    private final Path out = Path.of("target/robust/channel-attacks").toAbsolutePath();
    private RobustBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = RobustBed.start("ra", 3, 4000, out, System.out);
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    @Order(1)
    void shouldRejectInitFromOutsideTheGroupWithoutDisturbingTheClient() throws Exception {
        bed.document("forged.bin", SIZE);
        Path got = out.resolve("forged");
        Capture capture = Capture.start(bed.tb.ns("client"), "eth0", out.resolve("forged.pcap"));
        Process curl = bed.curl(got, List.of("forged.bin"));
        assertTrue(RobustBed.awaitSize(got.resolve("forged.bin"), SIZE / 3, curl), "download under way");
        int port = bed.clientPorts().get(0);
        byte[] frame = WireCodec.encode(forgedInit(port));
        InetSocketAddress node1 = new InetSocketAddress(bed.tb.address("node1"), RobustBed.CHANNEL_PORT);

        // a certificate of another CA, with the name of a member
        Path otherCa = bed.work.resolve("other-ca");
        assertEquals(0, CaCommand.run(new String[] {"init", "--dir", otherCa.toString(), "--group", "demo"}));
        assertEquals(0, CaCommand.run(new String[] {"issue", "--dir", otherCa.toString(), "--node", "node2"}));
        NodeCredentials foreign = NodeCredentials.load(otherCa, "node2");
        String foreignAnswer = bed.tb.call("client", () -> attempt(tls(foreign), node1, frame));
        // no certificate at all
        String anonymousAnswer = bed.tb.call("client", () -> attempt(tls(null), node1, frame));
        System.out.println("forged Init, foreign CA: " + foreignAnswer + "; without certificate: " + anonymousAnswer);
        assertFalse(foreignAnswer.startsWith("answered"), foreignAnswer);
        assertFalse(anonymousAnswer.startsWith("answered"), anonymousAnswer);

        finishIntact(curl, got, "forged.bin", capture);
        assertTrue(bed.statusQuietly("node1").contains("role=CONTACT"), "node1 still serves as contact node");
        assertEquals(null, bed.agents.cnAgent().bindings().get(bed.x()), "the client's binding never moved");
        assertFalse(bed.logText("node1").contains("role=ACCEPTOR"), "node1 never acted as acceptor");
    }

    @Test
    @Order(2)
    void shouldRejectAReplayOfACapturedHandoffOnTheGroupChannel() throws Exception {
        bed.document("replayed.bin", SIZE);
        Path got = out.resolve("replayed");
        Capture client = Capture.start(bed.tb.ns("client"), "eth0", out.resolve("replayed.pcap"));
        Capture link = Capture.start(bed.tb.ns("node2"), "eth0", out.resolve("node2-link.pcap"));
        Process curl = bed.curl(got, List.of("replayed.bin"));
        assertTrue(RobustBed.awaitSize(got.resolve("replayed.bin"), SIZE / 3, curl), "download under way");
        int port = bed.clientPorts().get(0);
        String reply = bed.handoff("node1", port, "node2");
        assertTrue(reply.startsWith("ok "), reply);
        link.stop();
        byte[] recorded = ChannelCapture.donorBytes(link.file(), bed.tb.address("node1"), RobustBed.CHANNEL_PORT);
        // from the TLS ClientHello (record type 22) that opened the link through the Prepare and Init after it
        assertTrue(recorded.length > 1000 && recorded[0] == 22, "the handoff's link was recorded from its first byte: "
                + recorded.length + " bytes");
        long acceptedBefore = acceptorRows("node2");

        InetSocketAddress node2 = new InetSocketAddress(bed.tb.address("node2"), RobustBed.CHANNEL_PORT);
        String answer = bed.tb.call("node3", () -> replay(recorded, node2));
        System.out.println("replayed " + recorded.length + " recorded channel bytes (node1 -> node2) to node2: " + answer);
        assertTrue(answer.startsWith("closed"), answer);

        assertEquals(bed.tb.address("node2"), bed.agents.cnAgent().bindings().get(bed.x()), "binding still at node2");
        finishIntact(curl, got, "replayed.bin", client);
        assertEquals(acceptedBefore, acceptorRows("node2"), "node2 re-created nothing from the replay");
    }

    @Test
    @Order(3)
    void shouldRollBackWhenTheAcceptorCrashesBetweenPrepareAndDone() throws Exception {
        bed.document("crash.bin", SIZE);
        Path got = out.resolve("crash");
        Capture capture = Capture.start(bed.tb.ns("client"), "eth0", out.resolve("crash.pcap"));
        Process curl = bed.curl(got, List.of("crash.bin"));
        assertTrue(RobustBed.awaitSize(got.resolve("crash.bin"), SIZE / 4, curl), "download under way");
        int port = bed.clientPorts().get(0);
        String donor = servingNode();
        // Open the donor's group channel to node3 with a real round trip there and back, so the
        // next Prepare and Init travel on an established TLS link.
        String there = bed.handoff(donor, port, "node3");
        assertTrue(there.startsWith("ok "), there);
        String back = bed.handoff("node3", port, donor);
        assertTrue(back.startsWith("ok "), back);
        // node3 stops (SIGSTOP): the donor's Prepare and Init pile up unread in its socket, then
        // it dies (kill -9) without ever answering.
        bed.signal("node3", "STOP");
        long queuedBefore = ChannelCapture.receiveQueue(bed.tb.ns("node3"), RobustBed.CHANNEL_PORT);
        CompletableFuture<String> handoff = CompletableFuture.supplyAsync(() -> {
            try {
                return bed.handoff(donor, port, "node3");
            } catch (Exception e) {
                return "failed " + e;
            }
        });
        long[] queued = {0};
        assertTrue(RobustBed.poll(20_000, 2, () -> (queued[0] = ChannelCapture.receiveQueue(bed.tb.ns("node3"),
                RobustBed.CHANNEL_PORT)) - queuedBefore > 300), "Prepare and Init reached node3's channel socket");
        long killed = bed.kill9("node3");
        String reply = handoff.get(60, TimeUnit.SECONDS);
        long rollbackMillis = RobustBed.ms(killed);
        System.out.printf("acceptor crash: %s -> node3 killed holding %d unread channel bytes (Prepare+Init);"
                + " donor answered after %d ms: %s%n", donor, queued[0] - queuedBefore, rollbackMillis, reply);
        assertTrue(reply.startsWith("failed "), reply);

        finishIntact(curl, got, "crash.bin", capture);
        assertTrue(bed.isAlive(donor), donor + " still runs");
        Files.writeString(out.resolve("crash-rollback.csv"), "donor,rollback_ms_after_kill,reply\n" + donor + ","
                + rollbackMillis + ",\"" + reply.replace('"', '\'') + "\"\n");
    }

    /** The node the client's traffic to X reaches now: the binding's care-of address, else the contact node. */
    private String servingNode() {
        java.net.Inet6Address b = bed.agents.cnAgent().bindings().get(bed.x());
        for (String n : bed.tb.config().nodeNames()) {
            if (bed.tb.address(n).equals(b)) {
                return n;
            }
        }
        return "node1";
    }

    private void finishIntact(Process curl, Path got, String doc, Capture capture) throws Exception {
        assertTrue(curl.waitFor(120, TimeUnit.SECONDS), "download finished");
        assertEquals(0, curl.exitValue(), Files.readString(got.resolve("curl.log")));
        assertEquals(List.of(), bed.corrupted(got, List.of(doc)), "download intact (sha256)");
        capture.stop();
        assertEquals(0, RobustBed.resets(capture.file()), "TCP resets on the client's wire");
    }

    private long acceptorRows(String node) throws IOException {
        Path csv = bed.nodeDir(node).resolve("handoffs.csv");
        return Files.exists(csv) ? Files.readAllLines(csv).stream().filter(l -> l.contains(",ACCEPTOR,")).count() : 0;
    }

    private Init forgedInit(int clientPort) {
        byte[] nonce = new byte[Init.NONCE_BYTES];
        new SecureRandom().nextBytes(nonce);
        SocketState state = new SocketState(new InetSocketAddress(bed.x(), RobustBed.HTTP_PORT),
                new InetSocketAddress(bed.tb.address("client"), clientPort), new byte[64]);
        return new Init(42, nonce, System.currentTimeMillis(), 7, bed.x(), state, new byte[16]);
    }

    /** A TLS 1.3 client presenting {@code identity} (none when null) that trusts any server. */
    private static SSLContext tls(NodeCredentials identity) throws Exception {
        BouncyCastleJsseProvider jsse = new BouncyCastleJsseProvider(new BouncyCastleProvider());
        SSLContext ctx = SSLContext.getInstance("TLSv1.3", jsse);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("intruder", identity.privateKeyForTests(), "x".toCharArray(),
                    identity.chain().toArray(new X509Certificate[0]));
            kmf = KeyManagerFactory.getInstance("PKIX", jsse);
            kmf.init(ks, "x".toCharArray());
        }
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {new TrustAny()}, new SecureRandom());
        return ctx;
    }

    /** Handshake, the Init frame, then what the node does: never an answer from a group member. */
    private static String attempt(SSLContext ctx, InetSocketAddress at, byte[] frame) {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(at, 5000);
            s.setSoTimeout(10_000);
            s.startHandshake();
            s.getOutputStream().write(frame);
            s.getOutputStream().flush();
            int b = s.getInputStream().read();
            return b < 0 ? "closed after the handshake" : "answered " + b;
        } catch (SocketTimeoutException e) {
            return "no answer within 10 s";
        } catch (IOException e) {
            return "rejected: " + e;
        }
    }

    /** Sends the recorded bytes on a fresh connection and reads until the node closes it. */
    private static String replay(byte[] recorded, InetSocketAddress at) {
        try (Socket s = new Socket()) {
            s.connect(at, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(recorded);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            long n = 0;
            try {
                for (int r; (r = in.read(new byte[4096])) > 0; ) {
                    n += r;
                }
            } catch (IOException e) {
                return "closed (" + e.getMessage() + ") after " + n + " bytes from the node";
            }
            return "closed after " + n + " bytes from the node (its handshake messages and alert)";
        } catch (SocketTimeoutException e) {
            return "no close within 10 s";
        } catch (IOException e) {
            return "closed: " + e;
        }
    }

    static final class TrustAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
