package org.vanycast.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Phase 1 of versatile anycast (paper §5.1): UDP echo to X from the client reaches the
 * contact node through the home agent, and its RTT is 2·L_CS1 + 2·L_SS + ε.
 */
@Tag("netns")
class HomeAgentTunnelTest {

    @Test
    void shouldReachContactNodeThroughHomeAgentWithRoundTripOfTwiceBothLatencies() throws Exception {
        TestbedConfig cfg = TestbedConfig.defaults(TestbedSupport.id("ha")).withAgents(false);
        try (Testbed tb = Testbed.create(cfg)) {
            Agents agents = Agents.start(tb);
            agents.contact("node2");
            assertEquals(tb.address("node2"), agents.homeAgent().bindings().get(tb.logicalAddress()));
            TestbedSupport.tunnelledPackets(tb, "node2");
            double[][] settings = {{0, 0}, {10, 0}, {10, 20}, {30, 10}};
            System.out.println("UDP echo client -> X (contact node2 through the home agent), 20 probes each");
            System.out.println("L_CS1(ms) L_SS(ms) expected(ms) measured(ms) epsilon(ms)");
            for (double[] s : settings) {
                // L_CS1 = client <-> home agent, L_SS = home agent <-> node2 (the ha link itself adds none).
                tb.reconfigure(tb.config().withLatency("client", s[0]).withLatency("node2", s[1]));
                TestbedSupport.echo(tb, tb.logicalAddress(), 1);
                long before = TestbedSupport.tunnelledPackets(tb, "node2");
                List<Double> rtts = TestbedSupport.echo(tb, tb.logicalAddress(), 20);
                assertEquals(20, rtts.size(), "every probe to X answered");
                assertTrue(TestbedSupport.tunnelledPackets(tb, "node2") - before >= 20,
                        "requests reached node2 tunnelled from the home agent");
                double expected = 2 * s[0] + 2 * s[1];
                double mean = UdpEcho.mean(rtts);
                System.out.printf(Locale.ROOT, "%9.1f %8.1f %12.1f %12.3f %11.3f%n", s[0], s[1], expected, mean, mean - expected);
            }
            System.out.println("WAN emulator: " + tb.status(false).get("wanEmulator"));
            assertTrue(TestbedSupport.tunnelledPackets(tb, "node2") > 0, "packets to X arrived IPv6-in-IPv6");
            assertTrue(agents.homeAgent().isRunning());
        }
    }
}
