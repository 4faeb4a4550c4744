package org.vanycast.core.internal.channel;

import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What a link's reader does while a message from its peer is imminent (an Init after its
 * Prepare): instead of blocking in the socket read until the message comes, it sleeps on the
 * socket only until its next rehearsal is due ({@link SocketReadiness}; where that is
 * unavailable it polls every 50 µs) and then runs, without acting, the code that message will
 * run. Measured on the test machine (a 2-vCPU guest): a small piece of code that takes 5 µs
 * when run back to back took 27 µs after a 1 ms pause and 90 µs after 50 ms, spinning or
 * sleeping alike, as the caches lose it; with the rehearsal the acceptor's checks on an Init
 * took 0.12 ms instead of 0.20. Costs a rehearsal every {@link #rehearseEveryNanos()} for at
 * most {@link #maxSpinNanos()} per expected message.
 */
public interface HotWait {
    /** Never polls: the reader blocks as usual. */
    HotWait NONE = new HotWait() {
        @Override
        public boolean expecting(String peer) {
            return false;
        }

        @Override
        public void rehearse(String peer) {
            // nothing to keep warm
        }

        @Override
        public long maxSpinNanos() {
            return 0;
        }
    };

    /** Whether a message from {@code peer} is expected any moment; cheap, called at every poll. */
    boolean expecting(String peer);

    /** Runs what that message will run, without acting; must be cheap (tens of µs) and never block. */
    void rehearse(String peer);

    /**
     * As {@link #rehearse(String)}, in steps, leaving out the steps still to come once
     * {@code arrived} says the message is here: its wait then ends after the step that runs, not
     * after the whole rehearsal. A whole rehearsal takes 0.15-0.45 ms on the test machine, which
     * the Init waited out when it arrived during one. Default: the whole rehearsal.
     */
    default void rehearse(String peer, BooleanSupplier arrived) {
        rehearse(peer);
    }

    /** The longest a reader polls for one expected message before it blocks as usual. */
    long maxSpinNanos();

    /**
     * How often a reader rehearses while it waits, by default: every 1 ms. Every 200 µs until
     * 2026-12-07, when a rehearsal had grown to 0.1-0.3 ms and the two nodes' rehearsals (the
     * acceptor's reader, the donor's drain) took most of a 2-vCPU machine for the length of a
     * drain: in four interleaved pairs in the local handoff bench every 1 ms gave the same median
     * and a lower 90th percentile each time (0.96-1.43 ms against 1.23-1.71).
     */
    long DEFAULT_REHEARSE_EVERY_NANOS = 1_000_000;

    /** How often the reader rehearses while it waits (at most). */
    default long rehearseEveryNanos() {
        return DEFAULT_REHEARSE_EVERY_NANOS;
    }

    /** A hot wait made of its parts; rehearsing every {@link #DEFAULT_REHEARSE_EVERY_NANOS} at most, in one step. */
    static HotWait of(Predicate<String> expecting, Consumer<String> rehearsal, long maxSpinNanos) {
        return stepwise(expecting, (peer, arrived) -> rehearsal.accept(peer), maxSpinNanos);
    }

    /**
     * A hot wait made of its parts whose rehearsal looks at {@code arrived} between its steps
     * (see {@link #rehearse(String, BooleanSupplier)}); rehearsing every
     * {@link #DEFAULT_REHEARSE_EVERY_NANOS} at most.
     */
    static HotWait stepwise(Predicate<String> expecting, BiConsumer<String, BooleanSupplier> rehearsal,
            long maxSpinNanos) {
        return new Parts(expecting, rehearsal, maxSpinNanos, DEFAULT_REHEARSE_EVERY_NANOS);
    }

    /** This hot wait, whose rehearsals also run {@code more} (after its own, unless the message arrived meanwhile). */
    default HotWait alsoRehearsing(Runnable more) {
        return new Parts(this::expecting, (peer, arrived) -> {
            rehearse(peer, arrived);
            if (!arrived.getAsBoolean()) {
                more.run();
            }
        }, maxSpinNanos(), rehearseEveryNanos());
    }

    /** See {@link HotWait#stepwise}. */
    record Parts(Predicate<String> expecting, BiConsumer<String, BooleanSupplier> rehearsal, long maxSpinNanos,
            long rehearseEveryNanos) implements HotWait {
        private static final BooleanSupplier NEVER = () -> false;

        @Override
        public boolean expecting(String peer) {
            return expecting.test(peer);
        }

        @Override
        public void rehearse(String peer) {
            rehearsal.accept(peer, NEVER);
        }

        @Override
        public void rehearse(String peer, BooleanSupplier arrived) {
            rehearsal.accept(peer, arrived);
        }
    }
}
