package org.vanycast.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TestbedConfigTest {

    @Test
    void shouldDefaultToThePapersTopology() {
        TestbedConfig c = TestbedConfig.defaults("t1");
        assertEquals(List.of("client", "ha", "node1", "node2"), c.links());
        assertEquals(List.of("router", "client", "ha", "node1", "node2"), TestbedNetwork.hosts(c));
        assertEquals(0.0, c.delayMs("client", "node1"));
    }

    @Test
    void shouldAddLinkLatenciesUnlessAPairOverrides() {
        TestbedConfig c = TestbedConfig.defaults("t1").withLatency("client", 10).withLatency("node2", 20);
        assertEquals(30.0, c.delayMs("client", "node2"));
        assertEquals(30.0, c.delayMs("node2", "client"));
        assertEquals(10.0, c.delayMs("client", "ha"));
        TestbedConfig p = c.withLatency("client-node2", 5);
        assertEquals(5.0, p.delayMs("node2", "client"));
        assertEquals(10.0, p.delayMs("client", "ha"));
    }

    @Test
    void shouldRejectBadSettingsWithAClearMessage() {
        assertThrows(IllegalArgumentException.class, () -> TestbedConfig.defaults("Bad-Id"));
        assertThrows(IllegalArgumentException.class, () -> TestbedConfig.defaults("waytoolongid"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestbedConfig.defaults("t").withLatency("node9", 1));
        assertTrue(e.getMessage().contains("node9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TestbedConfig.defaults("t").withLatency("client", -1));
        assertThrows(IllegalArgumentException.class, () -> TestbedConfig.defaults("t").withBandwidth("client", -5));
        Properties p = new Properties();
        p.setProperty("latncy.client", "3");
        e = assertThrows(IllegalArgumentException.class, () -> TestbedConfig.fromProperties(p, "t"));
        assertTrue(e.getMessage().contains("latncy.client"), e.getMessage());
        Properties q = new Properties();
        q.setProperty("nodes", "many");
        assertThrows(IllegalArgumentException.class, () -> TestbedConfig.fromProperties(q, "t"));
    }

    @Test
    void shouldSurviveAPropertiesRoundTrip() {
        TestbedConfig c = new TestbedConfig("rt", 3, Map.of("client", 12.5, "ha-node3", 7.0), Map.of("node1", 1500), false);
        TestbedConfig back = TestbedConfig.fromProperties(c.toProperties(), null);
        assertEquals(c, back);
        assertFalse(back.agents());
    }

    @Test
    void shouldKeepTheDeepDefaultQueueUnlessALinkSetsItsOwn() {
        TestbedConfig c = TestbedConfig.defaults("q").withBandwidth("client", 8000).withQueue("client", 5);
        assertEquals(5, c.queueMs("client"));
        assertEquals(TestbedConfig.DEFAULT_QUEUE_MS, c.queueMs("node1"));
        // every later change keeps the queue setting
        assertEquals(5, c.withLatency("client", 10).withBandwidth("node1", 2000).withAgents(false).queueMs("client"));
        TestbedConfig back = TestbedConfig.fromProperties(c.toProperties(), null);
        assertEquals(c, back);
        assertEquals("5", c.toProperties().getProperty("queue.client"));
    }

    @Test
    void shouldRejectAQueueOfNothingOrForAnUnknownLink() {
        assertThrows(IllegalArgumentException.class, () -> TestbedConfig.defaults("t").withQueue("client", 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestbedConfig.defaults("t").withQueue("node7", 5));
        assertTrue(e.getMessage().contains("node7"), e.getMessage());
        Properties p = new Properties();
        p.setProperty("queue.client", "deep");
        e = assertThrows(IllegalArgumentException.class, () -> TestbedConfig.fromProperties(p, "t"));
        assertTrue(e.getMessage().contains("queue.client"), e.getMessage());
    }

    @Test
    void shouldGiveEachTestbedItsOwnNamesAndUlaPrefix() {
        Topology a = new Topology("a");
        Topology b = new Topology("b");
        assertTrue(a.sitePrefix().startsWith("fd"));
        assertFalse(a.sitePrefix().equals(b.sitePrefix()));
        assertEquals("vct-a-client", a.ns("client"));
        assertTrue(a.logicalAddress().getHostAddress().startsWith(a.sitePrefix().substring(0, 4)));
        assertEquals("fd00::a", Topology.str(Topology.v6("fd00:0:0:0:0:0:0:a")));
        assertEquals("fd00:1::1:0:0:2", Topology.str(Topology.v6("fd00:1:0:0:1:0:0:2")));
        assertEquals("::", Topology.str(Topology.v6("::")));
    }

    @Test
    void shouldEscapeJson() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("a", java.util.Arrays.asList(1, "x\"y\n", true, null));
        m.put("b", 1.5);
        assertEquals("{\"a\":[1,\"x\\\"y\\n\",true,null],\"b\":1.500}", Json.write(m));
    }
}
