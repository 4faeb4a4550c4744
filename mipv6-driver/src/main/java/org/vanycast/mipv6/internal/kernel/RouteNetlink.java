package org.vanycast.mipv6.internal.kernel;

import com.sun.jna.Native;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * In-process rtnetlink for the home tunnel's run-time changes: a route to a home address
 * with seg6 {@code encap.red} towards the care-of address (one outer IPv6 header, RFC 2473
 * on the wire) and the policy rule that lets reverse-tunnelled packets from that care-of
 * address be decapsulated. About 40 µs a change against 7–40 ms for forking {@code ip}.
 * The socket belongs to the namespace of the thread that opened it. Thread-safe.
 *
 * <pre>
 * nlmsghdr (16) | rtmsg (12) | RTA_DST 16 | RTA_OIF | RTA_TABLE | RTA_ENCAP_TYPE=SEG6 |
 *   RTA_ENCAP { SEG6_IPTUNNEL_SRH: int mode=ENCAP_RED | ipv6_sr_hdr (8) | segment (16) }
 * nlmsghdr (16) | fib_rule_hdr (12) | FRA_SRC | FRA_DST | FRA_IP_PROTO | FRA_TABLE | FRA_PRIORITY
 * </pre>
 */
public final class RouteNetlink implements AutoCloseable {
    private static final short RTM_NEWROUTE = 24;
    private static final short RTM_DELROUTE = 25;
    private static final short RTM_NEWRULE = 32;
    private static final short RTM_DELRULE = 33;
    private static final short NLMSG_ERROR = 2;
    private static final int EOPNOTSUPP = 95;
    private static final short NLM_F_REQUEST = 1;
    private static final short NLM_F_ACK = 4;
    private static final short NLM_F_REPLACE = 0x100;
    private static final short NLM_F_CREATE = 0x400;
    private static final short NLA_F_NESTED = (short) 0x8000;
    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_TABLE = 15;
    private static final int RTA_ENCAP_TYPE = 21;
    private static final int RTA_ENCAP = 22;
    private static final int LWTUNNEL_ENCAP_SEG6 = 5;
    private static final int SEG6_IPTUNNEL_SRH = 1;
    private static final int SEG6_IPTUN_MODE_ENCAP_RED = 3;
    private static final int FRA_DST = 1;
    private static final int FRA_SRC = 2;
    private static final int FRA_PRIORITY = 6;
    private static final int FRA_TABLE = 15;
    private static final int FRA_IP_PROTO = 22;
    private static final Availability AVAILABILITY = Availability.probe(() -> {
        int fd = LibC.INSTANCE.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0) {
            return "socket(AF_NETLINK, NETLINK_ROUTE): " + NativeException.describe(Native.getLastError());
        }
        LibC.INSTANCE.close(fd);
        return null;
    });

    private final int fd;
    private int seq;
    private boolean closed;

    private RouteNetlink(int fd) {
        this.fd = fd;
    }

    public static boolean isAvailable() {
        return AVAILABILITY.isAvailable();
    }

    public static String unavailabilityCause() {
        return AVAILABILITY.cause().orElse(null);
    }

    /** Opens a NETLINK_ROUTE socket in the calling thread's network namespace. */
    public static RouteNetlink open() throws NativeException {
        AVAILABILITY.ensure("rtnetlink");
        int fd = NativeException.check("socket(AF_NETLINK, NETLINK_ROUTE)",
                LibC.INSTANCE.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE));
        return new RouteNetlink(fd);
    }

    /** Interface index of {@code name} in this socket's namespace (resolve it from a thread in that namespace). */
    public static int ifIndex(String name) throws NativeException {
        int i = LibC.INSTANCE.if_nametoindex(name);
        if (i == 0) {
            throw new NativeException("if_nametoindex(" + name + ")", Native.getLastError());
        }
        return i;
    }

    /** {@code ip -6 route replace DST/128 encap seg6 mode encap.red segs SEGMENT dev OIF table TABLE}. */
    public synchronized void replaceEncapRoute(Inet6Address dst, Inet6Address segment, int oif, int table)
            throws NativeException {
        ByteBuffer b = message(RTM_NEWROUTE, NLM_F_REPLACE | NLM_F_CREATE);
        rtmsg(b, table);
        attr(b, RTA_DST, dst.getAddress());
        attrInt(b, RTA_OIF, oif);
        attrInt(b, RTA_TABLE, table);
        attr(b, RTA_ENCAP_TYPE, new byte[] {(byte) LWTUNNEL_ENCAP_SEG6, 0});
        ByteBuffer srh = ByteBuffer.allocate(4 + 8 + 16).order(ByteOrder.nativeOrder());
        srh.putInt(SEG6_IPTUN_MODE_ENCAP_RED);
        // ipv6_sr_hdr: next header (kernel fills), header length 2 (16 octets of segments),
        // routing type 4, segments left 0, last entry 0, flags 0, tag 0; then the segment.
        srh.put((byte) 0).put((byte) 2).put((byte) 4).put((byte) 0).put((byte) 0).put((byte) 0).putShort((short) 0);
        srh.put(segment.getAddress());
        int nest = b.position();
        b.putShort((short) 0).putShort((short) (RTA_ENCAP | NLA_F_NESTED));
        attr(b, SEG6_IPTUNNEL_SRH, srh.array());
        b.putShort(nest, (short) (b.position() - nest));
        transact("RTM_NEWROUTE " + Addresses.text(dst) + " encap seg6 " + Addresses.text(segment), b);
    }

    /** {@code ip -6 route replace DST/128 dev OIF table TABLE} (no encapsulation: e.g. into a TUN device). */
    public synchronized void replaceDeviceRoute(Inet6Address dst, int oif, int table) throws NativeException {
        ByteBuffer b = message(RTM_NEWROUTE, NLM_F_REPLACE | NLM_F_CREATE);
        rtmsg(b, table);
        attr(b, RTA_DST, dst.getAddress());
        attrInt(b, RTA_OIF, oif);
        attrInt(b, RTA_TABLE, table);
        transact("RTM_NEWROUTE " + Addresses.text(dst) + " dev " + oif, b);
    }

    /**
     * Whether this kernel has seg6 lightweight tunnels ({@code CONFIG_IPV6_SEG6_LWTUNNEL}), which
     * the in-kernel home tunnel needs; empty when it has them, else why not. Probed once, in a
     * private network namespace of a short-lived thread (nothing in any real namespace changes).
     */
    public static java.util.Optional<String> seg6Unavailability() {
        return Seg6.PROBED.cause();
    }

    /** Probed on first use, not while this class initializes (the probe thread needs the class). */
    private static final class Seg6 {
        static final Availability PROBED = Availability.probe(RouteNetlink::probeSeg6);
    }

    private static String probeSeg6() {
        String[] result = new String[1];
        Thread t = new Thread(() -> {
            if (LibC.INSTANCE.unshare(LibC.CLONE_NEWNET) != 0) {
                result[0] = "unshare(CLONE_NEWNET): " + NativeException.describe(Native.getLastError());
                return;
            }
            try (RouteNetlink n = open()) {
                byte[] probe = new byte[16];
                probe[0] = (byte) 0xfd;
                probe[15] = 1;
                n.replaceEncapRoute((Inet6Address) java.net.InetAddress.getByAddress(probe),
                        (Inet6Address) java.net.InetAddress.getByAddress(probe), 1, 250);
            } catch (NativeException e) {
                // lo is down in the fresh namespace: a kernel with seg6 accepts the encapsulation
                // and then refuses the device (ENETDOWN); one without refuses the encapsulation first
                if (e.errno() == EOPNOTSUPP) {
                    result[0] = "seg6 encapsulation routes refused (" + e.getMessage()
                            + "): the kernel lacks CONFIG_IPV6_SEG6_LWTUNNEL";
                }
            } catch (java.net.UnknownHostException e) {
                result[0] = e.toString();
            }
        }, "vanycast-seg6-probe");
        t.setDaemon(true);
        t.start();
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing for seg6";
        }
        return t.isAlive() ? "the seg6 probe did not finish within 10 s" : result[0];
    }

    /** {@code ip -6 route del DST/128 table TABLE}. */
    public synchronized void deleteRoute(Inet6Address dst, int table) throws NativeException {
        ByteBuffer b = message(RTM_DELROUTE, 0);
        rtmsg(b, table);
        attr(b, RTA_DST, dst.getAddress());
        attrInt(b, RTA_TABLE, table);
        transact("RTM_DELROUTE " + Addresses.text(dst), b);
    }

    /** {@code ip -6 rule add pref PRIORITY from SRC to DST ipproto PROTO lookup TABLE}. */
    public synchronized void addRule(Inet6Address src, Inet6Address dst, int ipProto, int table, int priority)
            throws NativeException {
        transact("RTM_NEWRULE from " + Addresses.text(src), rule(RTM_NEWRULE, NLM_F_CREATE, src, dst, ipProto, table, priority));
    }

    /** Deletes the rule {@link #addRule} made. */
    public synchronized void deleteRule(Inet6Address src, Inet6Address dst, int ipProto, int table, int priority)
            throws NativeException {
        transact("RTM_DELRULE from " + Addresses.text(src), rule(RTM_DELRULE, 0, src, dst, ipProto, table, priority));
    }

    private ByteBuffer rule(short type, int flags, Inet6Address src, Inet6Address dst, int ipProto, int table, int priority) {
        ByteBuffer b = message(type, flags);
        b.put((byte) LibC.AF_INET6).put((byte) 128).put((byte) 128).put((byte) 0);
        b.put((byte) (table < 256 ? table : 0)).put((byte) 0).put((byte) 0).put((byte) 1 /* FR_ACT_TO_TBL */);
        b.putInt(0);
        attr(b, FRA_SRC, src.getAddress());
        attr(b, FRA_DST, dst.getAddress());
        attr(b, FRA_IP_PROTO, new byte[] {(byte) ipProto});
        attrInt(b, FRA_TABLE, table);
        attrInt(b, FRA_PRIORITY, priority);
        return b;
    }

    private ByteBuffer message(short type, int flags) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
        b.putInt(0).putShort(type).putShort((short) (NLM_F_REQUEST | NLM_F_ACK | flags)).putInt(++seq).putInt(0);
        return b;
    }

    private static void rtmsg(ByteBuffer b, int table) {
        // family, dst_len 128, src_len 0, tos 0, table, protocol static (4), scope universe, type unicast
        b.put((byte) LibC.AF_INET6).put((byte) 128).put((byte) 0).put((byte) 0);
        b.put((byte) (table < 256 ? table : 0)).put((byte) 4).put((byte) 0).put((byte) 1);
        b.putInt(0);
    }

    private static void attr(ByteBuffer b, int type, byte[] value) {
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
    }

    private static void attrInt(ByteBuffer b, int type, int value) {
        b.putShort((short) 8).putShort((short) type).putInt(value);
    }

    private void transact(String what, ByteBuffer b) throws NativeException {
        if (closed) {
            throw new NativeException(what, "netlink socket closed");
        }
        int len = b.position();
        b.putInt(0, len);
        byte[] msg = new byte[len];
        System.arraycopy(b.array(), 0, msg, 0, len);
        byte[] kernel = new byte[12];
        kernel[0] = (byte) (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? LibC.AF_NETLINK : 0);
        kernel[1] = (byte) (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : LibC.AF_NETLINK);
        NativeException.check("sendto(netlink " + what + ")", LibC.INSTANCE.sendto(fd, msg, len, 0, kernel, 12));
        byte[] reply = new byte[4096];
        int[] fromLen = {12};
        byte[] from = new byte[12];
        while (true) {
            int n = NativeException.check("recvfrom(netlink " + what + ")",
                    LibC.INSTANCE.recvfrom(fd, reply, reply.length, 0, from, fromLen));
            ByteBuffer r = ByteBuffer.wrap(reply, 0, n).order(ByteOrder.nativeOrder());
            while (r.remaining() >= 16) {
                int start = r.position();
                int mlen = r.getInt();
                short type = r.getShort();
                r.getShort();
                int mseq = r.getInt();
                r.getInt();
                if (type == NLMSG_ERROR && mseq == seq) {
                    int err = r.getInt();
                    if (err != 0) {
                        throw new NativeException(what, -err);
                    }
                    return;
                }
                if (mlen < 16) {
                    throw new NativeException(what, "bad netlink reply length " + mlen);
                }
                r.position(start + ((mlen + 3) & ~3));
            }
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(fd);
        }
    }
}
