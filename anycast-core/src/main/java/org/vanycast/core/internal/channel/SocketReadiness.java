package org.vanycast.core.internal.channel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Optional;

/**
 * The kernel facility behind a link's hot wait: {@code ppoll(2)} on the link's TCP socket, so
 * that a reader waiting for an imminent message sleeps in the kernel until its bytes arrive
 * (or a deadline given to the nanosecond passes) instead of parking for fixed 50 µs slices and
 * asking the socket each time. Java offers no wait on a blocking socket's readiness finer than
 * a millisecond, hence JNA (direct mapping).
 *
 * <p>Needs the socket's descriptor: a socket made from a {@link SocketChannel} (the group
 * channel makes its sockets so) and {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}, as
 * tcp-handoff does; and a little-endian machine (the {@code struct pollfd} is written as two
 * ints). Where any of it is missing, {@link #unavailabilityCause()} says why and
 * {@link #forSocket} returns the caller's fallback, a waiter that parks for a slice. Without
 * JNA at all this class does not load: callers catch the {@link LinkageError}.
 */
final class SocketReadiness {
    private static final short POLLIN = 0x1;
    private static final int EINTR = 4;
    private static final Method GET_FD_VAL;
    private static final Optional<String> CAUSE;

    static {
        Method getFd = null;
        Optional<String> cause = Optional.empty();
        try {
            if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                throw new IllegalStateException("struct pollfd is laid out for little-endian machines only");
            }
            Native.register(SocketReadiness.class, Platform.C_LIBRARY_NAME);
            // the JDK's channel class through an instance: sun.nio.ch is not exported to OSGi bundles
            try (SocketChannel probe = SelectorProvider.provider().openSocketChannel()) {
                getFd = probe.getClass().getMethod("getFDVal");
                getFd.setAccessible(true);
                int fd = (int) getFd.invoke(probe);
                int[] pfd = {fd, POLLIN};
                ppoll(pfd, 1, new long[] {0, 0}, null); // an unconnected socket: returns at once
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError | java.io.IOException e) {
            getFd = null;
            cause = Optional.of("no ppoll on the group channel's sockets (JNA, or --add-opens "
                    + "java.base/sun.nio.ch=ALL-UNNAMED, missing?): " + e);
        }
        GET_FD_VAL = getFd;
        CAUSE = cause;
    }

    private SocketReadiness() {
    }

    private static native int ppoll(int[] fds, long nfds, long[] timeout, Pointer sigmask) throws LastErrorException;

    /** Empty when a link's reader can sleep on its socket here; otherwise why not. */
    static Optional<String> unavailabilityCause() {
        return CAUSE;
    }

    /**
     * A waiter on {@code tcp}'s descriptor, or {@code fallback} when there is none to wait on
     * (a socket not made from a channel, or ppoll unavailable here).
     */
    static ArrivalWait forSocket(Socket tcp, ArrivalWait fallback) {
        SocketChannel ch = tcp.getChannel();
        if (CAUSE.isPresent() || ch == null) {
            return fallback;
        }
        int fd;
        try {
            fd = (int) GET_FD_VAL.invoke(ch);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return fallback;
        }
        if (fd < 0) {
            return fallback;
        }
        // one reader thread waits on a link: its arrays are its own
        int[] pfd = {fd, POLLIN};
        long[] timeout = new long[2];
        return nanos -> {
            // After the link is closed its number may name another file: the wait then lasts
            // its time and no more (ppoll reads nothing), and the reader's loop sees the close.
            pfd[1] = POLLIN;
            timeout[0] = nanos / 1_000_000_000L;
            timeout[1] = nanos % 1_000_000_000L;
            try {
                return ppoll(pfd, 1, timeout, null) > 0; // revents: POLLIN, POLLERR, POLLHUP or POLLNVAL
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    fallback.await(nanos); // never spin on a failing call
                }
                return false;
            }
        };
    }
}
