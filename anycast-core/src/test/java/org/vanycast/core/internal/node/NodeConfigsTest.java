package org.vanycast.core.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class NodeConfigsTest {
    @Test
    void shouldParseIpv6AndIpv4HostPort() {
        assertEquals(new InetSocketAddress("fd00::1", 7700), NodeConfigs.hostPort("[fd00::1]:7700", "k"));
        assertEquals(new InetSocketAddress("127.0.0.1", 80), NodeConfigs.hostPort("127.0.0.1:80", "k"));
    }

    @Test
    void shouldSplitInitialHostsGivenAsOneCommaSeparatedValue() throws Exception {
        NodeConfig c = config(new String[] {"[::1]:7801,[::1]:7802 [::1]:7803"});
        assertEquals(3, NodeConfigs.settings(c).initialHosts().size());
    }

    @Test
    void shouldWarmTheChannelUpByDefaultAndRefuseANegativeWarmUp() {
        assertEquals(NodeSettings.DEFAULT_WARMUP_ROUNDS, NodeConfigs.settings(config(new String[0])).warmupRounds());
        NodeConfig negative = config(new String[0], -1);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> NodeConfigs.settings(negative));
        assertTrue(x.getMessage().startsWith("warmup.rounds"), x.getMessage());
    }

    @Test
    void shouldPollForAnnouncedInitsByDefaultAndRefuseANegativeHotWait() {
        assertEquals(java.time.Duration.ofMillis(NodeSettings.DEFAULT_HOT_WAIT_MS),
                NodeConfigs.settings(config(new String[0])).hotWait());
        NodeConfig negative = config(new String[0], NodeSettings.DEFAULT_WARMUP_ROUNDS, -1);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> NodeConfigs.settings(negative));
        assertTrue(x.getMessage().startsWith("hot.wait.ms"), x.getMessage());
    }

    @Test
    void shouldRehearseHandoffsByDefaultAndRefuseANegativeCount() {
        assertEquals(NodeSettings.DEFAULT_REHEARSAL_HANDOFFS,
                NodeConfigs.settings(config(new String[0])).rehearsalHandoffs());
        assertEquals(0, NodeConfigs.settings(config(new String[0], NodeSettings.DEFAULT_WARMUP_ROUNDS,
                NodeSettings.DEFAULT_HOT_WAIT_MS, 0)).rehearsalHandoffs());
        NodeConfig negative = config(new String[0], NodeSettings.DEFAULT_WARMUP_ROUNDS, NodeSettings.DEFAULT_HOT_WAIT_MS, -1);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> NodeConfigs.settings(negative));
        assertTrue(x.getMessage().startsWith("warmup.handoffs"), x.getMessage());
    }

    static NodeConfig config(String[] hosts) {
        return config(hosts, NodeSettings.DEFAULT_WARMUP_ROUNDS);
    }

    static NodeConfig config(String[] hosts, int warmupRounds) {
        return config(hosts, warmupRounds, NodeSettings.DEFAULT_HOT_WAIT_MS);
    }

    static NodeConfig config(String[] hosts, int warmupRounds, long hotWaitMs) {
        return config(hosts, warmupRounds, hotWaitMs, NodeSettings.DEFAULT_REHEARSAL_HANDOFFS);
    }

    static NodeConfig config(String[] hosts, int warmupRounds, long hotWaitMs, int rehearsalHandoffs) {
        return (NodeConfig) java.lang.reflect.Proxy.newProxyInstance(NodeConfig.class.getClassLoader(),
                new Class<?>[] {NodeConfig.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "node_name" -> "n1";
                    case "logical_address" -> "fd00:1::100";
                    case "ca_dir" -> "/tmp/ca";
                    case "initial_hosts" -> hosts;
                    case "warmup_rounds" -> warmupRounds;
                    case "hot_wait_ms" -> hotWaitMs;
                    case "warmup_handoffs" -> rehearsalHandoffs;
                    default -> m.getDefaultValue();
                });
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        for (String bad : new String[] {"fd00::1", "[fd00::1]", "host.example:80", "[::1]:0", "[::1]:99999", "[::1]:80/x", ""}) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> NodeConfigs.hostPort(bad, "initial.hosts"), bad);
            assertTrue(x.getMessage().startsWith("initial.hosts"), x.getMessage());
        }
    }
}
