package org.vanycast.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.tcp.internal.kernel.TcpRepair;

class TcpStateCodecTest {

    static TcpConnectionState sample(int unacked, int unsent, int received) throws Exception {
        Random r = new Random(42);
        byte[] a = new byte[unacked];
        byte[] b = new byte[unsent];
        byte[] c = new byte[received];
        r.nextBytes(a);
        r.nextBytes(b);
        r.nextBytes(c);
        return new TcpConnectionState(new InetSocketAddress(InetAddress.getByName("fd00:ca5e:ff::1"), 8080),
                new InetSocketAddress(InetAddress.getByName("fd00:ca5e:1::2"), 50123), 0xfffffff0, 12345, 1440,
                new TcpRepair.Options(true, true, true, 7, 10), 0x80000001,
                new TcpRepair.Window(12345, 65535, 131072, 64512, 12000), 87040, a, b, c);
    }

    @Test
    void shouldRoundTripEveryFieldAndQueue() throws Exception {
        TcpConnectionState s = sample(3000, 1500, 700);
        TcpConnectionState d = TcpStateCodec.decode(TcpStateCodec.encode(s));
        assertEquals(s.local(), d.local());
        assertEquals(s.remote(), d.remote());
        assertEquals(s.sendSeq(), d.sendSeq());
        assertEquals(s.recvSeq(), d.recvSeq());
        assertEquals(s.mss(), d.mss());
        assertEquals(s.options(), d.options());
        assertEquals(s.timestamp(), d.timestamp());
        assertEquals(s.window(), d.window());
        assertEquals(s.sndbuf(), d.sndbuf());
        assertArrayEquals(s.unacked(), d.unacked());
        assertArrayEquals(s.unsent(), d.unsent());
        assertArrayEquals(s.received(), d.received());
    }

    @Test
    void shouldKeepDrainedRecordUnder200Bytes() throws Exception {
        assertEquals(104, TcpStateCodec.encode(sample(0, 0, 0)).length);
    }

    @Test
    void shouldRejectEveryTruncationWithMalformedState() throws Exception {
        byte[] full = TcpStateCodec.encode(sample(40, 20, 10));
        for (int len = 0; len < full.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(full, len);
            MalformedStateException e = assertThrows(MalformedStateException.class, () -> TcpStateCodec.decode(cut),
                    "length " + len);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void shouldRejectEverySingleBitFlip() throws Exception {
        byte[] full = TcpStateCodec.encode(sample(40, 20, 10));
        for (int i = 0; i < full.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = full.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThrows(MalformedStateException.class, () -> TcpStateCodec.decode(bad), "byte " + i + " bit " + bit);
            }
        }
    }

    @Test
    void shouldRejectUnknownVersionNamingIt() throws Exception {
        byte[] rec = TcpStateCodec.encode(sample(0, 0, 0));
        rec[4] = 2;
        MalformedStateException e = assertThrows(MalformedStateException.class, () -> TcpStateCodec.decode(rec));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        assertEquals(4, e.offset());
    }

    @Test
    void shouldRejectTrailingBytes() throws Exception {
        byte[] rec = TcpStateCodec.encode(sample(0, 0, 0));
        byte[] longer = java.util.Arrays.copyOf(rec, rec.length + 1);
        assertThrows(MalformedStateException.class, () -> TcpStateCodec.decode(longer));
    }

    @Test
    void shouldRejectInconsistentQueueLengthsEvenWithValidChecksum() throws Exception {
        byte[] rec = TcpStateCodec.encode(sample(10, 0, 0));
        ByteBuffer.wrap(rec).putInt(88, 5).putInt(92, 5); // 5 + 5 + 0 still fills 10 bytes
        ByteBuffer.wrap(rec).putInt(96, 1); // but now 11: does not fill the record
        reseal(rec);
        MalformedStateException e = assertThrows(MalformedStateException.class, () -> TcpStateCodec.decode(rec));
        assertTrue(e.getMessage().contains("queue lengths"), e.getMessage());
    }

    @Test
    void shouldRejectImplausibleWindowScaleEvenWithValidChecksum() throws Exception {
        byte[] rec = TcpStateCodec.encode(sample(0, 0, 0));
        rec[58] = 15;
        reseal(rec);
        assertThrows(MalformedStateException.class, () -> TcpStateCodec.decode(rec));
    }

    @Test
    void shouldRejectForgedHugeSendBufferEvenWithValidChecksum() throws Exception {
        byte[] rec = TcpStateCodec.encode(sample(0, 0, 0));
        ByteBuffer.wrap(rec).putInt(84, Integer.MAX_VALUE);
        reseal(rec);
        MalformedStateException e = assertThrows(MalformedStateException.class, () -> TcpStateCodec.decode(rec));
        assertTrue(e.getMessage().contains("SO_SNDBUF"), e.getMessage());
    }

    @Test
    void shouldRejectNullAndRandomGarbage() {
        assertThrows(MalformedStateException.class, () -> TcpStateCodec.decode(null));
        Random r = new Random(7);
        for (int i = 0; i < 1000; i++) {
            byte[] junk = new byte[r.nextInt(300)];
            r.nextBytes(junk);
            assertThrows(MalformedStateException.class, () -> TcpStateCodec.decode(junk));
        }
    }

    private static void reseal(byte[] rec) {
        CRC32C crc = new CRC32C();
        crc.update(rec, 0, rec.length - 4);
        ByteBuffer.wrap(rec).putInt(rec.length - 4, (int) crc.getValue());
    }
}
