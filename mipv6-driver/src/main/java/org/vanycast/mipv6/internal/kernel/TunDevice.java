package org.vanycast.mipv6.internal.kernel;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A TUN device ({@code IFF_TUN | IFF_NO_PI}): whole IP packets are read from and written to
 * its descriptor, with no packet-information header. It is created in the calling thread's
 * network namespace and vanishes when its descriptor is closed (also when the process dies),
 * so nothing is left behind. One thread may read while another writes.
 */
public final class TunDevice implements AutoCloseable {
    /** {@code _IOW('T', 202, int)}. */
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFNAMSIZ = 16;
    private static final int BUFFER = 65536;
    private static final Availability AVAILABILITY = Availability.probe(() -> {
        int fd = LibC.INSTANCE.open("/dev/net/tun", LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) {
            return "open(/dev/net/tun): " + NativeException.describe(Native.getLastError());
        }
        LibC.INSTANCE.close(fd);
        return null;
    });

    private final int fd;
    private final String name;
    private final LibC.PollFd[] pollFds = (LibC.PollFd[]) new LibC.PollFd().toArray(1);
    private final Memory readBuffer = new Memory(BUFFER);
    private final Memory writeBuffer = new Memory(BUFFER);
    private volatile boolean closed;

    private TunDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
        pollFds[0].fd = fd;
        pollFds[0].events = LibC.POLLIN;
    }

    public static boolean isAvailable() {
        return AVAILABILITY.isAvailable();
    }

    public static String unavailabilityCause() {
        return AVAILABILITY.cause().orElse(null);
    }

    /** Creates TUN device {@code name} (at most 15 bytes) in the calling thread's namespace; it is down. */
    public static TunDevice create(String name) throws NativeException {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length == 0 || n.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name must have 1 to 15 characters: " + name);
        }
        AVAILABILITY.ensure("TUN device");
        int fd = NativeException.check("open(/dev/net/tun)",
                LibC.INSTANCE.open("/dev/net/tun", LibC.O_RDWR | LibC.O_CLOEXEC));
        byte[] ifreq = new byte[40];
        System.arraycopy(n, 0, ifreq, 0, n.length);
        short flags = (short) (IFF_TUN | IFF_NO_PI);
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        ifreq[IFNAMSIZ] = (byte) (little ? flags : flags >> 8);
        ifreq[IFNAMSIZ + 1] = (byte) (little ? flags >> 8 : flags);
        if (LibC.INSTANCE.ioctl(fd, new NativeLong(TUNSETIFF), ifreq) < 0) {
            int err = Native.getLastError();
            LibC.INSTANCE.close(fd);
            throw new NativeException("ioctl(TUNSETIFF " + name + ")", err);
        }
        return new TunDevice(fd, name);
    }

    public String name() {
        return name;
    }

    /**
     * Waits up to {@code timeoutMillis} for a packet the kernel routed into the device and
     * copies it into {@code buf}; returns its length, or 0 on time-out (also when interrupted
     * by a signal). Packets longer than {@code buf} are truncated to it.
     */
    public int read(byte[] buf, int timeoutMillis) throws NativeException {
        if (closed) {
            throw new NativeException("read(" + name + ")", "device closed");
        }
        int ready = LibC.INSTANCE.poll(pollFds, 1, timeoutMillis);
        if (ready < 0) {
            int err = Native.getLastError();
            if (err == LibC.EINTR) {
                return 0;
            }
            throw new NativeException("poll(" + name + ")", err);
        }
        if (ready == 0) {
            return 0;
        }
        int n = LibC.INSTANCE.read(fd, readBuffer, BUFFER);
        if (n < 0) {
            int err = Native.getLastError();
            if (err == LibC.EAGAIN || err == LibC.EINTR) {
                return 0;
            }
            throw new NativeException("read(" + name + ")", err);
        }
        int len = Math.min(n, buf.length);
        readBuffer.read(0, buf, 0, len);
        return len;
    }

    /** Hands one packet to the kernel as if it had arrived on the device. */
    public synchronized void write(byte[] packet, int offset, int length) throws NativeException {
        if (closed) {
            throw new NativeException("write(" + name + ")", "device closed");
        }
        if (length <= 0 || length > BUFFER) {
            throw new IllegalArgumentException("packet length " + length);
        }
        writeBuffer.write(0, packet, offset, length);
        NativeException.check("write(" + name + ")", LibC.INSTANCE.write(fd, writeBuffer, length));
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
