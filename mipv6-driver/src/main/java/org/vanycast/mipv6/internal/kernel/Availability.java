package org.vanycast.mipv6.internal.kernel;

import java.util.Optional;

/**
 * Outcome of probing one kernel facility once: available, or not with the reason why, so
 * callers can degrade or report instead of crashing on the first native call.
 */
public final class Availability {
    private final String cause;

    private Availability(String cause) {
        this.cause = cause;
    }

    public static Availability available() {
        return new Availability(null);
    }

    public static Availability unavailable(String cause) {
        return new Availability(cause == null ? "unknown" : cause);
    }

    /** Runs {@code probe}; any exception or error it throws becomes the cause. */
    public static Availability probe(Probe probe) {
        try {
            String cause = probe.run();
            return cause == null ? available() : unavailable(cause);
        } catch (Exception | LinkageError e) {
            return unavailable(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    public boolean isAvailable() {
        return cause == null;
    }

    public Optional<String> cause() {
        return Optional.ofNullable(cause);
    }

    /** Throws with the cause when unavailable. */
    public void ensure(String facility) {
        if (cause != null) {
            throw new UnsupportedOperationException(facility + " unavailable: " + cause);
        }
    }

    @Override
    public String toString() {
        return cause == null ? "available" : "unavailable: " + cause;
    }

    /** Returns null when the facility works, otherwise why not. */
    @FunctionalInterface
    public interface Probe {
        String run() throws Exception;
    }
}
