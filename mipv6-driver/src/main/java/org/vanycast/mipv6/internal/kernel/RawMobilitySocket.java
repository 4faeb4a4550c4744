package org.vanycast.mipv6.internal.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * Raw IPv6 sockets for Mobility Header signalling, created in the calling thread's namespace.
 *
 * <ul>
 * <li>A protocol-135 socket sends and receives plain Mobility Headers; the kernel fills in
 *     and verifies the MH checksum at offset 4 ({@code IPV6_CHECKSUM}), so it suits HoTI,
 *     HoT, CoTI, CoT. It never sees packets with a Home Address option or a type 2 routing
 *     header on this kernel (they are dropped first; see {@link NfQueue}).</li>
 * <li>An {@code IPPROTO_RAW} (header-included) socket sends whole IPv6 packets built in
 *     user space: Binding Updates with a Home Address option and Binding Acknowledgements
 *     with a type 2 routing header, whose checksum pseudo-header uses the home address and
 *     which the kernel cannot build without {@code CONFIG_IPV6_MIP6}.</li>
 * </ul>
 */
public final class RawMobilitySocket implements AutoCloseable {
    /** Offset of the checksum field in the Mobility Header (RFC 6275 §6.1.1). */
    public static final int MH_CHECKSUM_OFFSET = 4;
    private static final Availability AVAILABILITY = Availability.probe(() -> {
        int fd = LibC.INSTANCE.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_MH);
        if (fd < 0) {
            return "socket(AF_INET6, SOCK_RAW, 135): " + NativeException.describe(Native.getLastError());
        }
        LibC.INSTANCE.close(fd);
        return null;
    });

    private static final byte[] LOOPBACK = SockAddr6.of(loopback6(), 0);
    /** An IPv6 header, payload length 0, next header 59, hop limit 1, from ::1 to ::1. */
    private static final byte[] LOOPBACK_NOTHING = loopbackNothing();

    private final int mhFd;
    // Created with the MH socket, never lazily: a socket belongs to the namespace of the
    // thread that creates it, and the sender may be a thread in another namespace.
    private int rawFd = -1;
    private final LibC.PollFd[] pollFds = (LibC.PollFd[]) new LibC.PollFd().toArray(1);
    private final byte[] from = new byte[SockAddr6.SIZE];
    private final int[] fromLen = new int[1];
    private volatile boolean closed;

    private RawMobilitySocket(int mhFd) {
        this.mhFd = mhFd;
        pollFds[0].fd = mhFd;
        pollFds[0].events = LibC.POLLIN;
    }

    public static boolean isAvailable() {
        return AVAILABILITY.isAvailable();
    }

    public static String unavailabilityCause() {
        return AVAILABILITY.cause().orElse(null);
    }

    /** Opens the protocol-135 socket; {@code bindTo} may be null (any local address). */
    public static RawMobilitySocket open(InetAddress bindTo) throws NativeException {
        AVAILABILITY.ensure("raw Mobility Header socket");
        int fd = NativeException.check("socket(AF_INET6, SOCK_RAW, IPPROTO_MH)",
                LibC.INSTANCE.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_MH));
        RawMobilitySocket s = new RawMobilitySocket(fd);
        try {
            s.rawFd = NativeException.check("socket(AF_INET6, SOCK_RAW, IPPROTO_RAW)",
                    LibC.INSTANCE.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_RAW));
            // Explicit, although 4 is the kernel's default for protocol 135.
            NativeException.check("setsockopt(IPV6_CHECKSUM, 4)", LibC.INSTANCE.setsockopt(fd,
                    LibC.IPPROTO_IPV6, LibC.IPV6_CHECKSUM, new int[] {MH_CHECKSUM_OFFSET}, 4));
            if (bindTo != null) {
                NativeException.check("bind(" + bindTo.getHostAddress() + ")",
                        LibC.INSTANCE.bind(fd, SockAddr6.of(bindTo, 0), SockAddr6.SIZE));
            }
        } catch (NativeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Sends one Mobility Header (checksum field filled by the kernel) to {@code dst}. */
    public void send(byte[] mobilityHeader, InetAddress dst) throws NativeException {
        try {
            DirectLibC.sendto(mhFd, mobilityHeader, mobilityHeader.length, 0, SockAddr6.of(dst, 0), SockAddr6.SIZE);
        } catch (LastErrorException e) {
            throw new NativeException("sendto(MH to " + dst.getHostAddress() + ")", e.getErrorCode());
        }
    }

    /**
     * Sends a header-only IPv6 packet (next header 59, "no next header") from and to
     * {@code ::1} through the header-included socket: the call and the kernel send path of a
     * Binding Update, on loopback only, where the stack discards it on arrival. Run while a
     * handoff is imminent, so that the Binding Update's send finds them warm.
     *
     * @return whether the packet was sent (a failure is harmless and logged by the caller)
     */
    public synchronized boolean rehearseSend() {
        if (closed) {
            return false; // its descriptor number may belong to another file by now
        }
        try {
            DirectLibC.sendto(rawFd, LOOPBACK_NOTHING, LOOPBACK_NOTHING.length, 0, LOOPBACK, SockAddr6.SIZE);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /**
     * Sends a complete IPv6 packet as is (header included); the next hop is chosen by the
     * routing table for the packet's destination, or {@code routeVia} when not null (the
     * first address of a type 2 routing header is the care-of address itself).
     */
    public synchronized void sendPacket(byte[] ipv6Packet, InetAddress routeVia) throws NativeException {
        if (ipv6Packet.length < 40) {
            throw new IllegalArgumentException("not an IPv6 packet: " + ipv6Packet.length + " bytes");
        }
        InetAddress dst = routeVia;
        if (dst == null) {
            try {
                dst = InetAddress.getByAddress(Arrays.copyOfRange(ipv6Packet, 24, 40));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            DirectLibC.sendto(rawFd, ipv6Packet, ipv6Packet.length, 0, SockAddr6.of(dst, 0), SockAddr6.SIZE);
        } catch (LastErrorException e) {
            throw new NativeException("sendto(IPPROTO_RAW to " + dst.getHostAddress() + ")", e.getErrorCode());
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for one Mobility Header; returns null on time-out.
     * Messages the kernel found with a bad checksum never arrive here.
     */
    public Received receive(int timeoutMillis) throws NativeException {
        if (closed) {
            throw new NativeException("receive", "socket closed");
        }
        int n = LibC.INSTANCE.poll(pollFds, 1, timeoutMillis);
        if (n < 0) {
            int err = Native.getLastError();
            if (err == LibC.EINTR) {
                return null;
            }
            throw new NativeException("poll(MH socket)", err);
        }
        if (n == 0) {
            return null;
        }
        byte[] buf = new byte[2048];
        fromLen[0] = SockAddr6.SIZE;
        int len = LibC.INSTANCE.recvfrom(mhFd, buf, buf.length, 0x40 /* MSG_DONTWAIT */, from, fromLen);
        if (len < 0) {
            int err = Native.getLastError();
            if (err == LibC.EAGAIN || err == LibC.EINTR) {
                return null;
            }
            throw new NativeException("recvfrom(MH socket)", err);
        }
        return new Received(SockAddr6.address(from), Arrays.copyOf(buf, len));
    }

    /**
     * Waits up to {@code timeoutMillis} until at least one of {@code sockets} has a Mobility
     * Header to read; returns a bit set of the ready ones (bit i for sockets[i]), 0 on time-out.
     */
    public static int awaitAny(RawMobilitySocket[] sockets, int timeoutMillis) throws NativeException {
        if (sockets.length > 31) {
            throw new IllegalArgumentException("at most 31 sockets");
        }
        LibC.PollFd[] fds = (LibC.PollFd[]) new LibC.PollFd().toArray(sockets.length);
        for (int i = 0; i < sockets.length; i++) {
            fds[i].fd = sockets[i].mhFd;
            fds[i].events = LibC.POLLIN;
        }
        int n = LibC.INSTANCE.poll(fds, fds.length, timeoutMillis);
        if (n < 0) {
            int err = Native.getLastError();
            if (err == LibC.EINTR) {
                return 0;
            }
            throw new NativeException("poll(MH sockets)", err);
        }
        int ready = 0;
        for (int i = 0; i < fds.length; i++) {
            if (fds[i].revents != 0) {
                ready |= 1 << i;
            }
        }
        return ready;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.INSTANCE.close(mhFd);
        if (rawFd >= 0) {
            LibC.INSTANCE.close(rawFd);
        }
    }

    /** A received Mobility Header (without the IPv6 header) and its source address. */
    public record Received(Inet6Address source, byte[] mobilityHeader) {
    }

    private static Inet6Address loopback6() {
        byte[] a = new byte[16];
        a[15] = 1;
        try {
            return (Inet6Address) InetAddress.getByAddress(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes: never thrown
        }
    }

    private static byte[] loopbackNothing() {
        byte[] p = new byte[40];
        p[0] = 0x60;
        p[6] = 59;
        p[7] = 1;
        p[23] = 1;
        p[39] = 1;
        return p;
    }
}
