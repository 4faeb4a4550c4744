package org.vanycast.core.internal.node;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.vanycast.core.api.AnycastGroup;
import org.vanycast.core.internal.handoff.HandoffConfig;

/**
 * Everything one node needs to start, already validated.
 *
 * @param channel    where the group channel (Prepare/Init/Done) listens; also what peers are told
 * @param membership where the membership transport listens
 * @param warmupRounds how many handoff exchanges warm the group channel up at start (0: none)
 * @param hotWait    how long at most the channel's reader polls for an Init announced by a Prepare (0: blocks)
 * @param rehearsalHandoffs how many whole handoffs of a loopback connection the node rehearses at start (0: none)
 * @param cpuLatencyHold whether the node keeps the CPUs out of idle sleep while its handoffs are under way
 */
public record NodeSettings(String node, AnycastGroup group, Path caDir, InetSocketAddress channel,
        InetSocketAddress membership, List<InetSocketAddress> initialHosts, int backups, Duration failureTimeout,
        Duration reportInterval, double weight, HandoffConfig handoff, int warmupRounds, Duration hotWait,
        int rehearsalHandoffs, boolean cpuLatencyHold) {
    /** The default warm-up ({@code warmup.rounds}). */
    public static final int DEFAULT_WARMUP_ROUNDS = 2000;
    /** The default longest poll for an Init ({@code hot.wait.ms}). */
    public static final long DEFAULT_HOT_WAIT_MS = 1000;
    /** The default start-up rehearsal ({@code warmup.handoffs}). */
    public static final int DEFAULT_REHEARSAL_HANDOFFS = 300;

    public NodeSettings {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(caDir, "caDir");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(handoff, "handoff");
        initialHosts = List.copyOf(initialHosts);
        if (channel.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("channel address must be a concrete address peers can reach, not " + channel);
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be a finite number >= 0: " + weight);
        }
        if (warmupRounds < 0) {
            throw new IllegalArgumentException("warmup.rounds must be >= 0: " + warmupRounds);
        }
        Objects.requireNonNull(hotWait, "hotWait");
        if (hotWait.isNegative()) {
            throw new IllegalArgumentException("hot.wait.ms must be >= 0: " + hotWait.toMillis());
        }
        if (rehearsalHandoffs < 0) {
            throw new IllegalArgumentException("warmup.handoffs must be >= 0: " + rehearsalHandoffs);
        }
    }

    /** Settings with the default warm-ups, hot wait and CPU latency hold. */
    public NodeSettings(String node, AnycastGroup group, Path caDir, InetSocketAddress channel, InetSocketAddress membership,
            List<InetSocketAddress> initialHosts, int backups, Duration failureTimeout, Duration reportInterval, double weight,
            HandoffConfig handoff) {
        this(node, group, caDir, channel, membership, initialHosts, backups, failureTimeout, reportInterval, weight, handoff,
                DEFAULT_WARMUP_ROUNDS, Duration.ofMillis(DEFAULT_HOT_WAIT_MS), DEFAULT_REHEARSAL_HANDOFFS, true);
    }
}
