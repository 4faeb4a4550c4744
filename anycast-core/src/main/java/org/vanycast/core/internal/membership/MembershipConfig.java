package org.vanycast.core.internal.membership;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How this node joins its group's membership (JGroups over TCP, TLS with the group CA).
 *
 * @param node            this node's name (its certificate CN)
 * @param group           the group (cluster) name
 * @param bind            address the membership transport binds to
 * @param port            its port (0 is not allowed: peers find each other by configured ports)
 * @param initialHosts    where to look for other members (TCPPING)
 * @param backups         how many members after the contact node hold the replicated HA association
 * @param failureTimeout  a member silent this long is suspected (FD_ALL3); a closed socket is faster (FD_SOCK2)
 * @param reportInterval  how often load reports are re-sent
 * @param channelEndpoint where this node's group channel (Prepare/Init/Done) accepts
 */
public record MembershipConfig(String node, String group, InetAddress bind, int port,
        List<InetSocketAddress> initialHosts, int backups, Duration failureTimeout, Duration reportInterval,
        InetSocketAddress channelEndpoint) {
    public MembershipConfig {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(channelEndpoint, "channelEndpoint");
        initialHosts = List.copyOf(initialHosts);
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("membership port must be 1..65535: " + port);
        }
        if (backups < 0) {
            throw new IllegalArgumentException("backups must be >= 0: " + backups);
        }
        if (failureTimeout.toMillis() < 100 || reportInterval.toMillis() < 10) {
            throw new IllegalArgumentException("failureTimeout >= 100 ms and reportInterval >= 10 ms");
        }
    }
}
