package org.vanycast.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.vanycast.core.spi.SocketState;

class WireCodecTest {
    static final InetAddress X = addr("fd00:1::100");
    static final InetSocketAddress CLIENT = new InetSocketAddress(addr("fd00:2::10"), 41234);

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<NodeMessage> samples() {
        byte[] nonce = new byte[16];
        Arrays.fill(nonce, (byte) 7);
        SocketState state = new SocketState(new InetSocketAddress(X, 80), CLIENT, new byte[] {1, 2, 3, 4, 5});
        return List.of(
                new Prepare(0x1122334455667788L, X, CLIENT, 5000),
                new Init(-1L, nonce, 1_764_000_000_000L, 65535, X, state, "GET /file 500000".getBytes()),
                new Done(42, 3, 84_000, 1_200_000, 13_000),
                new Abort(43, AbortReason.REPLAYED, true, 9, "nonce seen before: ünïcode"),
                new Init(2L, nonce, 1_764_000_000_001L, 7, X, List.of(new Init.Migrated(state, new byte[] {1}),
                        new Init.Migrated(new SocketState(new InetSocketAddress(X, 80),
                                new InetSocketAddress(CLIENT.getAddress(), 41235), new byte[90]), new byte[0]))),
                new HandoffRequest(44, CLIENT, java.util.Optional.of("node2")),
                new HandoffRequest(45, CLIENT, java.util.Optional.empty()),
                new HandoffReply(44, true, "handoff=2c role=DONOR outcome=COMPLETED"),
                new StateAhead(46, List.of(new StateAhead.Entry(8080, "GET /file 500000".getBytes()),
                        new StateAhead.Entry(80, new byte[0]))));
    }

    @Test
    void shouldRoundTripEveryMessageType() throws Exception {
        for (NodeMessage m : samples()) {
            byte[] frame = WireCodec.encode(m);
            assertEquals(frame.length - WireCodec.HEADER_BYTES, WireCodec.bodyLength(frame));
            assertEquals(m, WireCodec.decode(frame), m.type().toString());
        }
    }

    @Test
    void shouldRejectEveryTruncationWithClearError() {
        for (NodeMessage m : samples()) {
            byte[] frame = WireCodec.encode(m);
            for (int n = 0; n < frame.length; n++) {
                byte[] cut = Arrays.copyOf(frame, n);
                var x = assertThrows(MalformedMessageException.class, () -> WireCodec.decode(cut), m.type() + " cut at " + n);
                assertFalse(x.getMessage().isBlank());
            }
        }
    }

    @Test
    void shouldRejectStateAheadLargerThanItsLimit() {
        byte[] frame = WireCodec.encode(new StateAhead(47, List.of(new StateAhead.Entry(80, new byte[StateAhead.MAX_TOTAL_BYTES]))));
        // one more byte of state, declared in both the frame header and the entry's length
        byte[] grown = Arrays.copyOf(frame, frame.length + 1);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(grown);
        b.putInt(4, b.getInt(4) + 1);
        int lengthAt = WireCodec.HEADER_BYTES + 8 + 2 + 2;
        b.putInt(lengthAt, b.getInt(lengthAt) + 1);
        var x = assertThrows(MalformedMessageException.class, () -> WireCodec.decode(grown));
        assertTrue(x.getMessage().contains("bytes of state ahead"), x.getMessage());
    }

    @Test
    void shouldRejectInnerLengthThatOverrunsFrame() {
        byte[] frame = WireCodec.encode(samples().get(1));
        // socket state length field sits after id, nonce, ts, seq, X, local, remote
        int at = WireCodec.HEADER_BYTES + 8 + 16 + 8 + 2 + 17 + 2 + 19 + 19;
        frame[at] = 0x7F;
        var x = assertThrows(MalformedMessageException.class, () -> WireCodec.decode(frame));
        assertTrue(x.getMessage().contains("socket state length"), x.getMessage());
    }

    @Test
    void shouldRejectInitWhoseConnectionsBelongToDifferentClients() {
        byte[] frame = WireCodec.encode(samples().get(4));
        // the second connection's remote address starts after the first connection and its local address
        int second = WireCodec.HEADER_BYTES + 8 + 16 + 8 + 2 + 17 + 2 + 19 + 19 + 4 + 5 + 4 + 1 + 19;
        assertEquals(16, frame[second]);
        frame[second + 16]++; // last byte of the address: another host
        var x = assertThrows(MalformedMessageException.class, () -> WireCodec.decode(frame));
        assertTrue(x.getMessage().contains("one client host"), x.getMessage());
    }

    @Test
    void shouldRejectBadMagicVersionAndUnknownType() {
        byte[] frame = WireCodec.encode(samples().get(2));
        byte[] magic = frame.clone();
        magic[0] = 0;
        assertTrue(assertThrows(MalformedMessageException.class, () -> WireCodec.decode(magic)).getMessage().contains("magic"));
        byte[] version = frame.clone();
        version[2] = 9;
        assertTrue(assertThrows(MalformedMessageException.class, () -> WireCodec.decode(version)).getMessage().contains("version 9"));
        byte[] type = frame.clone();
        type[3] = 77;
        assertTrue(assertThrows(MalformedMessageException.class, () -> WireCodec.decode(type)).getMessage().contains("unknown message type 77"));
    }

    @Test
    void shouldRejectOversizedBodyFromHeaderAlone() {
        byte[] header = {0x56, 0x41, 1, 2, 0x7F, 0, 0, 0};
        assertThrows(MalformedMessageException.class, () -> WireCodec.bodyLength(header));
    }

    @Test
    void shouldRejectTrailingBytesAndBadAddressLength() {
        byte[] frame = WireCodec.encode(samples().get(0));
        byte[] longer = Arrays.copyOf(frame, frame.length + 1);
        longer[7]++;
        assertTrue(assertThrows(MalformedMessageException.class, () -> WireCodec.decode(longer)).getMessage().contains("trailing"));
        byte[] badAddr = frame.clone();
        badAddr[WireCodec.HEADER_BYTES + 8] = 5;
        assertThrows(MalformedMessageException.class, () -> WireCodec.decode(badAddr));
    }

    @Test
    void shouldKeepUnknownAbortReasonCode() throws Exception {
        Abort a = new Abort(1, AbortReason.valueOf(200), false, 0, "");
        Abort back = (Abort) WireCodec.decode(WireCodec.encode(a));
        assertEquals(200, back.reason().code());
        assertArrayEquals(WireCodec.encode(a), WireCodec.encode(back));
    }

    @Property(tries = 300)
    void shouldNeverThrowAnythingButMalformedOnCorruptedFrames(@ForAll("corruptions") byte[] frame) {
        try {
            WireCodec.decode(frame);
        } catch (MalformedMessageException expected) {
            // the only allowed failure
        }
    }

    @Provide
    Arbitrary<byte[]> corruptions() {
        List<byte[]> frames = samples().stream().map(WireCodec::encode).toList();
        return Arbitraries.integers().between(0, frames.size() - 1).flatMap(i -> {
            byte[] f = frames.get(i);
            return Arbitraries.integers().between(0, f.length - 1).flatMap(pos ->
                    Arbitraries.bytes().map(b -> {
                        byte[] c = f.clone();
                        c[pos] = b;
                        return c;
                    }));
        });
    }
}
