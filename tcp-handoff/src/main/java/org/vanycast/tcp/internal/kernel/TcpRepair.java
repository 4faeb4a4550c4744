package org.vanycast.tcp.internal.kernel;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The Linux {@code TCP_REPAIR} facility (CRIU's libsoccr does the same in C): reading the
 * complete state of a socket in repair mode and building a socket from such a state. Each
 * method is one or a few syscalls on a file descriptor; the order in which they must be
 * called is the caller's business (see {@code TcpStateExtractor} and {@code TcpStateRestorer}).
 *
 * <p>Needs CAP_NET_ADMIN. {@link #unavailabilityCause()} tells why repair mode cannot be used.
 */
public final class TcpRepair {
    /** Queue selectors for {@code TCP_REPAIR_QUEUE}. */
    public static final int NO_QUEUE = 0;
    public static final int RECV_QUEUE = 1;
    public static final int SEND_QUEUE = 2;

    private static final int TCPOPT_MSS = 2;
    private static final int TCPOPT_WINDOW = 3;
    private static final int TCPOPT_SACK_PERM = 4;
    private static final int TCPOPT_TIMESTAMP = 8;
    private static final int TCPI_OPT_TIMESTAMPS = 1;
    private static final int TCPI_OPT_SACK = 2;
    private static final int TCPI_OPT_WSCALE = 4;

    private static final Optional<String> CAUSE = probe();

    private TcpRepair() {
    }

    /** TCP options negotiated on the connection (from {@code TCP_INFO}). */
    public record Options(boolean timestamps, boolean sack, boolean windowScaling, int sndWscale, int rcvWscale) {
    }

    /** {@code struct tcp_repair_window}. */
    public record Window(int sndWl1, int sndWnd, int maxWindow, int rcvWnd, int rcvWup) {
    }

    public static boolean isAvailable() {
        return CAUSE.isEmpty();
    }

    /** Empty when repair mode works here; otherwise why (no kernel support, no CAP_NET_ADMIN, no libc binding). */
    public static Optional<String> unavailabilityCause() {
        return CAUSE;
    }

    private static Optional<String> probe() {
        int fd = -1;
        try {
            fd = Syscalls.socket(Syscalls.AF_INET6, Syscalls.SOCK_STREAM, Syscalls.IPPROTO_TCP);
            Syscalls.setInt(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_REPAIR, 1, "TCP_REPAIR");
            return Optional.empty();
        } catch (NativeCallException e) {
            if (e.errno() == 1) {
                return Optional.of("TCP_REPAIR needs CAP_NET_ADMIN: " + e.getMessage());
            }
            if (e.errno() == 92) {
                return Optional.of("kernel without TCP_REPAIR: " + e.getMessage());
            }
            return Optional.of(e.getMessage());
        } catch (LinkageError | RuntimeException e) {
            return Optional.of("libc not reachable through JNA: " + e);
        } finally {
            Syscalls.closeQuietly(fd);
        }
    }

    public static void enter(int fd) throws NativeCallException {
        Syscalls.setInt(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_REPAIR, 1, "TCP_REPAIR=1");
    }

    /** Leaves repair mode; the kernel sends a window probe so the peer learns the window again. */
    public static void leave(int fd) throws NativeCallException {
        Syscalls.setInt(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_REPAIR, 0, "TCP_REPAIR=0");
    }

    public static void selectQueue(int fd, int queue) throws NativeCallException {
        Syscalls.setInt(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_REPAIR_QUEUE, queue, "TCP_REPAIR_QUEUE");
    }

    /** Send queue: the sequence number after the last byte queued; receive queue: rcv_nxt. */
    public static int queueSeq(int fd) throws NativeCallException {
        return Syscalls.getInt(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_QUEUE_SEQ, "TCP_QUEUE_SEQ");
    }

    /** Only on a socket that is not connected yet: sets the first sequence number of the selected queue. */
    public static void setQueueSeq(int fd, int seq) throws NativeCallException {
        Syscalls.setInt(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_QUEUE_SEQ, seq, "TCP_QUEUE_SEQ");
    }

    /** Bytes in the send queue, sent-unacknowledged and never sent together. */
    public static int outq(int fd) throws NativeCallException {
        return Syscalls.ioctlInt(fd, Syscalls.SIOCOUTQ, "SIOCOUTQ");
    }

    /** Bytes in the send queue never sent. */
    public static int outqNotSent(int fd) throws NativeCallException {
        return Syscalls.ioctlInt(fd, Syscalls.SIOCOUTQNSD, "SIOCOUTQNSD");
    }

    /** Bytes received and not yet read by the application. */
    public static int inq(int fd) throws NativeCallException {
        return Syscalls.ioctlInt(fd, Syscalls.SIOCINQ, "SIOCINQ");
    }

    /** Copies the selected queue without consuming it; fails unless exactly {@code len} bytes come back. */
    public static byte[] peekQueue(int fd, int len, String queueName) throws NativeCallException {
        byte[] buf = new byte[len];
        if (len == 0) {
            return buf;
        }
        int n = Syscalls.recv(fd, buf, len, Syscalls.MSG_PEEK | Syscalls.MSG_DONTWAIT, queueName + " queue");
        if (n != len) {
            throw new NativeCallException("recv(MSG_PEEK " + queueName + " queue)", 0,
                    "got " + n + " of " + len + " queued bytes");
        }
        return buf;
    }

    public static Options options(int fd) throws NativeCallException {
        byte[] info = Syscalls.get(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_INFO, 104, "TCP_INFO");
        if (info.length < 8) {
            throw new NativeCallException("getsockopt(TCP_INFO)", 0, "short struct tcp_info: " + info.length);
        }
        int opts = info[5] & 0xff;
        int wscale = info[6] & 0xff;
        return new Options((opts & TCPI_OPT_TIMESTAMPS) != 0, (opts & TCPI_OPT_SACK) != 0,
                (opts & TCPI_OPT_WSCALE) != 0, wscale & 0x0f, (wscale >>> 4) & 0x0f);
    }

    /** The socket's TCP state ({@code TCP_ESTABLISHED} = 1). */
    public static int state(int fd) throws NativeCallException {
        byte[] info = Syscalls.get(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_INFO, 8, "TCP_INFO");
        return info[0] & 0xff;
    }

    public static int mss(int fd) throws NativeCallException {
        return Syscalls.getInt(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_MAXSEG, "TCP_MAXSEG");
    }

    /** The connection's current TCP timestamp clock, offset included. */
    public static int timestamp(int fd) throws NativeCallException {
        return Syscalls.getInt(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_TIMESTAMP, "TCP_TIMESTAMP");
    }

    /** Sets the offset so the timestamp clock continues from {@code value} (the peer's PAWS check needs it). */
    public static void setTimestamp(int fd, int value) throws NativeCallException {
        Syscalls.setInt(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_TIMESTAMP, value, "TCP_TIMESTAMP");
    }

    public static Window window(int fd) throws NativeCallException {
        byte[] w = Syscalls.get(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_REPAIR_WINDOW, 20, "TCP_REPAIR_WINDOW");
        if (w.length != 20) {
            throw new NativeCallException("getsockopt(TCP_REPAIR_WINDOW)", 0, "short struct: " + w.length);
        }
        return new Window(Bytes.getIntLE(w, 0), Bytes.getIntLE(w, 4), Bytes.getIntLE(w, 8),
                Bytes.getIntLE(w, 12), Bytes.getIntLE(w, 16));
    }

    public static void setWindow(int fd, Window window) throws NativeCallException {
        byte[] w = new byte[20];
        Bytes.putIntLE(w, 0, window.sndWl1());
        Bytes.putIntLE(w, 4, window.sndWnd());
        Bytes.putIntLE(w, 8, window.maxWindow());
        Bytes.putIntLE(w, 12, window.rcvWnd());
        Bytes.putIntLE(w, 16, window.rcvWup());
        Syscalls.set(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_REPAIR_WINDOW, w, "TCP_REPAIR_WINDOW");
    }

    public static int sndbuf(int fd) throws NativeCallException {
        return Syscalls.getInt(fd, Syscalls.SOL_SOCKET, Syscalls.SO_SNDBUF, "SO_SNDBUF");
    }

    /**
     * A new IPv6 TCP socket in repair mode, not yet bound ({@link #bindRepairSocket}: an acceptor
     * opens it before it knows the local address). SO_REUSEADDR must come BEFORE TCP_REPAIR:
     * repair mode forces address reuse, and a later SO_REUSEADDR would overwrite that, so bind
     * would fail with EADDRINUSE next to a listener on the same port. IPV6_FREEBIND lets X be
     * bound whether or not it is configured on an interface yet.
     */
    public static int openUnboundRepairSocket() throws NativeCallException {
        int fd = Syscalls.socket(Syscalls.AF_INET6, Syscalls.SOCK_STREAM, Syscalls.IPPROTO_TCP);
        try {
            Syscalls.setInt(fd, Syscalls.SOL_SOCKET, Syscalls.SO_REUSEADDR, 1, "SO_REUSEADDR");
            enter(fd);
            Syscalls.setInt(fd, Syscalls.IPPROTO_IPV6, Syscalls.IPV6_FREEBIND, 1, "IPV6_FREEBIND");
            return fd;
        } catch (NativeCallException | RuntimeException e) {
            Syscalls.closeQuietly(fd);
            throw e;
        }
    }

    /** Binds a socket of {@link #openUnboundRepairSocket} to {@code local}. */
    public static void bindRepairSocket(int fd, InetSocketAddress local) throws NativeCallException {
        Syscalls.bind(fd, local, "repair socket");
    }

    /** In repair mode connect() sends no SYN: the socket goes to ESTABLISHED silently. */
    public static void connect(int fd, InetSocketAddress remote) throws NativeCallException {
        Syscalls.connect(fd, remote);
    }

    /** {@code TCP_REPAIR_OPTIONS}: what the handshake negotiated, as {@code struct tcp_repair_opt[]}. */
    public static void setOptions(int fd, int mss, Options o) throws NativeCallException {
        int n = 1 + (o.windowScaling() ? 1 : 0) + (o.sack() ? 1 : 0) + (o.timestamps() ? 1 : 0);
        byte[] opts = new byte[8 * n];
        int off = 0;
        off = putOpt(opts, off, TCPOPT_MSS, mss);
        if (o.windowScaling()) {
            off = putOpt(opts, off, TCPOPT_WINDOW, o.sndWscale() | (o.rcvWscale() << 16));
        }
        if (o.sack()) {
            off = putOpt(opts, off, TCPOPT_SACK_PERM, 0);
        }
        if (o.timestamps()) {
            putOpt(opts, off, TCPOPT_TIMESTAMP, 0);
        }
        Syscalls.set(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_REPAIR_OPTIONS, opts, "TCP_REPAIR_OPTIONS");
    }

    private static int putOpt(byte[] b, int off, int code, int value) {
        Bytes.putIntLE(b, off, code);
        Bytes.putIntLE(b, off + 4, value);
        return off + 8;
    }

    public static void forceSndbuf(int fd, int bytes) throws NativeCallException {
        Syscalls.setInt(fd, Syscalls.SOL_SOCKET, Syscalls.SO_SNDBUFFORCE, bytes, "SO_SNDBUFFORCE");
    }

    public static void forceRcvbuf(int fd, int bytes) throws NativeCallException {
        Syscalls.setInt(fd, Syscalls.SOL_SOCKET, Syscalls.SO_RCVBUFFORCE, bytes, "SO_RCVBUFFORCE");
    }

    /**
     * Writes into the selected queue in repair mode: send-queue data counts as sent and not
     * yet acknowledged (retransmitted by the timer), receive-queue data as received. Writes
     * in chunks; a chunk the kernel refuses for memory is halved, as libsoccr does.
     */
    public static void writeQueue(int fd, byte[] data, String queueName) throws NativeCallException {
        int off = 0;
        int chunk = Math.max(1, Math.min(data.length, 64 * 1024));
        byte[] buf = new byte[chunk];
        while (off < data.length) {
            int len = Math.min(chunk, data.length - off);
            System.arraycopy(data, off, buf, 0, len);
            int n;
            try {
                n = Syscalls.send(fd, buf, len, Syscalls.MSG_DONTWAIT, queueName + " queue in repair mode");
            } catch (NativeCallException e) {
                if (e.errno() == 12 && chunk > 1024) { // ENOMEM: the kernel wants smaller skbs
                    chunk /= 2;
                    continue;
                }
                throw e;
            }
            if (n <= 0) {
                throw new NativeCallException("send(" + queueName + " queue in repair mode)", Syscalls.EAGAIN,
                        "queue full after " + off + " of " + data.length + " bytes");
            }
            off += n;
        }
    }

    public static void close(int fd) throws NativeCallException {
        Syscalls.close(fd);
    }

    public static void closeQuietly(int fd) {
        Syscalls.closeQuietly(fd);
    }
}
