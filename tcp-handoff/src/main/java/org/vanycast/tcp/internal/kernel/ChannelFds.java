package org.vanycast.tcp.internal.kernel;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Optional;

/**
 * Bridges kernel file descriptors and {@link SocketChannel}s through the JDK's own
 * implementation class, so a re-created socket is a real channel (selectors, non-blocking
 * I/O, the HTTP server's connector) and not a wrapper.
 *
 * <p>Needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} on the JVM command line (the
 * {@code vanycast} launcher and the test configuration set it). Uses, from JDK 17:
 * {@code SocketChannelImpl.getFDVal()}, {@code IOUtil.newFD(int)} and the package-private
 * constructor {@code SocketChannelImpl(SelectorProvider, ProtocolFamily, FileDescriptor,
 * SocketAddress)} which the JDK itself uses for accepted connections.
 */
public final class ChannelFds {
    private static final Method GET_FD_VAL;
    private static final Method NEW_FD;
    private static final Constructor<?> CONNECTED_CHANNEL;
    private static final Optional<String> CAUSE;

    static {
        Method getFd = null;
        Method newFd = null;
        Constructor<?> ctor = null;
        Optional<String> cause = Optional.empty();
        try {
            // reach the JDK classes through an instance and the boot loader, not by importing
            // sun.nio.ch: inside an OSGi framework that package is not exported by the system bundle
            Class<?> impl;
            try (SocketChannel probe = SelectorProvider.provider().openSocketChannel()) {
                impl = probe.getClass();
            }
            Class<?> ioUtil = Class.forName(impl.getPackageName() + ".IOUtil", true, impl.getClassLoader());
            getFd = impl.getMethod("getFDVal");
            getFd.setAccessible(true);
            newFd = ioUtil.getDeclaredMethod("newFD", int.class);
            newFd.setAccessible(true);
            ctor = impl.getDeclaredConstructor(SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class,
                    java.net.SocketAddress.class);
            ctor.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException e) {
            cause = Optional.of("cannot reach the JDK's SocketChannelImpl (is --add-opens "
                    + "java.base/sun.nio.ch=ALL-UNNAMED set?): " + e);
        }
        GET_FD_VAL = getFd;
        NEW_FD = newFd;
        CONNECTED_CHANNEL = ctor;
        CAUSE = cause;
    }

    private ChannelFds() {
    }

    public static boolean isAvailable() {
        return CAUSE.isEmpty();
    }

    public static Optional<String> unavailabilityCause() {
        return CAUSE;
    }

    /** The kernel file descriptor behind a JDK socket channel (donor side). */
    public static int fdOf(SocketChannel channel) throws IOException {
        ensureAvailable();
        if (!channel.isOpen()) {
            throw new IOException("channel is closed");
        }
        try {
            return (int) GET_FD_VAL.invoke(channel);
        } catch (IllegalAccessException | IllegalArgumentException e) {
            throw new IOException("not a JDK socket channel: " + channel.getClass().getName(), e);
        } catch (InvocationTargetException e) {
            throw new IOException("getFDVal failed", e.getCause());
        }
    }

    /** Wraps a connected IPv6 TCP socket as a connected, blocking {@link SocketChannel} that owns the fd. */
    public static SocketChannel adopt(int fd, InetSocketAddress remote) throws IOException {
        ensureAvailable();
        if (fd < 0) {
            throw new IllegalArgumentException("invalid file descriptor " + fd);
        }
        try {
            FileDescriptor fdo = (FileDescriptor) NEW_FD.invoke(null, fd);
            return (SocketChannel) CONNECTED_CHANNEL.newInstance(SelectorProvider.provider(),
                    StandardProtocolFamily.INET6, fdo, remote);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException("SocketChannelImpl over fd " + fd + " failed", c);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("SocketChannelImpl over fd " + fd + " failed", e);
        }
    }

    private static void ensureAvailable() throws IOException {
        if (CAUSE.isPresent()) {
            throw new IOException(CAUSE.get());
        }
    }
}
