package org.vanycast.tcp.internal.testbed;

/**
 * Nanoseconds spent in each phase of one migration (the paper's Table I phases). {@code work}
 * is what the migrator itself costs: freeze + extract + re-create + activate.
 */
public record PhaseTimes(long drain, long freeze, long extract, long transfer, long recreate, long switchRoute,
        long activate, long total, int stateSize) {

    public long work() {
        return freeze + extract + recreate + activate;
    }
}
