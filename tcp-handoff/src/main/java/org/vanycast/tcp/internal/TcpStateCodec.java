package org.vanycast.tcp.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.vanycast.core.spi.MalformedStateException;
import org.vanycast.tcp.internal.kernel.TcpRepair;

/**
 * The {@code SocketState} record of this migrator, version 1. Big-endian, size-prefixed,
 * CRC32C-protected, so a truncated or corrupt record is refused before any socket exists.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        magic "VTCP"                           |   0
 * |   version=1   |T|S|W| flags   |      fixed length = 100       |   4
 * |              total length (whole record, CRC included)        |   8
 * |                 local address (16 bytes)  ...                 |  12
 * |          local port           |  remote address (16) ...      |  28
 * |  ... remote address           |          remote port          |  44
 * |        send seq (snd_una)     |  recv seq (first queued byte) |  48, 52
 * |              MSS              | snd wscale    | rcv wscale    |  56
 * |                TCP timestamp (offset included)                |  60
 * |  snd_wl1 | snd_wnd | max_window | rcv_wnd | rcv_wup (5 x 32)  |  64
 * |                        SO_SNDBUF                              |  84
 * | unacked length | unsent length | received length (3 x 32)     |  88
 * |  unacked bytes, unsent bytes, received bytes ...              | 100
 * |                 CRC32C of all preceding bytes                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * T = timestamps, S = SACK permitted, W = window scaling negotiated.
 */
public final class TcpStateCodec {
    public static final int MAGIC = 0x56544350; // "VTCP"
    public static final int VERSION = 1;
    static final int FIXED = 100;
    static final int CRC = 4;
    /** The largest record accepted: queues beyond this cannot come from a real socket buffer. */
    static final int MAX_RECORD = 64 * 1024 * 1024;
    /** Twice the largest net.core.wmem_max anyone sets (the kernel reports SO_SNDBUF doubled). */
    static final int MAX_SNDBUF = 256 * 1024 * 1024;
    private static final int F_TS = 0x80;
    private static final int F_SACK = 0x40;
    private static final int F_WSCALE = 0x20;

    private TcpStateCodec() {
    }

    public static byte[] encode(TcpConnectionState s) {
        int total = FIXED + s.unacked().length + s.unsent().length + s.received().length + CRC;
        ByteBuffer b = ByteBuffer.allocate(total);
        TcpRepair.Options o = s.options();
        b.putInt(MAGIC).put((byte) VERSION)
                .put((byte) ((o.timestamps() ? F_TS : 0) | (o.sack() ? F_SACK : 0) | (o.windowScaling() ? F_WSCALE : 0)))
                .putShort((short) FIXED).putInt(total);
        putEndpoint(b, s.local());
        putEndpoint(b, s.remote());
        b.putInt(s.sendSeq()).putInt(s.recvSeq()).putShort((short) s.mss())
                .put((byte) o.sndWscale()).put((byte) o.rcvWscale()).putInt(s.timestamp());
        TcpRepair.Window w = s.window();
        b.putInt(w.sndWl1()).putInt(w.sndWnd()).putInt(w.maxWindow()).putInt(w.rcvWnd()).putInt(w.rcvWup());
        b.putInt(s.sndbuf()).putInt(s.unacked().length).putInt(s.unsent().length).putInt(s.received().length);
        b.put(s.unacked()).put(s.unsent()).put(s.received());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, total - CRC);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static void putEndpoint(ByteBuffer b, InetSocketAddress a) {
        byte[] raw = a.getAddress().getAddress();
        if (raw.length != 16) {
            throw new IllegalArgumentException("only IPv6 connections migrate: " + a);
        }
        b.put(raw).putShort((short) a.getPort());
    }

