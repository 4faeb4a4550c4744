package org.vanycast.tcp.internal.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The one wrapper around {@link LibC}: checks arguments before they reach the kernel and
 * turns errno into a {@link NativeCallException} naming the call and the strerror text.
 * Constants are the Linux x86_64/arm64 values from the uapi headers.
 */
final class Syscalls {
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int SOCK_STREAM = 1;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_IPV6 = 41;

    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_DETACH_FILTER = 27;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_MARK = 36;
    static final int SO_RCVBUFFORCE = 33;
    static final int IPV6_FREEBIND = 78;

    static final int TCP_MAXSEG = 2;
    static final int TCP_INFO = 11;
    static final int TCP_REPAIR = 19;
    static final int TCP_REPAIR_QUEUE = 20;
    static final int TCP_QUEUE_SEQ = 21;
    static final int TCP_REPAIR_OPTIONS = 22;
    static final int TCP_TIMESTAMP = 24;
    static final int TCP_REPAIR_WINDOW = 29;

    static final long SIOCINQ = 0x541B;
    static final long SIOCOUTQ = 0x5411;
    static final long SIOCOUTQNSD = 0x894B;

    static final int MSG_PEEK = 0x2;
    static final int MSG_DONTWAIT = 0x40;

    static final int EAGAIN = 11;
    static final int EINTR = 4;

    private static final int SOCKADDR_IN6_LEN = 28;

    private Syscalls() {
    }

    static NativeCallException failure(String call, LastErrorException e) {
        int errno = e.getErrorCode();
        String text;
        try {
            text = LibC.strerror(errno);
        } catch (RuntimeException | LinkageError ex) {
            text = "errno " + errno;
        }
        return new NativeCallException(call, errno, text);
    }

    private static void checkFd(int fd, String call) {
        if (fd < 0) {
            throw new IllegalArgumentException(call + ": invalid file descriptor " + fd);
        }
    }

    static int socket(int domain, int type, int protocol) throws NativeCallException {
        try {
            return LibC.socket(domain, type | SOCK_CLOEXEC, protocol);
        } catch (LastErrorException e) {
            throw failure("socket", e);
        }
    }

