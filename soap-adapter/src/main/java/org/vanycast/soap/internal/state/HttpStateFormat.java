package org.vanycast.soap.internal.state;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.soap.api.RecordedRequest;
import org.vanycast.soap.api.RecordedRequest.Header;

/**
 * The binary form of {@link HttpAppState}, version 1. Everything is byte-aligned; integers
 * are unsigned LEB128 varints; strings are a varint length and ISO-8859-1 bytes (what HTTP/1.1
 * header fields are made of); a CRC-32C over all preceding bytes closes the record, so a
 * flipped bit anywhere is caught before any field is trusted.
 *
 * <pre>
 *  0       1       2       3       4
 * +-------+-------+-------+-------+--------------------------------+
 * |  'V'  |  'S'  |version| kind  | pending input (varint n, n B)  |
 * +-------+-------+-------+-------+--------------------------------+
 * kind REPLAY, CONTINUE:   request = method, target (strings), header count (varint),
 *                          {name, value}*, body-complete (1 B), body (varint n, n B),
 *                          resumable name (string)
 * kind CONTINUE:           framing (1 B), content length + 1 (varint, 0 = none),
 *                          body sent (varint), chunk phase (1 B), chunk remaining (varint),
 *                          flags (1 B: bit 0 close after response)
 * +--------------------------------+
 * | CRC-32C of all the above (4 B, big-endian)
 * +--------------------------------+
 * </pre>
 *
 * An idle keep-alive connection costs 9 bytes.
 */
public final class HttpStateFormat {

    static final byte MAGIC_0 = 'V';
    static final byte MAGIC_1 = 'S';
    public static final int VERSION = 1;
    static final int MIN_LENGTH = 4 + 1 + 4;

    /** Limits that bound what a forged record can make the acceptor allocate. */
    public static final int MAX_PENDING = 1 << 20;
    public static final int MAX_BODY = 16 << 20;
    public static final int MAX_STRING = 16 << 10;
    public static final int MAX_HEADERS = 256;

    private HttpStateFormat() {
    }

    public static byte[] encode(HttpAppState state) {
        Out out = new Out();
        out.write(MAGIC_0);
        out.write(MAGIC_1);
        out.write(VERSION);
        out.write(state.kind().ordinal());
        out.bytes(state.pendingInput(), MAX_PENDING);
        if (state.kind() != HttpAppState.Kind.IDLE) {
            RecordedRequest r = state.request();
            out.string(r.method());
            out.string(r.target());
            if (r.headers().size() > MAX_HEADERS) {
                throw new IllegalArgumentException("more than " + MAX_HEADERS + " headers");
            }
            out.varint(r.headers().size());
            for (Header h : r.headers()) {
                out.string(h.name());
                out.string(h.value());
            }
            out.write(r.bodyComplete() ? 1 : 0);
            out.bytes(r.body(), MAX_BODY);
            out.string(state.resumable());
        }
        if (state.kind() == HttpAppState.Kind.CONTINUE) {
            ResponseProgress p = state.progress();
            out.write(p.framing().code);
            out.varint(p.contentLength() + 1);
            out.varint(p.bodySent());
            out.write(p.chunkPhase().code);
            out.varint(p.chunkRemaining());
            out.write(p.closeAfter() ? 1 : 0);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.buf(), 0, out.size());
        int c = (int) crc.getValue();
        out.write(c >>> 24);
        out.write(c >>> 16);
        out.write(c >>> 8);
        out.write(c);
        return out.toByteArray();
    }

