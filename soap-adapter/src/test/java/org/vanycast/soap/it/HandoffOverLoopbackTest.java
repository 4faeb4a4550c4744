package org.vanycast.soap.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.soap.api.HandoffSettings;
import org.vanycast.soap.internal.TrackedConnection;
import org.vanycast.soap.internal.state.Framing;
import org.vanycast.soap.internal.state.HttpAppState;
import org.vanycast.soap.internal.state.HttpStateFormat;
import org.vanycast.soap.testutil.Await;
import org.vanycast.soap.testutil.Http11;

/**
 * Real CXF JAX-WS and servlet endpoints on real Jetty, real HTTP over loopback sockets. Two
 * nodes in one JVM listen on the same address and port; the TCP connection itself is not
 * migrated here (that is tcp-handoff's job): the acceptor takes over the very socket the donor
 * held, which is what it gets from the migrator after re-creation. Everything above TCP —
 * capture, encode, decode, validate, continue, adopt — is the production path.
 */
class HandoffOverLoopbackTest {
    private static final Duration TIMEOUT = Await.TIMEOUT;
    private static final int TEN_MB = 10 << 20;

    private TestNode donor;
    private TestNode acceptor;
    private RawClient client;
    /** The donor's copy of a connection now served by the acceptor. */
    private SocketChannel handedOff;

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (handedOff != null) {
            // What the coordinator does after the migrator released the socket: the donor's
            // server forgets it (here it closes the socket the client already closed).
            donor.codec().released(handedOff);
        }
        if (acceptor != null) {
            acceptor.close();
        }
        if (donor != null) {
            donor.close();
        }
    }

    private void startDonorAndConnect(HandoffSettings settings) throws Exception {
        donor = new TestNode("node-a", 0, settings);
        client = new RawClient(donor.port());
    }

    private void startAcceptor(HandoffSettings settings) throws Exception {
        acceptor = new TestNode("node-b", donor.port(), settings);
    }

    /** In one JVM no migrator holds the socket after release: the donor may forget it at once. */
    private static HandoffSettings settings() {
        return HandoffSettings.defaults().withForgetDelay(Duration.ZERO);
    }

    private SocketChannel donorConnectionMidBody() {
        Await.until("the donor has a connection", () -> donor.connector.openConnections().size() == 1);
        SocketChannel ch = donor.onlyConnection();
        donor.awaitBodyStarted(ch);
        return ch;
    }

    private byte[] downloadWithHandoffMidBody(String target, Framing expected) throws Exception {
        startDonorAndConnect(settings());
        client.get(target);
        SocketChannel ch = donorConnectionMidBody();

        byte[] state = donor.codec().capture(ch, TIMEOUT).orElseThrow();
        HttpAppState decoded = HttpStateFormat.decode(state);
        assertEquals(HttpAppState.Kind.CONTINUE, decoded.kind());
        assertTrue(decoded.headerSent());
        assertEquals(expected, decoded.progress().framing());
        long cutAt = decoded.progress().bodySent();
        assertTrue(cutAt > 0 && cutAt < TEN_MB, "cut inside the body: " + cutAt);

        startAcceptor(settings());
        acceptor.codec().validate(state);
        CompletableFuture<Void> continued = acceptor.codec().restoreAsync(ch, state);

        handedOff = ch;
        Http11.Response r = Http11.read(client.in);
        continued.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals(expected == Framing.CHUNKED, r.chunked());
        return r.body();
    }

    @Test
    void shouldContinueAContentLengthDownloadByteExactOnTheAcceptor() throws Exception {
        byte[] body = downloadWithHandoffMidBody("/files/report.bin?size=" + TEN_MB, Framing.LENGTH);
        assertEquals(TEN_MB, body.length);
        assertArrayEquals(Documents.sha256("report.bin", TEN_MB), Documents.sha256().digest(body));
        assertTrue(client.soap("whoAmI", "<caller>c</caller>").contains("node-b answers c"),
                "the next call on the same connection is served by the acceptor");
    }

    @Test
    void shouldContinueAChunkedDownloadWithValidFramingOnTheAcceptor() throws Exception {
        byte[] body = downloadWithHandoffMidBody("/files/chunky.bin?size=" + TEN_MB + "&chunked=1", Framing.CHUNKED);
        assertEquals(TEN_MB, body.length);
        assertArrayEquals(Documents.sha256("chunky.bin", TEN_MB), Documents.sha256().digest(body));
        assertTrue(client.soap("whoAmI", "<caller>c</caller>").contains("node-b answers c"));
    }

    @Test
    void shouldReplayAResumableRequestWhoseResponseHadNotStartedOnTheAcceptor() throws Exception {
        startDonorAndConnect(settings());
        client.get("/files/late.bin?size=" + (1 << 20) + "&hold=1");
        Await.until("the donor has a connection", () -> donor.connector.openConnections().size() == 1);
        SocketChannel ch = donor.onlyConnection();
        Await.until("the request is being served", () -> donor.trackedOrNull(ch) != null
                && donor.trackedOrNull(ch).currentRequest() != null);
        byte[] state = donor.codec().capture(ch, TIMEOUT).orElseThrow();
        HttpAppState decoded = HttpStateFormat.decode(state);
        assertEquals(HttpAppState.Kind.REPLAY, decoded.kind());
        assertFalse(decoded.headerSent());

        startAcceptor(settings());
        acceptor.holdRelease.countDown(); // the replayed request asks the acceptor to hold too
        acceptor.codec().restore(ch, state);
        handedOff = ch;
        Http11.Response r = Http11.read(client.in);
        assertArrayEquals(Documents.sha256("late.bin", 1 << 20), Documents.sha256().digest(r.body()));
        assertTrue(client.soap("whoAmI", "<caller>z</caller>").contains("node-b"));
    }

    @Test
    void shouldContinueALargeSoapGetRangeResponseMidBodyByReplayOnTheAcceptor() throws Exception {
        int length = 3 << 20;
        long offset = 12345;
        startDonorAndConnect(settings());
        client.sendSoap("getRange", "<name>big.doc</name><offset>" + offset + "</offset><length>" + length
                + "</length>");
        SocketChannel ch = donorConnectionMidBody();
        byte[] state = donor.codec().capture(ch, TIMEOUT).orElseThrow();
        HttpAppState decoded = HttpStateFormat.decode(state);
        assertEquals(HttpAppState.Kind.CONTINUE, decoded.kind());
        assertEquals("test-getRange", decoded.resumable());
        assertTrue(decoded.request().bodyComplete());

        startAcceptor(settings());
        CompletableFuture<Void> continued = acceptor.codec().restoreAsync(ch, state);
        handedOff = ch;
        Http11.Response r = Http11.read(client.in);
        continued.get(30, TimeUnit.SECONDS);
        assertArrayEquals(Documents.sha256().digest(Documents.range("big.doc", offset, length)),
                Documents.sha256().digest(Documents.soapReturn(r.body())));
        assertTrue(client.soap("whoAmI", "<caller>y</caller>").contains("node-b"));
    }

    @Test
    void shouldServeTheNextSoapCallsOnTheAcceptorAfterAnIdleKeepAliveHandoff() throws Exception {
        startDonorAndConnect(settings());
        for (int i = 0; i < 10; i++) {
            assertTrue(client.soap("whoAmI", "<caller>" + i + "</caller>").contains("node-a answers " + i));
        }
        SocketChannel ch = donor.onlyConnection();
        byte[] state = donor.codec().capture(ch, TIMEOUT).orElseThrow();
        assertEquals(HttpAppState.Kind.IDLE, HttpStateFormat.decode(state).kind());
        assertTrue(state.length < 20, "idle keep-alive state is " + state.length + " bytes");
        assertTrue(donor.codec().capture(ch, TIMEOUT).isEmpty(), "a second capture of a held connection is refused");

        startAcceptor(settings());
        acceptor.codec().restore(ch, state);
        handedOff = ch;
        for (int i = 10; i < 20; i++) {
            assertTrue(client.soap("whoAmI", "<caller>" + i + "</caller>").contains("node-b answers " + i));
        }
        assertEquals(TrackedConnection.Handoff.CAPTURED, donor.tracked(ch).handoff());
    }

    @Test
    void shouldDeferTheHandoffUntilANonResumableSoapResponseCompletes() throws Exception {
        startDonorAndConnect(settings());
        client.sendSoap("slowEcho", "<text>hello</text>");
        assertTrue(donor.slowEntered.await(10, TimeUnit.SECONDS));
        SocketChannel ch = donor.onlyConnection();

        CompletableFuture<Optional<byte[]>> capture = CompletableFuture.supplyAsync(() -> {
            try {
                return donor.codec().capture(ch, TIMEOUT);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        TrackedConnection tracked = donor.tracked(ch);
        Await.until("the capture is waiting", () -> tracked.handoff() == TrackedConnection.Handoff.CAPTURING);
        assertFalse(capture.isDone(), "no handoff point while the SOAP response is being produced");
        donor.slowRelease.countDown();

        assertTrue(client.readResponse().contains("hello"), "the client gets the complete response");
        byte[] state = capture.get(10, TimeUnit.SECONDS).orElseThrow();
        assertEquals(HttpAppState.Kind.IDLE, HttpStateFormat.decode(state).kind());
        startAcceptor(settings());
        acceptor.codec().restore(ch, state);
        handedOff = ch;
        assertTrue(client.soap("whoAmI", "<caller>after</caller>").contains("node-b"));
    }

    @Test
    void shouldServeOnAfterTheCaptureTimesOutOnALongResponse() throws Exception {
        startDonorAndConnect(settings().withCaptureTimeout(Duration.ofMillis(100)));
        client.sendSoap("slowEcho", "<text>patience</text>");
        assertTrue(donor.slowEntered.await(10, TimeUnit.SECONDS));
        SocketChannel ch = donor.onlyConnection();
        assertTrue(donor.codec().capture(ch, TIMEOUT).isEmpty());
        assertEquals(TrackedConnection.Handoff.NONE, donor.tracked(ch).handoff());
        donor.slowRelease.countDown();
        assertTrue(client.readResponse().contains("patience"));
        assertTrue(client.soap("whoAmI", "<caller>x</caller>").contains("node-a"));
    }

    @Test
    void shouldRollBackOnCorruptStateAndKeepServingOnTheDonor() throws Exception {
        startDonorAndConnect(settings());
        assertTrue(client.soap("whoAmI", "<caller>1</caller>").contains("node-a"));
        SocketChannel ch = donor.onlyConnection();
        byte[] state = donor.codec().capture(ch, TIMEOUT).orElseThrow();
        byte[] corrupt = state.clone();
        corrupt[4] ^= 0x40;

        startAcceptor(settings());
        assertThrows(MalformedStateException.class, () -> acceptor.codec().validate(corrupt));
        assertThrows(MalformedStateException.class, () -> acceptor.codec().restore(ch, corrupt));
        donor.codec().resumeLocally(ch, state);

        assertTrue(client.soap("whoAmI", "<caller>2</caller>").contains("node-a answers 2"));
        assertEquals(TrackedConnection.Handoff.NONE, donor.tracked(ch).handoff());
    }

    private record Captured(SocketChannel connection, byte[] state) {
    }

    /** A 2 MiB download of {@code name} captured mid-body on the donor, the acceptor started. */
    private Captured capturedMidBodyWithAcceptor(String name) throws Exception {
        startDonorAndConnect(settings());
        client.get("/files/" + name + "?size=" + (2 << 20));
        SocketChannel ch = donorConnectionMidBody();
        byte[] state = donor.codec().capture(ch, TIMEOUT).orElseThrow();
        startAcceptor(settings());
        return new Captured(ch, state);
    }

    @Test
    void shouldRefuseBeforeActingWhenTheAcceptorCannotOpenTheDocumentAndKeepServingOnTheDonor() throws Exception {
        Captured c = capturedMidBodyWithAcceptor("gone.bin");
        SocketChannel ch = c.connection();
        byte[] state = c.state();
        acceptor.documentsGone = true;
        acceptor.codec().validate(state); // well-formed: only opening the document tells
        IOException refused = assertThrows(IOException.class, () -> acceptor.codec().prepareRestore(state));
        assertTrue(refused.getMessage().contains("gone.bin"), refused.getMessage());

        donor.codec().resumeLocally(ch, state);
        Http11.Response r = Http11.read(client.in);
        assertArrayEquals(Documents.sha256("gone.bin", 2 << 20), Documents.sha256().digest(r.body()));
    }

    @Test
    void shouldContinueFromAPreparedTakeOverAndLeaveADiscardedOneUnwritten() throws Exception {
        Captured c = capturedMidBodyWithAcceptor("twice.bin");
        SocketChannel ch = c.connection();
        byte[] state = c.state();
        acceptor.codec().prepareRestore(state).discard(); // an aborted handoff: nothing written
        acceptor.codec().prepareRestore(state).restore(ch);
        handedOff = ch;
        Http11.Response r = Http11.read(client.in);
        assertArrayEquals(Documents.sha256("twice.bin", 2 << 20), Documents.sha256().digest(r.body()));
    }

    @Test
    void shouldRollBackAMidBodyHandoffWithoutLosingAByte() throws Exception {
        startDonorAndConnect(settings());
        client.get("/files/back.bin?size=" + (2 << 20));
        SocketChannel ch = donorConnectionMidBody();
        byte[] state = donor.codec().capture(ch, TIMEOUT).orElseThrow();
        donor.codec().resumeLocally(ch, state);
        Http11.Response r = Http11.read(client.in);
        assertArrayEquals(Documents.sha256("back.bin", 2 << 20), Documents.sha256().digest(r.body()));
    }

    @Test
    void shouldNotHandOffAConnectionThatUsedAnEndpointNotTakingPart() throws Exception {
        startDonorAndConnect(settings().withEndpoints(List.of("/files/*")));
        assertTrue(client.soap("whoAmI", "<caller>1</caller>").contains("node-a"));
        assertTrue(donor.codec().capture(donor.onlyConnection(), TIMEOUT).isEmpty());
        assertTrue(client.soap("whoAmI", "<caller>2</caller>").contains("node-a answers 2"));
    }

    @Test
    void shouldWaitForTheDownloadWhenMidResponseHandoffIsSwitchedOff() throws Exception {
        startDonorAndConnect(settings().withMidResponse(false)
                .withCaptureTimeout(Duration.ofMillis(200)));
        client.get("/files/whole.bin?size=" + (2 << 20));
        SocketChannel ch = donorConnectionMidBody();
        assertTrue(donor.codec().capture(ch, TIMEOUT).isEmpty(), "client is not reading: no handoff point");
        Http11.Response r = Http11.read(client.in);
        assertArrayEquals(Documents.sha256("whole.bin", 2 << 20), Documents.sha256().digest(r.body()));
    }
}
