package org.vanycast.soap.internal.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.soap.api.RecordedRequest;
import org.vanycast.soap.api.RecordedRequest.Header;

class HttpStateFormatTest {

    @Property(tries = 300)
    void shouldRoundTripEveryState(@ForAll("states") HttpAppState state) throws Exception {
        byte[] record = HttpStateFormat.encode(state);
        assertEquals(state, HttpStateFormat.decode(record));
    }

    @Property(tries = 300)
    void shouldRejectEveryTruncationWithMalformedState(@ForAll("states") HttpAppState state,
            @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        byte[] record = HttpStateFormat.encode(state);
        int length = cut % record.length;
        byte[] truncated = java.util.Arrays.copyOf(record, length);
        assertThrows(MalformedStateException.class, () -> HttpStateFormat.decode(truncated));
    }

    @Property(tries = 500)
    void shouldRejectAnyFlippedBitWithMalformedState(@ForAll("states") HttpAppState state,
            @ForAll @IntRange(min = 0, max = 1_000_000) int bit) {
        byte[] record = HttpStateFormat.encode(state);
        int b = bit % (record.length * 8);
        record[b / 8] ^= (byte) (1 << (b % 8));
        assertThrows(MalformedStateException.class, () -> HttpStateFormat.decode(record));
    }

    /** Structurally random content behind a valid header and CRC: decodes or is malformed, nothing else. */
    @Property(tries = 2000)
    void shouldNeverThrowAnythingButMalformedStateOnForgedRecords(
            @ForAll @IntRange(min = 0, max = 2) int kind, @ForAll("junk") byte[] body) {
        byte[] record = new byte[4 + body.length + 4];
        record[0] = 'V';
        record[1] = 'S';
        record[2] = HttpStateFormat.VERSION;
        record[3] = (byte) kind;
        System.arraycopy(body, 0, record, 4, body.length);
        CRC32C crc = new CRC32C();
        crc.update(record, 0, record.length - 4);
        int c = (int) crc.getValue();
        record[record.length - 4] = (byte) (c >>> 24);
        record[record.length - 3] = (byte) (c >>> 16);
        record[record.length - 2] = (byte) (c >>> 8);
        record[record.length - 1] = (byte) c;
        try {
            HttpAppState decoded = HttpStateFormat.decode(record);
            assertArrayEquals(record, HttpStateFormat.encode(decoded));
        } catch (MalformedStateException expected) {
            assertTrue(expected.offset() >= 0 && expected.offset() <= record.length);
        }
    }

    @Property(tries = 1000)
    void shouldNeverThrowAnythingButMalformedStateOnRandomBytes(@ForAll("junk") byte[] junk) {
        try {
            HttpStateFormat.decode(junk);
        } catch (MalformedStateException expected) {
            // the only acceptable failure
        }
    }

    @Test
    void shouldEncodeAnIdleKeepAliveConnectionInNineBytes() {
        assertEquals(9, HttpStateFormat.encode(HttpAppState.idle(new byte[0])).length);
    }

    @Test
    void shouldNameTheUnsupportedVersion() {
        byte[] record = HttpStateFormat.encode(HttpAppState.idle(new byte[0]));
        record[2] = 7;
        MalformedStateException e = assertThrows(MalformedStateException.class, () -> HttpStateFormat.decode(record));
        assertTrue(e.getMessage().contains("version 7"), e.getMessage());
    }

    @Test
    void shouldRejectAForgedRequestThatWouldSmuggleASecondRequestOnReplay() {
        RecordedRequest smuggling = new RecordedRequest("GET", "/files/a", List.of(
                new Header("X-A", "1\r\n\r\nGET /admin HTTP/1.1")), new byte[0], true);
        byte[] record = HttpStateFormat.encode(HttpAppState.replay(new byte[0], smuggling, "files"));
        MalformedStateException e = assertThrows(MalformedStateException.class, () -> HttpStateFormat.decode(record));
        assertTrue(e.getMessage().contains("header 0"), e.getMessage());
        RecordedRequest badTarget = new RecordedRequest("GET", "/a HTTP/1.0\r\n", List.of(), new byte[0], true);
        assertThrows(MalformedStateException.class, () -> HttpStateFormat.decode(
                HttpStateFormat.encode(HttpAppState.replay(new byte[0], badTarget, "files"))));
        RecordedRequest badMethod = new RecordedRequest("GE T", "/a", List.of(), new byte[0], true);
        assertThrows(MalformedStateException.class, () -> HttpStateFormat.decode(
                HttpStateFormat.encode(HttpAppState.replay(new byte[0], badMethod, "files"))));
    }

    @Test
    void shouldRejectNull() {
        assertThrows(MalformedStateException.class, () -> HttpStateFormat.decode(null));
    }

    @Provide
    Arbitrary<byte[]> junk() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    }

    @Provide
    Arbitrary<HttpAppState> states() {
        Arbitrary<byte[]> pending = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<String> latin1 = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(30);
        Arbitrary<String> token = Arbitraries.strings().withChars("abcXYZ019-_.!~'").ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> target = Arbitraries.strings().withCharRange('!', '\u00ff').ofMinLength(1).ofMaxLength(40)
                .filter(x -> x.indexOf(0x7F) < 0);
        Arbitrary<String> value = latin1.filter(HttpStateFormat::isFieldValue);
        Arbitrary<List<Header>> headers = Combinators.combine(token, value).as(Header::new).list().ofMaxSize(6);
        Arbitrary<RecordedRequest> requests = Combinators.combine(
                Arbitraries.of("GET", "POST", "HEAD", "PUT"), target, headers,
                Arbitraries.bytes().array(byte[].class).ofMaxSize(60), Arbitraries.of(true, false))
                .as(RecordedRequest::new);
        Arbitrary<ResponseProgress> progress = Arbitraries.integers().between(0, 5).flatMap(shape -> {
            Arbitrary<Long> n = Arbitraries.longs().between(0, 1L << 40);
            Arbitrary<Boolean> close = Arbitraries.of(true, false);
            return switch (shape) {
                case 0 -> Combinators.combine(n, n, close).as((a, b, c) ->
                        new ResponseProgress(Framing.LENGTH, Math.max(a, b), Math.min(a, b), ChunkPhase.AT_CHUNK_START, 0, c));
                case 1 -> Combinators.combine(n, close).as((a, c) ->
                        new ResponseProgress(Framing.UNTIL_CLOSE, -1, a, ChunkPhase.AT_CHUNK_START, 0, c));
                case 2 -> Combinators.combine(n, n.filter(x -> x > 0), close).as((a, r, c) ->
                        new ResponseProgress(Framing.CHUNKED, -1, a, ChunkPhase.IN_DATA, r, c));
                default -> Combinators.combine(n, Arbitraries.of(ChunkPhase.AT_CHUNK_START, ChunkPhase.AWAIT_CR,
                        ChunkPhase.AWAIT_LF), close).as((a, p, c) -> new ResponseProgress(Framing.CHUNKED, -1, a, p, 0, c));
            };
        });
        Arbitrary<HttpAppState> idle = pending.map(HttpAppState::idle);
        Arbitrary<String> name = latin1.filter(x -> !x.isEmpty());
        Arbitrary<HttpAppState> replay = Combinators.combine(pending, requests, name).as(HttpAppState::replay);
        Arbitrary<HttpAppState> resume = Combinators.combine(pending, requests, name, progress)
                .as(HttpAppState::resume);
        return Arbitraries.oneOf(idle, replay, resume);
    }
}