    public static HttpAppState decode(byte[] record) throws MalformedStateException {
        if (record == null || record.length < MIN_LENGTH) {
            throw new MalformedStateException("HTTP state record truncated: " + (record == null ? 0 : record.length)
                    + " bytes, at least " + MIN_LENGTH + " needed", record == null ? 0 : record.length);
        }
        if (record[0] != MAGIC_0 || record[1] != MAGIC_1) {
            throw new MalformedStateException("not an HTTP state record (bad magic)", 0);
        }
        if (record[2] != VERSION) {
            throw new MalformedStateException("unsupported HTTP state version " + (record[2] & 0xff), 2);
        }
        int end = record.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(record, 0, end);
        int expected = ((record[end] & 0xff) << 24) | ((record[end + 1] & 0xff) << 16)
                | ((record[end + 2] & 0xff) << 8) | (record[end + 3] & 0xff);
        if ((int) crc.getValue() != expected) {
            throw new MalformedStateException("HTTP state record corrupt or truncated (CRC mismatch)", end);
        }
        In in = new In(record, 3, end);
        int kindCode = in.u8();
        if (kindCode >= HttpAppState.Kind.values().length) {
            throw new MalformedStateException("unknown connection kind " + kindCode, 3);
        }
        HttpAppState.Kind kind = HttpAppState.Kind.values()[kindCode];
        byte[] pending = in.bytes(MAX_PENDING, "pending input");
        if (kind == HttpAppState.Kind.IDLE) {
            in.expectEnd();
            return HttpAppState.idle(pending);
        }
        // A request may be replayed into the acceptor's server: only well-formed HTTP/1.1
        // pieces, so a forged record cannot smuggle a second request or header.
        int at0 = in.pos;
        String method = in.string("method");
        if (!isToken(method)) {
            throw new MalformedStateException("method is not an HTTP token", at0);
        }
        at0 = in.pos;
        String target = in.string("target");
        if (!isTarget(target)) {
            throw new MalformedStateException("request target is empty or has spaces or control bytes", at0);
        }
        int headerCount = (int) in.varint(MAX_HEADERS, "header count");
        List<Header> headers = new ArrayList<>(headerCount);
        for (int i = 0; i < headerCount; i++) {
            at0 = in.pos;
            String name = in.string("header name");
            String value = in.string("header value");
            if (!isToken(name) || !isFieldValue(value)) {
                throw new MalformedStateException("header " + i + " is not a valid HTTP field", at0);
            }
            headers.add(new Header(name, value));
        }
        int completeAt = in.pos;
        int complete = in.u8();
        if (complete > 1) {
            throw new MalformedStateException("bad body-complete flag " + complete, completeAt);
        }
        byte[] body = in.bytes(MAX_BODY, "request body");
        RecordedRequest request = new RecordedRequest(method, target, headers, body, complete == 1);
        at0 = in.pos;
        String resumable = in.string("resumable name");
        if (resumable.isEmpty()) {
            throw new MalformedStateException("empty resumable name", at0);
        }
        if (kind == HttpAppState.Kind.REPLAY) {
            in.expectEnd();
            return HttpAppState.replay(pending, request, resumable);
        }
        int at = in.pos;
        Framing framing = Framing.ofCode(in.u8());
        long contentLength = in.varint(Long.MAX_VALUE, "content length") - 1;
        long bodySent = in.varint(Long.MAX_VALUE, "body sent");
        ChunkPhase phase = ChunkPhase.ofCode(in.u8());
        long chunkRemaining = in.varint(Long.MAX_VALUE, "chunk remaining");
        int flags = in.u8();
        in.expectEnd();
        if (framing == null || phase == null || flags > 1) {
            throw new MalformedStateException("unknown framing, chunk phase or flags", at);
        }
        try {
            return HttpAppState.resume(pending, request, resumable,
                    new ResponseProgress(framing, contentLength, bodySent, phase, chunkRemaining, flags == 1));
        } catch (IllegalArgumentException e) {
            throw new MalformedStateException("inconsistent response progress: " + e.getMessage(), at);
        }
    }

    /** RFC 9110 §5.6.2 token. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A request target: visible ASCII and obs-text, no spaces. */
    public static boolean isTarget(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 §5.5 field value: no CR, LF or NUL (and no other control but tab). */
    public static boolean isFieldValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(32);
        }

        byte[] buf() {
            return buf;
        }

        void varint(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative " + v);
            }
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void bytes(byte[] b, int max) {
            if (b.length > max) {
                throw new IllegalArgumentException(b.length + " bytes exceed the limit " + max);
            }
            varint(b.length);
            write(b, 0, b.length);
        }

        void string(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 0xFF) {
                    throw new IllegalArgumentException("not an ISO-8859-1 string: " + s);
                }
            }
            bytes(s.getBytes(StandardCharsets.ISO_8859_1), MAX_STRING);
        }
    }

    private static final class In {
        private final byte[] b;
        private final int end;
        int pos;

        In(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int u8() throws MalformedStateException {
            if (pos >= end) {
                throw new MalformedStateException("HTTP state record truncated", pos);
            }
            return b[pos++] & 0xff;
        }

        long varint(long max, String what) throws MalformedStateException {
            int start = pos;
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 63) {
                    throw new MalformedStateException(what + ": varint too long", start);
                }
                int c = u8();
                if (c == 0 && shift > 0) {
                    // One encoding per value: the record is canonical, and its CRC says so.
                    throw new MalformedStateException(what + ": over-long varint", start);
                }
                if (shift == 63 && (c & 0x7E) != 0) {
                    throw new MalformedStateException(what + ": varint overflows", start);
                }
                v |= (long) (c & 0x7F) << shift;
                if ((c & 0x80) == 0) {
                    break;
                }
            }
            if (v < 0 || v > max) {
                throw new MalformedStateException(what + " " + Long.toUnsignedString(v) + " exceeds " + max, start);
            }
            return v;
        }

        byte[] bytes(int max, String what) throws MalformedStateException {
            int start = pos;
            int n = (int) varint(max, what + " length");
            if (n > end - pos) {
                throw new MalformedStateException(what + " of " + n + " bytes runs past the record", start);
            }
            byte[] out = new byte[n];
            System.arraycopy(b, pos, out, 0, n);
            pos += n;
            return out;
        }

        String string(String what) throws MalformedStateException {
            return new String(bytes(MAX_STRING, what), StandardCharsets.ISO_8859_1);
        }

        void expectEnd() throws MalformedStateException {
            if (pos != end) {
                throw new MalformedStateException((end - pos) + " unexpected bytes after the HTTP state", pos);
            }
        }
    }
}
