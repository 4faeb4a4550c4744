package org.vanycast.soap.internal.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.vanycast.soap.internal.ResponseContinuation;
import org.vanycast.soap.testutil.Http11;

class ResponseWireTrackerTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] lengthResponse(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + body.length + "\r\n\r\n"));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] chunkedResponse(byte[] body, List<Integer> chunkSizes, boolean trailer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"));
        int at = 0;
        int i = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, Math.max(1, chunkSizes.get(i++ % chunkSizes.size())));
            out.writeBytes(ascii(Integer.toHexString(n) + (i % 3 == 0 ? ";ext=1" : "") + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(ascii("\r\n"));
            at += n;
        }
        out.writeBytes(ascii(trailer ? "0\r\nX-Checksum: abc\r\n\r\n" : "0\r\n\r\n"));
        return out.toByteArray();
    }

    /**
     * The heart of mid-response handoff: cut the wire anywhere; wherever the tracker says the
     * response can be continued, the cut prefix plus the continuation is a valid response with
     * exactly the original body.
     */
    @Property(tries = 300)
    void shouldContinueAChunkedBodyFromAnyResumablePoint(@ForAll @Size(max = 3000) byte[] body,
            @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 700) Integer> chunks,
            @ForAll boolean trailer, @ForAll @IntRange(min = 0, max = 1_000_000) int cutSeed,
            @ForAll @IntRange(min = 1, max = 300) int continuationChunk) throws Exception {
        byte[] wire = chunkedResponse(body, chunks, trailer);
        int cut = cutSeed % (wire.length + 1);
        ResponseWireTracker t = new ResponseWireTracker(4096);
        t.expectResponseTo("GET");
        feedInPieces(t, wire, cut);
        ResponseProgress p = t.progress();
        if (p == null) {
            return;
        }
        assertEquals(Framing.CHUNKED, p.framing());
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        client.write(wire, 0, cut);
        new ResponseContinuation(p, continuationChunk).writeTo(
                new ByteArrayInputStream(body, (int) p.bodySent(), body.length), Channels.newChannel(client));
        Http11.Response r = Http11.read(new ByteArrayInputStream(client.toByteArray()));
        assertArrayEquals(body, r.body());
    }

    @Property(tries = 300)
    void shouldContinueALengthBodyByteExactFromAnyPointAfterTheHeader(@ForAll @Size(max = 3000) byte[] body,
            @ForAll @IntRange(min = 0, max = 1_000_000) int cutSeed) throws Exception {
        byte[] wire = lengthResponse(body);
        int cut = cutSeed % (wire.length + 1);
        ResponseWireTracker t = new ResponseWireTracker(4096);
        t.expectResponseTo("GET");
        feedInPieces(t, wire, cut);
        int headerEnd = wire.length - body.length;
        ResponseProgress p = t.progress();
        if (cut < headerEnd || cut == wire.length) {
            assertNull(p);
            assertEquals(cut == 0 || cut == wire.length, t.atMessageBoundary());
            return;
        }
        assertNotNull(p);
        assertEquals(cut - headerEnd, p.bodySent());
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        client.write(wire, 0, cut);
        new ResponseContinuation(p, 100).writeTo(new ByteArrayInputStream(body, (int) p.bodySent(), body.length),
                Channels.newChannel(client));
        assertArrayEquals(wire, client.toByteArray());
    }

    private static void feedInPieces(ResponseWireTracker t, byte[] wire, int cut) {
        // Uneven pieces, as gathering writes and short writes produce them.
        int at = 0;
        int step = 1;
        while (at < cut) {
            int n = Math.min(step, cut - at);
            t.written(wire, at, n);
            at += n;
            step = step * 3 % 97 + 1;
        }
    }

    @Test
    void shouldReachTheMessageBoundaryAfterEachOfSeveralKeepAliveResponses() {
        ResponseWireTracker t = new ResponseWireTracker(4096);
        for (int i = 0; i < 3; i++) {
            t.expectResponseTo("POST");
            byte[] wire = i % 2 == 0 ? lengthResponse(ascii("<r>" + i + "</r>"))
                    : chunkedResponse(ascii("<soap>" + i + "</soap>"), List.of(3), true);
            t.written(wire, 0, wire.length - 1);
            assertFalse(t.atMessageBoundary());
            t.written(wire, wire.length - 1, 1);
            assertTrue(t.atMessageBoundary());
        }
        assertEquals(3, t.responsesCompleted());
    }

    @Test
    void shouldNotExpectABodyAfterTheHeaderOfAHeadResponse() {
        ResponseWireTracker t = new ResponseWireTracker(4096);
        t.expectResponseTo("HEAD");
        byte[] head = ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        t.written(head, 0, head.length);
        assertTrue(t.atMessageBoundary());
    }

    @Test
    void shouldWaitForTheFinalResponseAfter100Continue() {
        ResponseWireTracker t = new ResponseWireTracker(4096);
        t.expectResponseTo("POST");
        byte[] wire = ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        t.written(wire, 0, 30);
        assertFalse(t.atMessageBoundary());
        t.written(wire, 30, wire.length - 30);
        assertTrue(t.atMessageBoundary());
        assertEquals(1, t.responsesCompleted());
    }

    @Test
    void shouldMarkCloseDelimitedAndConnectionCloseResponses() {
        ResponseWireTracker t = new ResponseWireTracker(4096);
        t.expectResponseTo("GET");
        byte[] wire = ascii("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 10\r\n\r\nabc");
        t.written(wire, 0, wire.length);
        assertTrue(t.progress().closeAfter());
        ResponseWireTracker eof = new ResponseWireTracker(4096);
        byte[] eofWire = ascii("HTTP/1.1 200 OK\r\n\r\nabc");
        eof.written(eofWire, 0, eofWire.length);
        assertEquals(Framing.UNTIL_CLOSE, eof.progress().framing());
        assertEquals(3, eof.progress().bodySent());
    }

    @Test
    void shouldReadHeaderNamesAndValuesCaseInsensitivelyWithOptionalWhitespace() {
        ResponseWireTracker t = new ResponseWireTracker(4096);
        byte[] wire = ascii("HTTP/1.1 200 OK\r\ntransfer-encoding:   gzip, Chunked  \r\nCONNECTION:Close\r\n\r\n5\r\nab");
        t.written(wire, 0, wire.length);
        ResponseProgress p = t.progress();
        assertEquals(Framing.CHUNKED, p.framing());
        assertEquals(ChunkPhase.IN_DATA, p.chunkPhase());
        assertEquals(3, p.chunkRemaining());
        assertTrue(p.closeAfter());

        ResponseWireTracker h10 = new ResponseWireTracker(4096);
        byte[] keep = ascii("HTTP/1.0 200 OK\r\nContent-LENGTH:  4\r\nConnection: Keep-Alive\r\n\r\nab");
        h10.written(keep, 0, keep.length);
        assertEquals(4, h10.progress().contentLength());
        assertFalse(h10.progress().closeAfter());
        ResponseWireTracker bad = new ResponseWireTracker(4096);
        byte[] badLength = ascii("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n");
        bad.written(badLength, 0, badLength.length);
        assertTrue(bad.isBroken());
    }

    @Test
    void shouldGiveUpOnOutputThatIsNotHttp() {
        ResponseWireTracker t = new ResponseWireTracker(4096);
        byte[] junk = ascii("SSH-2.0-OpenSSH\r\n\r\n");
        t.written(junk, 0, junk.length);
        assertTrue(t.isBroken());
        assertNull(t.progress());
        assertFalse(t.atMessageBoundary());
    }

    @Test
    void shouldGiveUpOnAHeaderLongerThanTheLimit() {
        ResponseWireTracker t = new ResponseWireTracker(256);
        byte[] big = ascii("HTTP/1.1 200 OK\r\nX: " + "a".repeat(300) + "\r\n\r\n");
        t.written(big, 0, big.length);
        assertTrue(t.isBroken());
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    }
}
