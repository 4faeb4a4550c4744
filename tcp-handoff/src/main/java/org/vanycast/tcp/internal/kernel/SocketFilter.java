package org.vanycast.tcp.internal.kernel;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.util.Optional;

/**
 * A drop-all classic BPF socket filter ({@code SO_ATTACH_FILTER}), the way Android silences
 * idle keep-alive sockets: while attached, every segment for this socket is dropped before
 * TCP sees it, so a frozen socket neither acknowledges nor resets. One setsockopt, no
 * netfilter. It protects only while the socket exists; the caller keeps the socket until the
 * traffic has moved.
 */
public final class SocketFilter {
    /** {@code struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }}: BPF_RET|BPF_K with k = 0 → drop. */
    private static final Memory DROP_ALL = new Memory(8);
    /** {@code struct sock_fprog { unsigned short len; struct sock_filter *filter; }}. */
    private static final Memory PROG = new Memory(2L * Native.POINTER_SIZE);
    private static final Optional<String> CAUSE;

    static {
        DROP_ALL.clear();
        DROP_ALL.setShort(0, (short) 0x06);
        PROG.clear();
        PROG.setShort(0, (short) 1);
        PROG.setPointer(Native.POINTER_SIZE, DROP_ALL);
        CAUSE = probe();
    }

    private SocketFilter() {
    }

    public static boolean isAvailable() {
        return CAUSE.isEmpty();
    }

    public static Optional<String> unavailabilityCause() {
        return CAUSE;
    }

    private static Optional<String> probe() {
        int fd = -1;
        try {
            fd = Syscalls.socket(Syscalls.AF_INET6, Syscalls.SOCK_STREAM, Syscalls.IPPROTO_TCP);
            attachDropAll(fd);
            detach(fd);
            return Optional.empty();
        } catch (NativeCallException e) {
            return Optional.of(e.getMessage());
        } catch (LinkageError | RuntimeException e) {
            return Optional.of("libc not reachable through JNA: " + e);
        } finally {
            Syscalls.closeQuietly(fd);
        }
    }

    public static void attachDropAll(int fd) throws NativeCallException {
        Syscalls.set(fd, Syscalls.SOL_SOCKET, Syscalls.SO_ATTACH_FILTER, PROG, (int) PROG.size(), "SO_ATTACH_FILTER");
    }

    public static int mark(int fd) throws NativeCallException {
        return Syscalls.getInt(fd, Syscalls.SOL_SOCKET, Syscalls.SO_MARK, "SO_MARK");
    }

    /** SO_MARK; the socket's cached route is dropped, so the next transmission looks the route up again. */
    public static void setMark(int fd, int mark) throws NativeCallException {
        Syscalls.setInt(fd, Syscalls.SOL_SOCKET, Syscalls.SO_MARK, mark, "SO_MARK");
    }

    public static void detach(int fd) throws NativeCallException {
        Syscalls.setInt(fd, Syscalls.SOL_SOCKET, Syscalls.SO_DETACH_FILTER, 0, "SO_DETACH_FILTER");
    }
}