    /** Decodes and validates a record; never returns a partly filled state. */
    public static TcpConnectionState decode(byte[] r) throws MalformedStateException {
        if (r == null || r.length < FIXED + CRC) {
            throw new MalformedStateException("TCP state truncated: " + (r == null ? 0 : r.length)
                    + " bytes, a record has at least " + (FIXED + CRC), r == null ? 0 : r.length);
        }
        ByteBuffer b = ByteBuffer.wrap(r);
        if (b.getInt() != MAGIC) {
            throw new MalformedStateException("not a TCP state record (bad magic)", 0);
        }
        int version = b.get() & 0xff;
        if (version != VERSION) {
            throw new MalformedStateException("unknown TCP state version " + version + " (this migrator reads "
                    + VERSION + ")", 4);
        }
        int flags = b.get() & 0xff;
        int fixed = b.getShort() & 0xffff;
        if (fixed != FIXED) {
            throw new MalformedStateException("fixed part of " + fixed + " bytes, version 1 has " + FIXED, 6);
        }
        long total = b.getInt() & 0xffffffffL;
        if (total > MAX_RECORD || total < FIXED + CRC) {
            throw new MalformedStateException("implausible record length " + total, 8);
        }
        if (r.length < total) {
            throw new MalformedStateException("TCP state truncated: " + r.length + " of " + total + " bytes", r.length);
        }
        if (r.length > total) {
            throw new MalformedStateException("trailing bytes after the TCP state: " + r.length + " for a record of "
                    + total, (int) total);
        }
        CRC32C crc = new CRC32C();
        crc.update(r, 0, (int) total - CRC);
        int expected = ByteBuffer.wrap(r, (int) total - CRC, CRC).getInt();
        if ((int) crc.getValue() != expected) {
            throw new MalformedStateException("TCP state corrupt: CRC32C mismatch", (int) total - CRC);
        }
        InetSocketAddress local = endpoint(b, 12);
        InetSocketAddress remote = endpoint(b, 30);
        int sendSeq = b.getInt();
        int recvSeq = b.getInt();
        int mss = b.getShort() & 0xffff;
        int sndWscale = b.get() & 0xff;
        int rcvWscale = b.get() & 0xff;
        int ts = b.getInt();
        TcpRepair.Window w = new TcpRepair.Window(b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt());
        int sndbuf = b.getInt();
        long unackedLen = b.getInt() & 0xffffffffL;
        long unsentLen = b.getInt() & 0xffffffffL;
        long recvLen = b.getInt() & 0xffffffffL;
        if (FIXED + unackedLen + unsentLen + recvLen + CRC != total) {
            throw new MalformedStateException("queue lengths " + unackedLen + "+" + unsentLen + "+" + recvLen
                    + " do not fill a record of " + total + " bytes", 88);
        }
        if (mss < 64) {
            throw new MalformedStateException("implausible MSS " + mss, 56);
        }
        if (sndWscale > 14 || rcvWscale > 14) {
            throw new MalformedStateException("window scale above 14: " + sndWscale + "/" + rcvWscale, 58);
        }
        if (sndbuf < 0 || sndbuf > MAX_SNDBUF) {
            // the acceptor forces its buffer to this size: a forged value must not pin memory
            throw new MalformedStateException("implausible SO_SNDBUF " + Integer.toUnsignedString(sndbuf), 84);
        }
        if (Integer.compareUnsigned(w.maxWindow(), w.sndWnd()) < 0) {
            throw new MalformedStateException("max_window below snd_wnd", 72);
        }
        TcpRepair.Options o = new TcpRepair.Options((flags & F_TS) != 0, (flags & F_SACK) != 0,
                (flags & F_WSCALE) != 0, sndWscale, rcvWscale);
        byte[] unacked = new byte[(int) unackedLen];
        byte[] unsent = new byte[(int) unsentLen];
        byte[] received = new byte[(int) recvLen];
        b.position(FIXED);
        b.get(unacked).get(unsent).get(received);
        return new TcpConnectionState(local, remote, sendSeq, recvSeq, mss, o, ts, w, sndbuf, unacked, unsent,
                received);
    }

    private static InetSocketAddress endpoint(ByteBuffer b, int offset) throws MalformedStateException {
        byte[] raw = new byte[16];
        b.get(raw);
        int port = b.getShort() & 0xffff;
        InetAddress a;
        try {
            a = Inet6Address.getByAddress(null, raw, -1);
        } catch (UnknownHostException e) {
            throw new MalformedStateException("bad address: " + e.getMessage(), offset);
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress() || port == 0) {
            throw new MalformedStateException("not a connection endpoint: [" + a.getHostAddress() + "]:" + port, offset);
        }
        return new InetSocketAddress(a, port);
    }
}
