package org.vanycast.core.internal.channel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux real-time scheduling ({@code SCHED_FIFO}) for the calling thread: the node's setting
 * {@code realtime.priority} gives it to the threads on a handoff's critical path (the group
 * channel's readers once their peer is authenticated, the handoff threads), so that on a loaded
 * machine a donor's freeze or an acceptor's re-creation is not queued behind the download's own
 * processes. Those threads block or park between bursts of work; the kernel still keeps 5 % of
 * each second for other tasks ({@code sched_rt_runtime_us}).
 *
 * <p>Needs {@code CAP_SYS_NICE} or an {@code RLIMIT_RTPRIO} of at least the priority; when the
 * kernel refuses, the thread keeps its normal priority and the first refusal is logged as a
 * warning that says why. JNA is an optional import of this bundle: without it the threads keep
 * their priority too.
 */
public final class RealtimePriority {
    private static final Logger LOG = LoggerFactory.getLogger(RealtimePriority.class);
    /** The highest {@code SCHED_FIFO} priority Linux accepts. */
    public static final int MAX = 99;
    private static final AtomicBoolean refusalLogged = new AtomicBoolean();

    private RealtimePriority() {
    }

    /**
     * Why a thread of this process cannot take real-time priority {@code priority} here, or
     * empty. Tries it on a throwaway thread, which ends right after.
     */
    public static Optional<String> unavailabilityCause(int priority) {
        check(priority);
        AtomicReference<String> cause = new AtomicReference<>();
        Thread probe = new Thread(() -> cause.set(trySet(priority)), "vanycast-realtime-probe");
        probe.setDaemon(true);
        probe.start();
        try {
            probe.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while probing");
        }
        return Optional.ofNullable(cause.get());
    }

    /**
     * Gives the calling thread {@code SCHED_FIFO} priority {@code priority}; 0 leaves it as it
     * is. @return whether the thread now runs at that priority (true for 0)
     */
    public static boolean apply(int priority) {
        check(priority);
        if (priority == 0) {
            return true;
        }
        String cause = trySet(priority);
        if (cause == null) {
            return true;
        }
        if (refusalLogged.compareAndSet(false, true)) {
            LOG.warn("realtime.priority {}: threads keep their normal priority: {}", priority, cause);
        }
        return false;
    }

    /** The calling thread's scheduling policy is {@code SCHED_FIFO}. */
    static boolean isRealtime() {
        try {
            return Sched.sched_getscheduler(0) == Sched.SCHED_FIFO;
        } catch (LastErrorException | LinkageError e) {
            return false;
        }
    }

    private static void check(int priority) {
        if (priority < 0 || priority > MAX) {
            throw new IllegalArgumentException("realtime.priority must be 0 (off) to " + MAX + ": " + priority);
        }
    }

    /** @return null when it took, else why not */
    private static String trySet(int priority) {
        try {
            Sched.sched_setscheduler(0, Sched.SCHED_FIFO, new int[] {priority});
            return null;
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            return switch (errno) {
                case Sched.EPERM -> "sched_setscheduler(SCHED_FIFO, " + priority
                        + ") refused (EPERM): needs CAP_SYS_NICE or an RLIMIT_RTPRIO of at least " + priority;
                case Sched.EINVAL -> "sched_setscheduler(SCHED_FIFO, " + priority + ") refused (EINVAL)";
                default -> "sched_setscheduler(SCHED_FIFO, " + priority + ") failed: errno " + errno;
            };
        } catch (LinkageError e) {
            return "no native access (JNA): " + e;
        }
    }

    /** libc's scheduler calls, direct-mapped; loaded on first use so that a missing JNA is only a cause. */
    private static final class Sched {
        static final int SCHED_FIFO = 1;
        static final int EPERM = 1;
        static final int EINVAL = 22;

        static {
            Native.register(Sched.class, Platform.C_LIBRARY_NAME);
        }

        private Sched() {
        }

        /** {@code pid} 0: the calling thread. */
        static native int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;

        static native int sched_getscheduler(int pid) throws LastErrorException;
    }
}
