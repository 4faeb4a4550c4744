package org.vanycast.core.internal.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Bounds-checked big-endian reads; every failure names the field and the offset. */
final class WireReader {
    private final byte[] data;
    private final int end;
    private int pos;

    WireReader(byte[] data, int offset, int end) {
        this.data = data;
        this.pos = offset;
        this.end = end;
    }

    int remaining() {
        return end - pos;
    }

    int position() {
        return pos;
    }

    private void need(int n, String field) throws MalformedMessageException {
        if (n < 0 || n > end - pos) {
            throw new MalformedMessageException("truncated " + field + ": needs " + n + " bytes, " + (end - pos) + " left", pos);
        }
    }

    int u8(String field) throws MalformedMessageException {
        need(1, field);
        return data[pos++] & 0xFF;
    }

    int u16(String field) throws MalformedMessageException {
        need(2, field);
        int v = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    long u32(String field) throws MalformedMessageException {
        need(4, field);
        long v = ByteBuffer.wrap(data, pos, 4).getInt() & 0xFFFF_FFFFL;
        pos += 4;
        return v;
    }

    long i64(String field) throws MalformedMessageException {
        need(8, field);
        long v = ByteBuffer.wrap(data, pos, 8).getLong();
        pos += 8;
        return v;
    }

    long nonNegative(String field) throws MalformedMessageException {
        int at = pos;
        long v = i64(field);
        if (v < 0) {
            throw new MalformedMessageException("negative " + field, at);
        }
        return v;
    }

    /** A u32 length that must fit in what is left of the frame. */
    int length(String field) throws MalformedMessageException {
        int at = pos;
        long n = u32(field);
        if (n > remaining()) {
            throw new MalformedMessageException(field + " " + n + " exceeds the " + remaining() + " bytes left", at);
        }
        return (int) n;
    }

    byte[] bytes(int n, String field) throws MalformedMessageException {
        need(n, field);
        byte[] b = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    InetAddress address(String field) throws MalformedMessageException {
        int at = pos;
        int len = u8(field + " length");
        if (len != 4 && len != 16) {
            throw new MalformedMessageException(field + " length must be 4 or 16, was " + len, at);
        }
        try {
            return InetAddress.getByAddress(bytes(len, field));
        } catch (UnknownHostException e) {
            throw new MalformedMessageException(field + ": " + e.getMessage(), at);
        }
    }

    InetSocketAddress socketAddress(String field) throws MalformedMessageException {
        InetAddress a = address(field);
        return new InetSocketAddress(a, u16(field + " port"));
    }

    String utf8(int n, String field) throws MalformedMessageException {
        int at = pos;
        byte[] b = bytes(n, field);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException(field + " is not UTF-8", at);
        }
    }
}
