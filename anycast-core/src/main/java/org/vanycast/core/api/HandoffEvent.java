package org.vanycast.core.api;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one node saw of one handoff: the outcome and how long each phase took.
 *
 * @param handoffId      identifier chosen by the donor, the same on both nodes
 * @param role           the side this event was recorded on
 * @param donor          donor node name
 * @param acceptor       acceptor node name
 * @param client         the client end of the (first) connection
 * @param connections    how many connections of that client moved together (a binding moves them all)
 * @param outcome        how it ended
 * @param phaseNanos     duration of each phase that ran, in phase order
 * @param socketStateBytes size of the transport state shipped in Init (0 if none)
 * @param appStateBytes  size of the application state shipped in Init (0 if none)
 * @param failure        why it did not complete, when it did not
 * @param freezeAtNanos  donor: {@link System#nanoTime()} when it began freezing the sockets; -1 on the
 *                       acceptor or when the handoff ended before
 * @param liveAtNanos    acceptor: {@link System#nanoTime()} when its re-created sockets went live; -1 on
 *                       the donor or when the handoff ended before. With {@code freezeAtNanos} of the
 *                       donor's event it gives the time from freeze to live exactly when both nodes run
 *                       on one host (Linux: {@code CLOCK_MONOTONIC}, shared by its processes), as on a
 *                       testbed; between hosts the two clocks are unrelated
 */
public record HandoffEvent(long handoffId, HandoffRole role, String donor, String acceptor,
        InetSocketAddress client, int connections, HandoffOutcome outcome, Map<HandoffPhase, Long> phaseNanos,
        int socketStateBytes, int appStateBytes, Optional<String> failure, long freezeAtNanos, long liveAtNanos) {

    /** An event without the freeze and live instants. */
    public HandoffEvent(long handoffId, HandoffRole role, String donor, String acceptor, InetSocketAddress client,
            int connections, HandoffOutcome outcome, Map<HandoffPhase, Long> phaseNanos, int socketStateBytes,
            int appStateBytes, Optional<String> failure) {
        this(handoffId, role, donor, acceptor, client, connections, outcome, phaseNanos, socketStateBytes, appStateBytes,
                failure, -1, -1);
    }

    public HandoffEvent {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(donor, "donor");
        Objects.requireNonNull(acceptor, "acceptor");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(failure, "failure");
        if (connections < 0) {
            throw new IllegalArgumentException("connections must not be negative");
        }
        EnumMap<HandoffPhase, Long> copy = new EnumMap<>(HandoffPhase.class);
        copy.putAll(phaseNanos);
        phaseNanos = Collections.unmodifiableMap(copy);
    }

    /** Sum of all recorded phases. */
    public long totalNanos() {
        return phaseNanos.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Duration of {@code phase}, or -1 when the phase did not run. */
    public long nanos(HandoffPhase phase) {
        return phaseNanos.getOrDefault(phase, -1L);
    }

    /** One line of {@code key=value} pairs, for the per-handoff INFO log line. */
    public String toLogLine() {
        StringBuilder b = new StringBuilder(160);
        b.append("handoff=").append(Long.toUnsignedString(handoffId, 16))
                .append(" role=").append(role)
                .append(" outcome=").append(outcome)
                .append(" client=").append(client.getAddress().getHostAddress()).append('.').append(client.getPort())
                .append(" connections=").append(connections)
                .append(" donor=").append(donor)
                .append(" acceptor=").append(acceptor);
        phaseNanos.forEach((p, n) -> b.append(' ').append(p.name().toLowerCase()).append("_us=").append(n / 1000));
        b.append(" total_us=").append(totalNanos() / 1000)
                .append(" socket_state_bytes=").append(socketStateBytes)
                .append(" app_state_bytes=").append(appStateBytes);
        failure.ifPresent(f -> b.append(" failure=\"").append(f.replace('"', '\'')).append('"'));
        return b.toString();
    }
}
