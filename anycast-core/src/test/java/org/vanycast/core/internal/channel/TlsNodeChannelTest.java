package org.vanycast.core.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.core.internal.tls.GroupCa;
import org.vanycast.core.internal.tls.NodeCredentials;
import org.vanycast.core.internal.wire.Done;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.internal.wire.Prepare;

/** Real TLS 1.3 over loopback sockets between nodes of one group CA and outsiders. */
class TlsNodeChannelTest {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir
    static Path dir;
    static Path group;
    static Path otherGroup;

    record Received(String peer, NodeMessage message) {
    }

    final Map<String, InetSocketAddress> directory = new ConcurrentHashMap<>();
    final java.util.List<TlsNodeChannel> channels = new java.util.ArrayList<>();

    @BeforeAll
    static void createAuthorities() throws Exception {
        group = dir.resolve("group");
        otherGroup = dir.resolve("other");
        Instant now = Instant.now();
        GroupCa.init(group, "g", now, Duration.ofDays(1));
        GroupCa.issue(group, "n1", now, Duration.ofDays(1));
        GroupCa.issue(group, "n2", now, Duration.ofDays(1));
        GroupCa.init(otherGroup, "intruders", now, Duration.ofDays(1));
        // the outsider even uses the name of a member
        GroupCa.issue(otherGroup, "n1", now, Duration.ofDays(1));
    }

    @AfterEach
    void closeAll() {
        channels.forEach(TlsNodeChannel::close);
    }

    TlsNodeChannel start(Path caDir, String node, BlockingQueue<Received> inbox) throws Exception {
        TlsNodeChannel c = new TlsNodeChannel(NodeCredentials.load(caDir, node),
                peer -> Optional.ofNullable(directory.get(peer)),
                (peer, m) -> inbox.add(new Received(peer, m)), TIMEOUT);
        channels.add(c);
        directory.putIfAbsent(node, c.start(LOOPBACK));
        return c;
    }

