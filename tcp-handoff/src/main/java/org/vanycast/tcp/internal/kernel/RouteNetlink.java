package org.vanycast.tcp.internal.kernel;

import java.net.InetAddress;

/**
 * Routing changes by rtnetlink on a socket held open, in the network namespace of the thread
 * that opened it: replacing an IPv6 host route (switching a connection's traffic between
 * nodes in tens of microseconds where forking {@code ip route replace} takes milliseconds),
 * and the blackhole rule for marked sockets that keeps a frozen donor socket off the wire.
 */
public final class RouteNetlink implements AutoCloseable {
    private static final int NETLINK_ROUTE = 0;
    private static final int RTM_NEWROUTE = 24;
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLM_F_ACK = 4;
    private static final int NLM_F_REPLACE = 0x100;
    private static final int NLM_F_CREATE = 0x400;
    private static final int RTM_NEWRULE = 32;
    private static final int NLM_F_EXCL = 0x200;
    private static final int FRA_PRIORITY = 6;
    private static final int FRA_FWMARK = 10;
    private static final int FRA_FWMASK = 16;
    private static final int FR_ACT_BLACKHOLE = 6;
    private static final int EEXIST = 17;
    private static final int RTA_DST = 1;
    private static final int RTA_GATEWAY = 5;
    private static final int RT_TABLE_MAIN = 254;
    private static final int RTPROT_STATIC = 4;
    private static final int RTN_UNICAST = 1;

    private final int fd;
    private int seq;

    public RouteNetlink() throws NativeCallException {
        fd = Syscalls.socket(Syscalls.AF_NETLINK, Syscalls.SOCK_RAW, NETLINK_ROUTE);
    }

    /** {@code ip -6 route replace dst/128 via gateway}, waiting for the kernel's acknowledgement. */
    public synchronized void replaceHostRoute(InetAddress dst, InetAddress gateway) throws NativeCallException {
        byte[] msg = new byte[16 + 12 + 20 + 20];
        Bytes.putIntLE(msg, 0, msg.length);
        Bytes.putShortLE(msg, 4, RTM_NEWROUTE);
        Bytes.putShortLE(msg, 6, NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE | NLM_F_CREATE);
        Bytes.putIntLE(msg, 8, ++seq);
        // struct rtmsg
        msg[16] = (byte) Syscalls.AF_INET6;
        msg[17] = (byte) 128;
        msg[20] = (byte) RT_TABLE_MAIN;
        msg[21] = (byte) RTPROT_STATIC;
        msg[22] = 0; // RT_SCOPE_UNIVERSE
        msg[23] = (byte) RTN_UNICAST;
        putAttr(msg, 28, RTA_DST, Syscalls.ipv6Bytes(dst));
        putAttr(msg, 48, RTA_GATEWAY, Syscalls.ipv6Bytes(gateway));
        int err = request(msg, "RTM_NEWROUTE");
        if (err != 0) {
            throw new NativeCallException("RTM_NEWROUTE " + dst.getHostAddress() + " via " + gateway.getHostAddress(),
                    err, LibC.strerror(err));
        }
    }

    /**
     * {@code ip -6 rule add fwmark MARK/MASK priority PRIO blackhole}: packets of sockets carrying
     * the mark find no route and never leave the host. Already present is fine.
     */
    public synchronized void ensureBlackholeRule(int mark, int mask, int priority) throws NativeCallException {
        byte[] msg = new byte[16 + 12 + 8 + 8 + 8];
        Bytes.putIntLE(msg, 0, msg.length);
        Bytes.putShortLE(msg, 4, RTM_NEWRULE);
        Bytes.putShortLE(msg, 6, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
        Bytes.putIntLE(msg, 8, ++seq);
        // struct fib_rule_hdr: family, dst_len, src_len, tos, table, res1, res2, action
        msg[16] = (byte) Syscalls.AF_INET6;
        msg[23] = (byte) FR_ACT_BLACKHOLE;
        putAttr(msg, 28, FRA_PRIORITY, le(priority));
        putAttr(msg, 36, FRA_FWMARK, le(mark));
        putAttr(msg, 44, FRA_FWMASK, le(mask));
        int err = request(msg, "RTM_NEWRULE");
        if (err != 0 && err != EEXIST) {
            throw new NativeCallException("RTM_NEWRULE fwmark " + Integer.toHexString(mark) + " blackhole", err,
                    LibC.strerror(err));
        }
    }

    private int request(byte[] msg, String what) throws NativeCallException {
        int sent = Syscalls.send(fd, msg, msg.length, 0, what);
        if (sent != msg.length) {
            throw new NativeCallException("send(" + what + ")", 0, "short write " + sent);
        }
        byte[] reply = new byte[1024];
        int n = Syscalls.recv(fd, reply, reply.length, 0, what + " ack");
        if (n < 20 || Bytes.getShortLE(reply, 4) != NLMSG_ERROR) {
            throw new NativeCallException("recv(" + what + " ack)", 0, "unexpected reply of " + n + " bytes");
        }
        return -Bytes.getIntLE(reply, 16);
    }

    private static byte[] le(int v) {
        byte[] b = new byte[4];
        Bytes.putIntLE(b, 0, v);
        return b;
    }

    private static void putAttr(byte[] msg, int off, int type, byte[] value) {
        Bytes.putShortLE(msg, off, 4 + value.length);
        Bytes.putShortLE(msg, off + 2, type);
        System.arraycopy(value, 0, msg, off + 4, value.length);
    }

    @Override
    public void close() {
        Syscalls.closeQuietly(fd);
    }
}
