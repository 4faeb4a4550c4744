package org.vanycast.core.internal.handoff;

import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.internal.wire.StateAhead;
import org.vanycast.core.spi.AppStateCodec;

/**
 * The service's take-overs prepared from a {@link StateAhead} while the donor drained, by
 * position in the handoff's batch. The Init takes the ones whose state it carries unchanged;
 * whatever is not taken is discarded. Used by one thread at a time (the Prepare's link reader,
 * then the Init's).
 */
final class PreparedStates {
    private static final Logger LOG = LoggerFactory.getLogger(PreparedStates.class);

    private final List<StateAhead.Entry> states;
    /** Null where the service had no take-over ready (no codec, or it refused: the Init retries). */
    private final AppStateCodec.Restore[] restores;

    PreparedStates(List<StateAhead.Entry> states, AppStateCodec.Restore[] restores) {
        this.states = states;
        this.restores = restores;
    }

    /**
     * The take-over prepared for connection {@code index} of the batch, when it was prepared for
     * the same port and exactly this state; it is then the caller's to restore or discard.
     */
    Optional<AppStateCodec.Restore> take(int index, int localPort, byte[] appState) {
        if (index >= restores.length || restores[index] == null) {
            return Optional.empty();
        }
        StateAhead.Entry e = states.get(index);
        if (e.localPort() != localPort || !e.sameState(appState)) {
            return Optional.empty(); // the Init is authoritative: this one is discarded with the rest
        }
        AppStateCodec.Restore r = restores[index];
        restores[index] = null;
        return Optional.of(r);
    }

    /** Frees every take-over not taken. */
    void discardRest() {
        for (int i = 0; i < restores.length; i++) {
            AppStateCodec.Restore r = restores[i];
            restores[i] = null;
            if (r != null) {
                discardQuietly(r);
            }
        }
    }

    /** {@link AppStateCodec.Restore#discard}, a failure only logged: nothing was written on it. */
    static void discardQuietly(AppStateCodec.Restore r) {
        try {
            r.discard();
        } catch (RuntimeException e) {
            LOG.debug("discarding a prepared take-over: {}", e.toString());
        }
    }
}
