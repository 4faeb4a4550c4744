package org.vanycast.tcp.internal.kernel;

import java.util.Optional;

/**
 * Moves the calling thread into a named network namespace ({@code /run/netns/NAME}, as made by
 * {@code ip netns add}). setns(2) with CLONE_NEWNET changes only the calling thread, so a
 * dedicated thread per namespace can create sockets there while the rest of the JVM stays put;
 * a socket keeps its namespace for its whole life, whichever thread uses it later.
 */
public final class NetNamespace {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;

    private NetNamespace() {
    }

    public static Optional<String> unavailabilityCause() {
        try {
            int fd = Syscalls.open("/proc/thread-self/ns/net", O_RDONLY_CLOEXEC);
            Syscalls.closeQuietly(fd);
            return Optional.empty();
        } catch (NativeCallException e) {
            return Optional.of(e.getMessage());
        } catch (LinkageError | RuntimeException e) {
            return Optional.of("libc not reachable through JNA: " + e);
        }
    }

    /** Enters {@code /run/netns/name} for the calling thread only. */
    public static void enter(String name) throws NativeCallException {
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("bad namespace name '" + name + "'");
        }
        int fd = Syscalls.open("/run/netns/" + name, O_RDONLY_CLOEXEC);
        try {
            Syscalls.setns(fd, CLONE_NEWNET, "netns " + name);
        } finally {
            Syscalls.closeQuietly(fd);
        }
    }
}
