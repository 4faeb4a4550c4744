package org.vanycast.core.internal.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.vanycast.core.api.AnycastGroup;
import org.vanycast.core.internal.handoff.HandoffConfig;
import org.vanycast.core.internal.tls.GroupCa;

/** Turns configuration text into {@link NodeSettings}; every bad value names itself. */
public final class NodeConfigs {
    private NodeConfigs() {
    }

    public static NodeSettings settings(NodeConfig c) {
        require(c.node_name(), "node.name");
        GroupCa.checkNodeName(c.node_name());
        InetAddress x = literal(require(c.logical_address(), "logical.address"), "logical.address");
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (String entry : c.initial_hosts()) {
            // a .cfg file gives one string; accept comma- or space-separated lists in each value
            for (String h : entry.split("[,\\s]+")) {
                if (!h.isBlank()) {
                    hosts.add(hostPort(h.trim(), "initial.hosts"));
                }
            }
        }
        HandoffConfig handoff = new HandoffConfig(ms(c.init_timeout_ms()), ms(c.capture_timeout_ms()),
                ms(c.drain_timeout_ms()), ms(c.commit_timeout_ms()), ms(c.done_timeout_ms()), ms(c.replay_window_ms()));
        return new NodeSettings(c.node_name(), new AnycastGroup(c.group_name(), x), Path.of(require(c.ca_dir(), "ca.dir")),
                hostPort(c.channel(), "channel"), hostPort(c.membership(), "membership"), hosts, c.backups(),
                ms(c.failure_timeout_ms()), ms(c.report_interval_ms()), c.weight(), handoff, c.warmup_rounds(),
                Duration.ofMillis(c.hot_wait_ms()), c.warmup_handoffs(), c.cpu_latency_hold());
    }

    /** Parses {@code host:port} or {@code [v6]:port}; hosts must be literal addresses (no DNS on the node). */
    public static InetSocketAddress hostPort(String text, String key) {
        try {
            URI u = new URI("vanycast://" + text);
            if (u.getHost() == null || u.getPort() < 1 || u.getPort() > 65535 || u.getPath() != null && !u.getPath().isEmpty()) {
                throw new URISyntaxException(text, "expected host:port");
            }
            String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
            return new InetSocketAddress(literal(host, key), u.getPort());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not host:port or [ipv6]:port");
        }
    }

    static InetAddress literal(String text, String key) {
        if (!text.matches("[0-9A-Fa-f:.%a-zA-Z]+") || !(text.contains(":") || text.matches("[0-9.]+"))) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not an IP address literal");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not an IP address literal");
        }
    }

    private static String require(String v, String key) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return v;
    }

    private static Duration ms(long v) {
        return Duration.ofMillis(v);
    }
}
