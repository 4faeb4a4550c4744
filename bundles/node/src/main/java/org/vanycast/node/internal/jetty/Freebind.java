package org.vanycast.node.internal.jetty;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.NetworkChannel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/**
 * The one place that sets {@code IPV6_FREEBIND} / {@code IP_FREEBIND} (Linux ≥ 4.15 for IPv6):
 * it lets a listener bind the logical address X before (or without) X being configured on an
 * interface. Java has no socket option for it, so this goes through libc {@code setsockopt} on
 * the channel's file descriptor, reached through the JDK's {@code sun.nio.ch} internals (the
 * JVM needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}).
 */
public final class Freebind {

    static final int SOL_IP = 0;
    static final int IP_FREEBIND = 15;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_FREEBIND = 78;

    /** Package-private binding: callers go through {@link #enable}, which checks and explains errors. */
    interface LibC extends Library {
        int setsockopt(int fd, int level, int name, IntByReference value, int length) throws LastErrorException;

        String strerror(int errnum);
    }

    private static final LibC LIBC;
    private static final Throwable UNAVAILABILITY_CAUSE;

    static {
        LibC libc = null;
        Throwable cause = null;
        try {
            libc = Native.load("c", LibC.class);
        } catch (Throwable t) { // UnsatisfiedLinkError, or no JNA native stub for this platform
            cause = t;
        }
        LIBC = libc;
        UNAVAILABILITY_CAUSE = cause;
    }

    private Freebind() {
    }

    public static boolean isAvailable() {
        return LIBC != null;
    }

    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** Sets the free-bind option on an unbound channel of the given address family. */
    public static void enable(NetworkChannel channel, boolean ipv6) throws IOException {
        if (!isAvailable()) {
            throw new IOException("IPV6_FREEBIND unavailable: " + UNAVAILABILITY_CAUSE, UNAVAILABILITY_CAUSE);
        }
        int fd = fileDescriptor(channel);
        int level = ipv6 ? IPPROTO_IPV6 : SOL_IP;
        int option = ipv6 ? IPV6_FREEBIND : IP_FREEBIND;
        try {
            LIBC.setsockopt(fd, level, option, new IntByReference(1), Integer.BYTES);
        } catch (LastErrorException e) {
            throw new IOException("setsockopt(" + (ipv6 ? "IPV6_FREEBIND" : "IP_FREEBIND") + ") on fd " + fd
                    + " failed: " + LIBC.strerror(e.getErrorCode()), e);
        }
    }

    /** The kernel file descriptor of a JDK socket channel ({@code sun.nio.ch.SelChImpl.getFDVal}). */
    public static int fileDescriptor(NetworkChannel channel) throws IOException {
        try {
            Method getFdVal = findMethod(channel.getClass(), "getFDVal");
            getFdVal.setAccessible(true);
            return (int) getFdVal.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot reach the file descriptor of " + channel.getClass().getName()
                    + " (is the JVM started with --add-opens java.base/sun.nio.ch=ALL-UNNAMED?): " + e, e);
        }
    }

    private static Method findMethod(Class<?> type, String name) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 0) {
                    return m;
                }
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + "()");
    }
}