    static Prepare prepare(long id) {
        return new Prepare(id, InetAddress.getLoopbackAddress(), new InetSocketAddress("::1", 4000), 1000);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void shouldDeliverMessagesBothWaysBetweenGroupMembersOverTls13() throws Exception {
        BlockingQueue<Received> in1 = new LinkedBlockingQueue<>();
        BlockingQueue<Received> in2 = new LinkedBlockingQueue<>();
        TlsNodeChannel n1 = start(group, "n1", in1);
        TlsNodeChannel n2 = start(group, "n2", in2);

        n1.send("n2", prepare(7));
        Received r = in2.poll(10, TimeUnit.SECONDS);
        assertEquals(new Received("n1", prepare(7)), r);
        assertEquals(Optional.of("TLSv1.3"), n1.protocolWith("n2"));
        // records sealed with AES-GCM (by the JDK's provider, see tls.Crypto)
        assertTrue(n1.cipherSuiteWith("n2").orElseThrow().matches("TLS_AES_(128_GCM_SHA256|256_GCM_SHA384)"),
                n1.cipherSuiteWith("n2").toString());

        // the reply travels on the link n1 opened
        n2.send("n1", new Done(7, 1, 1, 2, 3));
        assertEquals(new Received("n2", new Done(7, 1, 1, 2, 3)), in1.poll(10, TimeUnit.SECONDS));
    }

    /** Counts what a reader asked of it; expects a message from {@code from} while {@code on}. */
    static final class CountingHotWait implements HotWait {
        final java.util.concurrent.atomic.AtomicInteger rehearsals = new java.util.concurrent.atomic.AtomicInteger();
        final String from;
        final long maxNanos;
        volatile boolean on = true;

        CountingHotWait(String from, Duration max) {
            this.from = from;
            this.maxNanos = max.toNanos();
        }

        @Override
        public boolean expecting(String peer) {
            return on && peer.equals(from);
        }

        @Override
        public void rehearse(String peer) {
            assertEquals(from, peer);
            rehearsals.incrementAndGet();
        }

        @Override
        public long maxSpinNanos() {
            return maxNanos;
        }
    }

    @Test
    void shouldRehearseWhileAnAnnouncedMessageIsAwaitedAndDeliverItWhenItComes() throws Exception {
        BlockingQueue<Received> in1 = new LinkedBlockingQueue<>();
        BlockingQueue<Received> in2 = new LinkedBlockingQueue<>();
        TlsNodeChannel n1 = start(group, "n1", in1);
        TlsNodeChannel n2 = start(group, "n2", in2);
        n1.send("n2", prepare(1)); // the link exists, n2's reader waits on it
        assertEquals(new Received("n1", prepare(1)), in2.poll(10, TimeUnit.SECONDS));

        CountingHotWait hot = new CountingHotWait("n1", Duration.ofSeconds(30));
        n2.hotWait(hot);
        n1.send("n2", prepare(2)); // wakes the blocked reader, which then spins for the next one
        assertEquals(new Received("n1", prepare(2)), in2.poll(10, TimeUnit.SECONDS));
        await(() -> hot.rehearsals.get() >= 3, "the spinning reader to rehearse");
        n1.send("n2", prepare(3));
        assertEquals(new Received("n1", prepare(3)), in2.poll(10, TimeUnit.SECONDS));
        hot.on = false;
    }

    @Test
    void shouldBlockAsUsualOnceTheSpinHasLastedItsLongest() throws Exception {
        BlockingQueue<Received> in2 = new LinkedBlockingQueue<>();
        TlsNodeChannel n1 = start(group, "n1", new LinkedBlockingQueue<>());
        TlsNodeChannel n2 = start(group, "n2", in2);
        CountingHotWait hot = new CountingHotWait("n1", Duration.ofMillis(20));
        n2.hotWait(hot);
        n1.send("n2", prepare(1));
        assertEquals(new Received("n1", prepare(1)), in2.poll(10, TimeUnit.SECONDS));
        Thread.sleep(300); // well past the longest spin: the reader blocks again
        int settled = hot.rehearsals.get();
        Thread.sleep(200);
        assertEquals(settled, hot.rehearsals.get(), "no rehearsal after the longest spin");
        n1.send("n2", prepare(2));
        assertEquals(new Received("n1", prepare(2)), in2.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldRejectPeerWhoseCertificateIsFromAnotherAuthority() throws Exception {
        BlockingQueue<Received> in2 = new LinkedBlockingQueue<>();
        TlsNodeChannel n2 = start(group, "n2", in2);
        BlockingQueue<Received> intruderInbox = new LinkedBlockingQueue<>();
        directory.put("intruder-server", new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)); // unused
        TlsNodeChannel intruder = start(otherGroup, "n1", intruderInbox);

        IOException x = assertThrows(IOException.class, () -> intruder.send("n2", prepare(1)));
        assertTrue(x.getMessage().contains("cannot open group channel"), x.getMessage());
        await(() -> n2.rejectedHandshakes() >= 1, "the member to count the rejected handshake");
        assertTrue(in2.isEmpty(), "nothing from outside the group may be delivered");
    }

    @Test
    void shouldRefuseToSendToServerOutsideTheGroup() throws Exception {
        BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        TlsNodeChannel outsider = start(otherGroup, "n1", inbox);
        directory.put("n2", directory.get("n1")); // a member is pointed at the outsider's address
        TlsNodeChannel member = new TlsNodeChannel(NodeCredentials.load(group, "n2"),
                peer -> Optional.ofNullable(directory.get(peer)), (p, m) -> inbox.add(new Received(p, m)), TIMEOUT);
        channels.add(member);
        assertThrows(IOException.class, () -> member.send("n1", prepare(2)));
        assertTrue(inbox.isEmpty());
        assertEquals(0, outsider.malformedFrames());
    }

    @Test
    void shouldRefuseMemberThatPresentsAnotherNodesName() throws Exception {
        BlockingQueue<Received> in1 = new LinkedBlockingQueue<>();
        start(group, "n1", in1);
        TlsNodeChannel n2 = start(group, "n2", new LinkedBlockingQueue<>());
        directory.put("n3", directory.get("n1")); // n3 resolves to n1's address
        IOException x = assertThrows(IOException.class, () -> n2.send("n3", prepare(3)));
        assertTrue(x.getMessage().contains("presented the certificate of 'n1'"), x.getMessage());
        assertTrue(in1.isEmpty());
    }

    @Test
    void shouldRejectClientPresentingForeignCertificateEvenIfItTrustsTheGroup() throws Exception {
        BlockingQueue<Received> in2 = new LinkedBlockingQueue<>();
        TlsNodeChannel n2 = start(group, "n2", in2);
        NodeCredentials foreign = NodeCredentials.load(otherGroup, "n1");
        NodeCredentials member = NodeCredentials.load(group, "n1");
        // outsider's key and certificate, but it trusts the group CA so it accepts n2's certificate
        NodeCredentials mixed = new NodeCredentials(foreign.privateKeyForTests(), foreign.chain(), member.groupCa());
        TlsNodeChannel intruder = new TlsNodeChannel(mixed, peer -> Optional.ofNullable(directory.get(peer)),
                (p, m) -> { }, TIMEOUT);
        channels.add(intruder);
        try {
            intruder.send("n2", prepare(5));
        } catch (IOException expected) {
            // TLS 1.3: the client may only learn of the rejection on its next read or write
        }
        await(() -> n2.rejectedHandshakes() >= 1, "the member to reject the foreign client certificate");
        assertTrue(in2.isEmpty(), "a Prepare from outside the group must never be delivered");
    }

    @Test
    void shouldRejectClientWithoutAnyCertificate() throws Exception {
        BlockingQueue<Received> in2 = new LinkedBlockingQueue<>();
        TlsNodeChannel n2 = start(group, "n2", in2);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3",
                new org.bouncycastle.jsse.provider.BouncyCastleJsseProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()));
        ctx.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, null);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(directory.get("n2"), 5000);
            s.setSoTimeout(5000);
            try {
                s.startHandshake();
                s.getOutputStream().write(org.vanycast.core.internal.wire.WireCodec.encode(prepare(6)));
                s.getOutputStream().flush();
                s.getInputStream().read();
            } catch (IOException expected) {
                // the server aborts the handshake
            }
        }
        await(() -> n2.rejectedHandshakes() >= 1, "the member to reject a client without certificate");
        assertTrue(in2.isEmpty());
    }

    static final class TrustAll implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }

    @Test
    void shouldCountAndDropMalformedFramesFromMember() throws Exception {
        BlockingQueue<Received> in2 = new LinkedBlockingQueue<>();
        TlsNodeChannel n2 = start(group, "n2", in2);
        javax.net.ssl.SSLContext ctx = NodeCredentials.load(group, "n1").sslContext();
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(directory.get("n2"), 5000);
            s.setSoTimeout(10_000);
            s.startHandshake();
            var out = s.getOutputStream();
            byte[] bad = org.vanycast.core.internal.wire.WireCodec.encode(prepare(1));
            bad[org.vanycast.core.internal.wire.WireCodec.HEADER_BYTES + 8] = 7; // address length 7
            out.write(bad);
            out.write(org.vanycast.core.internal.wire.WireCodec.encode(prepare(2)));
            out.flush();
            assertEquals(new Received("n1", prepare(2)), in2.poll(10, TimeUnit.SECONDS), "framing survives a bad body");
            assertEquals(1, n2.malformedFrames());

            out.write(new byte[] {0x13, 0x37, 1, 1, 0, 0, 0, 0}); // bad magic: framing is lost
            out.flush();
            await(() -> n2.malformedFrames() == 2, "the bad header to be counted");
            assertEquals(-1, s.getInputStream().read(), "the member closes a link whose framing is lost");
        }
        assertTrue(in2.isEmpty());
    }

    @Test
    void shouldBoundConnectionsThatNeverFinishTheirHandshake() throws Exception {
        BlockingQueue<Received> in2 = new LinkedBlockingQueue<>();
        TlsNodeChannel n2 = start(group, "n2", in2);
        TlsNodeChannel n1 = start(group, "n1", new LinkedBlockingQueue<>());
        java.util.List<java.net.Socket> idle = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < TlsNodeChannel.MAX_PENDING_HANDSHAKES + 8; i++) {
                idle.add(new java.net.Socket(directory.get("n2").getAddress(), directory.get("n2").getPort()));
            }
            await(() -> n2.rejectedHandshakes() >= 8, "connections beyond the bound to be dropped at once");
        } finally {
            for (java.net.Socket s : idle) {
                s.close();
            }
        }
        // the slots come back once the idle peers are gone
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                n1.send("n2", prepare(9));
                break;
            } catch (IOException busy) {
                if (System.nanoTime() > deadline) {
                    throw busy;
                }
                Thread.sleep(50);
            }
        }
        assertEquals(new Received("n1", prepare(9)), in2.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldDropTheLinkWhenAWriteToAPeerThatStoppedReadingOutlastsItsTimeout() throws Exception {
        BlockingQueue<Received> in2 = new LinkedBlockingQueue<>();
        java.util.concurrent.CountDownLatch resumeReading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean gaveUpWaiting = new java.util.concurrent.atomic.AtomicBoolean();
        TlsNodeChannel n2 = new TlsNodeChannel(NodeCredentials.load(group, "n2"), peer -> Optional.ofNullable(directory.get(peer)),
                (peer, m) -> {
                    in2.add(new Received(peer, m));
                    if (m instanceof Prepare p && p.handoffId() == 1) {
                        try {
                            // the reader stops: nothing more is read
                            gaveUpWaiting.set(!resumeReading.await(60, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }, TIMEOUT);
        channels.add(n2);
        directory.put("n2", n2.start(LOOPBACK));
        TlsNodeChannel n1 = start(group, "n1", new LinkedBlockingQueue<>());
        try {
            n1.send("n2", prepare(1));
            await(() -> !in2.isEmpty(), "the Prepare that stops the reader");
            // far more than the socket buffers between the two hold while nobody reads
            org.vanycast.core.internal.wire.Init big = new org.vanycast.core.internal.wire.Init(2, new byte[16],
                    System.currentTimeMillis(), 0, InetAddress.getLoopbackAddress(),
                    new org.vanycast.core.spi.SocketState(new InetSocketAddress("::1", 80), new InetSocketAddress("::1", 4000),
                            new byte[16]), new byte[8 << 20]);
            int written = 0;
            WriteTimeoutException x = null;
            for (int i = 0; i < 8 && x == null; i++) {
                try {
                    n1.send("n2", big, Duration.ofMillis(300));
                    written++;
                } catch (WriteTimeoutException e) {
                    x = e;
                }
            }
            assertTrue(x != null, "a write to a peer that stopped reading must not block for good");
            assertTrue(!gaveUpWaiting.get(), "the write was cut off, not ended by the peer reading again");
            assertTrue(x.getMessage().contains("did not finish"), x.getMessage());

            resumeReading.countDown();
            n1.send("n2", prepare(3)); // reconnects
            Received r;
            int inits = 0;
            while ((r = in2.poll(10, TimeUnit.SECONDS)) != null && !r.message().equals(prepare(3))) {
                inits += r.message() instanceof org.vanycast.core.internal.wire.Init ? 1 : 0;
            }
            assertEquals(prepare(3), r == null ? null : r.message(), "the next send opens a new link");
            assertTrue(inits <= written, "the cut-off message is never delivered (" + inits + " of " + written + ")");
        } finally {
            resumeReading.countDown();
        }
    }

    @Test
    void shouldRefuseNodeWithoutGroupCertificate() {
        IOException x = assertThrows(IOException.class, () -> NodeCredentials.load(group, "n9"));
        assertTrue(x.getMessage().contains("no group certificate for node 'n9'"), x.getMessage());
    }
}