    static void close(int fd) throws NativeCallException {
        checkFd(fd, "close");
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            throw failure("close", e);
        }
    }

    /** Closes without reporting: for clean-up paths that already carry the primary failure. */
    static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                LibC.close(fd);
            } catch (LastErrorException ignored) {
                // nothing more to do: the caller is already failing for a better reason
            }
        }
    }

    static void bind(int fd, InetSocketAddress address, String what) throws NativeCallException {
        checkFd(fd, "bind");
        byte[] sa = sockaddrIn6(address);
        try {
            LibC.bind(fd, sa, sa.length);
        } catch (LastErrorException e) {
            throw failure("bind(" + what + " " + address + ")", e);
        }
    }

    static void connect(int fd, InetSocketAddress address) throws NativeCallException {
        checkFd(fd, "connect");
        byte[] sa = sockaddrIn6(address);
        try {
            LibC.connect(fd, sa, sa.length);
        } catch (LastErrorException e) {
            throw failure("connect(" + address + ")", e);
        }
    }

    static void setInt(int fd, int level, int option, int value, String name) throws NativeCallException {
        checkFd(fd, "setsockopt");
        byte[] v = new byte[4];
        Bytes.putIntLE(v, 0, value);
        set(fd, level, option, v, name);
    }

    static void set(int fd, int level, int option, byte[] value, String name) throws NativeCallException {
        checkFd(fd, "setsockopt");
        try {
            LibC.setsockopt(fd, level, option, value, value.length);
        } catch (LastErrorException e) {
            throw failure("setsockopt(" + name + ")", e);
        }
    }

    static void set(int fd, int level, int option, Pointer value, int len, String name) throws NativeCallException {
        checkFd(fd, "setsockopt");
        try {
            LibC.setsockopt(fd, level, option, value, len);
        } catch (LastErrorException e) {
            throw failure("setsockopt(" + name + ")", e);
        }
    }

    static int getInt(int fd, int level, int option, String name) throws NativeCallException {
        byte[] v = get(fd, level, option, 4, name);
        return Bytes.getIntLE(v, 0);
    }

    /** getsockopt into a buffer of {@code size}; returns exactly the bytes the kernel filled. */
    static byte[] get(int fd, int level, int option, int size, String name) throws NativeCallException {
        checkFd(fd, "getsockopt");
        byte[] v = new byte[size];
        int[] len = {size};
        try {
            LibC.getsockopt(fd, level, option, v, len);
        } catch (LastErrorException e) {
            throw failure("getsockopt(" + name + ")", e);
        }
        if (len[0] == size) {
            return v;
        }
        byte[] out = new byte[Math.min(len[0], size)];
        System.arraycopy(v, 0, out, 0, out.length);
        return out;
    }

    static int ioctlInt(int fd, long request, String name) throws NativeCallException {
        checkFd(fd, "ioctl");
        int[] v = new int[1];
        try {
            LibC.ioctl(fd, request, v);
        } catch (LastErrorException e) {
            throw failure("ioctl(" + name + ")", e);
        }
        return v[0];
    }

    /** recv into {@code buf}; -1 when the call would block (EAGAIN with MSG_DONTWAIT). */
    static int recv(int fd, byte[] buf, int len, int flags, String what) throws NativeCallException {
        checkFd(fd, "recv");
        if (len < 0 || len > buf.length) {
            throw new IllegalArgumentException("recv: length " + len + " outside buffer of " + buf.length);
        }
        try {
            return (int) LibC.recv(fd, buf, len, flags);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EAGAIN) {
                return -1;
            }
            throw failure("recv(" + what + ")", e);
        }
    }

    /** send from {@code buf}; -1 when the call would block (EAGAIN with MSG_DONTWAIT). */
    static int send(int fd, byte[] buf, int len, int flags, String what) throws NativeCallException {
        checkFd(fd, "send");
        if (len < 0 || len > buf.length) {
            throw new IllegalArgumentException("send: length " + len + " outside buffer of " + buf.length);
        }
        try {
            return (int) LibC.send(fd, buf, len, flags);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EAGAIN) {
                return -1;
            }
            throw failure("send(" + what + ")", e);
        }
    }

    static int open(String path, int flags) throws NativeCallException {
        try {
            return LibC.open(path, flags);
        } catch (LastErrorException e) {
            throw failure("open(" + path + ")", e);
        }
    }

    static void setns(int fd, int nstype, String what) throws NativeCallException {
        checkFd(fd, "setns");
        try {
            LibC.setns(fd, nstype);
        } catch (LastErrorException e) {
            throw failure("setns(" + what + ")", e);
        }
    }

    /** struct sockaddr_in6, IPv4 addresses as v4-mapped. */
    static byte[] sockaddrIn6(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        byte[] ip = ipv6Bytes(address.getAddress());
        byte[] sa = new byte[SOCKADDR_IN6_LEN];
        Bytes.putShortLE(sa, 0, AF_INET6);
        Bytes.putShortBE(sa, 2, address.getPort());
        System.arraycopy(ip, 0, sa, 8, 16);
        if (address.getAddress() instanceof Inet6Address a6) {
            Bytes.putIntLE(sa, 24, a6.getScopeId());
        }
        return sa;
    }

    static byte[] ipv6Bytes(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }

    static InetSocketAddress parseSockaddrIn6(byte[] sa) throws UnknownHostException {
        if (sa.length < SOCKADDR_IN6_LEN || Bytes.getShortLE(sa, 0) != AF_INET6) {
            throw new IllegalArgumentException("not a sockaddr_in6");
        }
        byte[] ip = new byte[16];
        System.arraycopy(sa, 8, ip, 0, 16);
        return new InetSocketAddress(InetAddress.getByAddress(ip), Bytes.getShortBE(sa, 2));
    }
}
