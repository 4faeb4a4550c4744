package org.vanycast.core.internal.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Donor → acceptor, right after {@link Prepare}: the application states of the connections the
 * handoff will move, so the acceptor's service prepares its take-over (decodes the state, opens
 * what a response continues from) while the donor drains, not after the Init. The Init still
 * carries the states and stays authoritative: the acceptor uses a prepared take-over only for
 * the identical state on the same port, in the same position. Optional: a node that does not
 * send it, or an acceptor that does not know it, only loses that head start.
 *
 * <pre>
 *  body: handoff id (8) | count u16 | count x (local port u16 | app state length u32 | bytes)
 * </pre>
 */
public record StateAhead(long handoffId, List<Entry> states) implements NodeMessage {
    /** Largest total of application state sent ahead: larger states only travel in the Init. */
    public static final int MAX_TOTAL_BYTES = 64 * 1024;

    /** One connection's local port (which service it belongs to) and its application state. */
    public record Entry(int localPort, byte[] appState) {
        public Entry {
            if (localPort < 0 || localPort > 0xFFFF) {
                throw new IllegalArgumentException("port out of range: " + localPort);
            }
            appState = appState.clone();
        }

        @Override
        public byte[] appState() {
            return appState.clone();
        }

        /** Whether {@code state} is this entry's state, without copying it. */
        public boolean sameState(byte[] state) {
            return Arrays.equals(appState, state);
        }

        int size() {
            return appState.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.localPort == localPort && Arrays.equals(e.appState, appState);
        }

        @Override
        public int hashCode() {
            return localPort * 31 + Arrays.hashCode(appState);
        }

        @Override
        public String toString() {
            return "Entry[port " + localPort + ", " + appState.length + " bytes]";
        }
    }

    public StateAhead {
        states = List.copyOf(states);
        if (states.isEmpty() || states.size() > Init.MAX_CONNECTIONS) {
            throw new IllegalArgumentException("1.." + Init.MAX_CONNECTIONS + " states, not " + states.size());
        }
        long total = states.stream().mapToLong(Entry::size).sum();
        if (total > MAX_TOTAL_BYTES) {
            throw new IllegalArgumentException(total + " bytes of state, at most " + MAX_TOTAL_BYTES + " go ahead");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.STATE_AHEAD;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateAhead s && s.handoffId == handoffId && s.states.equals(states);
    }

    @Override
    public int hashCode() {
        return Objects.hash(handoffId, states);
    }
}
