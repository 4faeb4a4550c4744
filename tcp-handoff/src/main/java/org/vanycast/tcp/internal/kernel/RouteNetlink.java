package org.vanycast.tcp.internal.kernel;

import java.net.InetAddress;

/**
 * Replaces an IPv6 host route with one rtnetlink message (RTM_NEWROUTE with
 * NLM_F_CREATE|NLM_F_REPLACE) on a socket held open, in the network namespace of the thread
 * that opened it. Used to switch a connection's traffic between nodes in tens of microseconds
 * where forking {@code ip route replace} takes milliseconds.
 */
public final class RouteNetlink implements AutoCloseable {
    private static final int NETLINK_ROUTE = 0;
    private static final int RTM_NEWROUTE = 24;
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLM_F_ACK = 4;
    private static final int NLM_F_REPLACE = 0x100;
    private static final int NLM_F_CREATE = 0x400;
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
        int sent = Syscalls.send(fd, msg, msg.length, 0, "RTM_NEWROUTE");
        if (sent != msg.length) {
            throw new NativeCallException("send(RTM_NEWROUTE)", 0, "short write " + sent);
        }
        byte[] reply = new byte[1024];
        int n = Syscalls.recv(fd, reply, reply.length, 0, "RTM_NEWROUTE ack");
        if (n < 20 || Bytes.getShortLE(reply, 4) != NLMSG_ERROR) {
            throw new NativeCallException("recv(RTM_NEWROUTE ack)", 0, "unexpected reply of " + n + " bytes");
        }
        int err = -Bytes.getIntLE(reply, 16);
        if (err != 0) {
            throw new NativeCallException("RTM_NEWROUTE " + dst.getHostAddress() + " via " + gateway.getHostAddress(),
                    err, LibC.strerror(err));
        }
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
