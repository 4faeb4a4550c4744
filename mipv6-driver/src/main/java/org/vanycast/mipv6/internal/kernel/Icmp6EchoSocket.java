package org.vanycast.mipv6.internal.kernel;

import com.sun.jna.Native;
import java.net.InetAddress;

/**
 * A raw ICMPv6 socket that sends Echo Requests (RFC 4443 §4.1); the kernel fills in the
 * checksum and the peer's kernel answers. Used to measure emulated latency with no
 * user-space responder in the loop (replies are timed from a capture).
 */
public final class Icmp6EchoSocket implements AutoCloseable {
    private static final int IPPROTO_ICMPV6 = 58;
    private final int fd;
    private boolean closed;

    private Icmp6EchoSocket(int fd) {
        this.fd = fd;
    }

    /** Opens the socket in the calling thread's network namespace. */
    public static Icmp6EchoSocket open() throws NativeException {
        int fd = LibC.INSTANCE.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, IPPROTO_ICMPV6);
        if (fd < 0) {
            throw new NativeException("socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)", Native.getLastError());
        }
        return new Icmp6EchoSocket(fd);
    }

    /** Sends one Echo Request with {@code identifier}, {@code sequence} and {@code dataLength} data octets. */
    public void sendEcho(InetAddress dst, int identifier, int sequence, int dataLength) throws NativeException {
        byte[] m = new byte[8 + dataLength];
        m[0] = (byte) 128;
        m[4] = (byte) (identifier >> 8);
        m[5] = (byte) identifier;
        m[6] = (byte) (sequence >> 8);
        m[7] = (byte) sequence;
        int n = LibC.INSTANCE.sendto(fd, m, m.length, 0, SockAddr6.of(dst, 0), SockAddr6.SIZE);
        NativeException.check("sendto(ICMPv6 echo to " + dst.getHostAddress() + ")", n);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(fd);
        }
    }
}
