package org.vanycast.core.internal.channel;

import java.util.concurrent.locks.LockSupport;

/** How a link's reader waits, at most a given time, for an awaited message's bytes. */
@FunctionalInterface
interface ArrivalWait {
    /**
     * Returns when the socket has bytes to read, has failed or was closed, or after
     * {@code nanos}, whichever comes first.
     *
     * @return true when the socket said a read would not block now (bytes, end of stream or
     *         an error, which the read that follows reports); false after the time, and always
     *         false for {@link #parking}, whose callers look for themselves
     */
    boolean await(long nanos);

    /** Parks for {@code nanos}, at most {@code sliceNanos}, whatever arrives meanwhile. */
    static ArrivalWait parking(long sliceNanos) {
        return nanos -> {
            LockSupport.parkNanos(Math.min(sliceNanos, nanos));
            return false;
        };
    }

    /**
     * Sleeps on {@code tcp}'s descriptor ({@link SocketReadiness}) where it can, else
     * {@code fallback}; also when JNA is not there at all.
     */
    static ArrivalWait on(java.net.Socket tcp, ArrivalWait fallback) {
        try {
            return SocketReadiness.forSocket(tcp, fallback);
        } catch (LinkageError e) {
            return fallback;
        }
    }

    /** Why readers cannot sleep on their sockets here, or empty. */
    static java.util.Optional<String> unavailabilityCause() {
        try {
            return SocketReadiness.unavailabilityCause();
        } catch (LinkageError e) {
            return java.util.Optional.of("JNA is not installed: " + e);
        }
    }
}
