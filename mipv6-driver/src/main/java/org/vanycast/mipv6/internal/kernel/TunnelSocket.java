package org.vanycast.mipv6.internal.kernel;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.net.Inet6Address;

/**
 * A raw IPv6 socket for protocol 41 (IPv6-in-IPv6, RFC 2473): what is sent is wrapped by the
 * kernel in one outer IPv6 header (next header 41, source the bound address); what is received
 * is the inner packet of a protocol-41 packet addressed to this host (the kernel strips the
 * outer header and reports its source). On a kernel without an {@code ip6_tunnel} handler a
 * raw socket of this protocol consumes such packets quietly. Created in the calling thread's
 * namespace.
 */
public final class TunnelSocket implements AutoCloseable {
    private static final int BUFFER = 65536;
    private static final Availability AVAILABILITY = Availability.probe(() -> {
        int fd = LibC.INSTANCE.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_IPV6);
        if (fd < 0) {
            return "socket(AF_INET6, SOCK_RAW, 41): " + NativeException.describe(Native.getLastError());
        }
        LibC.INSTANCE.close(fd);
        return null;
    });

    private final int fd;
    private final LibC.PollFd[] pollFds = (LibC.PollFd[]) new LibC.PollFd().toArray(1);
    private final Memory receiveBuffer = new Memory(BUFFER);
    private final Memory sendBuffer = new Memory(BUFFER);
    private final byte[] from = new byte[SockAddr6.SIZE];
    private final int[] fromLen = new int[1];
    private volatile boolean closed;

    private TunnelSocket(int fd) {
        this.fd = fd;
        pollFds[0].fd = fd;
        pollFds[0].events = LibC.POLLIN;
    }

    public static boolean isAvailable() {
        return AVAILABILITY.isAvailable();
    }

    public static String unavailabilityCause() {
        return AVAILABILITY.cause().orElse(null);
    }

    /** Opens the socket bound to {@code local}: it sends from it and receives only what is addressed to it. */
    public static TunnelSocket open(Inet6Address local) throws NativeException {
        AVAILABILITY.ensure("IPv6-in-IPv6 raw socket");
        int fd = NativeException.check("socket(AF_INET6, SOCK_RAW, 41)",
                LibC.INSTANCE.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_IPV6));
        if (LibC.INSTANCE.bind(fd, SockAddr6.of(local, 0), SockAddr6.SIZE) < 0) {
            int err = Native.getLastError();
            LibC.INSTANCE.close(fd);
            throw new NativeException("bind(" + local.getHostAddress() + ", proto 41)", err);
        }
        return new TunnelSocket(fd);
    }

    /**
     * Waits up to {@code timeoutMillis} for one tunnelled packet: copies the inner packet into
     * {@code buf}, the outer source address into {@code outerSource} (16 bytes) and returns the
     * inner length, or 0 on time-out.
     */
    public int receive(byte[] buf, byte[] outerSource, int timeoutMillis) throws NativeException {
        if (closed) {
            throw new NativeException("receive(proto 41)", "socket closed");
        }
        int ready = LibC.INSTANCE.poll(pollFds, 1, timeoutMillis);
        if (ready < 0) {
            int err = Native.getLastError();
            if (err == LibC.EINTR) {
                return 0;
            }
            throw new NativeException("poll(proto 41)", err);
        }
        if (ready == 0) {
            return 0;
        }
        fromLen[0] = SockAddr6.SIZE;
        int n = LibC.INSTANCE.recvfrom(fd, receiveBuffer, BUFFER, 0x40 /* MSG_DONTWAIT */, from, fromLen);
        if (n < 0) {
            int err = Native.getLastError();
            if (err == LibC.EAGAIN || err == LibC.EINTR) {
                return 0;
            }
            throw new NativeException("recvfrom(proto 41)", err);
        }
        // sockaddr_in6: family (2), port (2), flowinfo (4), address (16)
        System.arraycopy(from, 8, outerSource, 0, 16);
        int len = Math.min(n, buf.length);
        receiveBuffer.read(0, buf, 0, len);
        return len;
    }

    /** Sends {@code length} bytes of {@code inner} (a whole IPv6 packet) tunnelled to {@code outerDestination}. */
    public synchronized void send(byte[] inner, int offset, int length, Inet6Address outerDestination)
            throws NativeException {
        if (closed) {
            throw new NativeException("send(proto 41)", "socket closed");
        }
        sendBuffer.write(0, inner, offset, length);
        NativeException.check("sendto(proto 41 to " + outerDestination.getHostAddress() + ")", LibC.INSTANCE.sendto(fd,
                sendBuffer, length, 0, SockAddr6.of(outerDestination, 0), SockAddr6.SIZE));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.INSTANCE.close(fd);
    }
}
