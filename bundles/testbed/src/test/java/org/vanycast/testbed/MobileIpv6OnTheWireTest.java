package org.vanycast.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vanycast.mipv6.api.BindingAcknowledgement;
import org.vanycast.mipv6.api.BindingUpdate;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MobilityOption;
import org.vanycast.mipv6.api.ReturnRoutabilityKeys;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.RawMobilitySocket;
import org.vanycast.mipv6.internal.agent.CorrespondentAgent;
import org.vanycast.mipv6.internal.agent.HomeAgent;
import org.vanycast.mipv6.internal.agent.MobileNode;

@Tag("netns")
class MobileIpv6OnTheWireTest {
    private static final byte[] KEY = "testbed home registration key".getBytes(StandardCharsets.UTF_8);

    private static String id() {
        return "w" + Long.toString(ProcessHandle.current().pid() % 100000, 36);
    }

    @Test
    void shouldReachContactNodeThroughHomeAgentThenDirectlyAfterBindingUpdate() throws Exception {
        TestbedConfig cfg = TestbedConfig.defaults(id()).withAgents(false);
        try (Testbed tb = Testbed.create(cfg)) {
            Topology t = tb.topology();
            Inet6Address x = tb.logicalAddress();
            Inet6Address client = tb.address("client");
            try (HomeAgent ha = HomeAgent.start(tb.ns("ha"), tb.homeAgentAddress(), "eth0", KEY, 101);
                 CorrespondentAgent cn = CorrespondentAgent.start(tb.ns("client"), 102, "vanycast_cn");
                 MobileNode node = MobileNode.start(tb.ns("node1"), x, tb.address("node1"), tb.homeAgentAddress(), "eth0",
                         KEY, 103, "vanycast_mn")) {
                node.registerHome(1, 100, Duration.ofSeconds(5));
                assertEquals(tb.address("node1"), ha.bindings().get(x));

                // Phase 1: UDP echo to X from the client reaches node1 through the home agent.
                long tunnelledBefore = ipv6InIpv6Packets(tb, "node1");
                List<Double> viaHa = tb.echoRtts("client", x, 5);
                assertEquals(5, viaHa.size(), "every echo to X answered through the home agent");
                assertTrue(ipv6InIpv6Packets(tb, "node1") > tunnelledBefore, "packets to X arrived tunnelled");

                // Phase 2: return routability + BU; afterwards traffic to X goes straight to node1.
                BindingAcknowledgement ba = node.routeOptimize(client, 7, Duration.ofSeconds(5));
                assertTrue(ba.status().isAccepted(), ba.toString());
                assertEquals(tb.address("node1"), cn.bindings().get(x));
                long tunnelledAfterRo = ipv6InIpv6Packets(tb, "node1");
                List<Double> direct = tb.echoRtts("client", x, 5);
                assertEquals(5, direct.size(), "echo to X still answered, from X");
                assertEquals(tunnelledAfterRo, ipv6InIpv6Packets(tb, "node1"), "nothing tunnelled through the home agent any more");
                assertEquals(1, cn.counters().get("binding-accepted"));
                System.out.printf("UDP echo to X: via home agent %.3f ms, after binding %.3f ms (no emulated latency)%n",
                        UdpEcho.mean(viaHa), UdpEcho.mean(direct));

                // Bad input: garbage MH, forged BU, replayed sequence. Dropped, counted, binding kept.
                try (RawMobilitySocket raw = NetNs.call(tb.ns("node2"), () -> RawMobilitySocket.open(null))) {
                    byte[] garbage = new byte[40 + 12];
                    garbage[0] = 0x60;
                    garbage[5] = 12;
                    garbage[6] = (byte) 135;
                    garbage[7] = 64;
                    System.arraycopy(tb.address("node2").getAddress(), 0, garbage, 8, 16);
                    System.arraycopy(client.getAddress(), 0, garbage, 24, 16);
                    garbage[40] = 59;
                    garbage[41] = 7;
                    garbage[42] = 5;
                    raw.sendPacket(garbage, null);
                    BindingUpdate forged = ReturnRoutabilityKeys.sign(new BindingUpdate(99, BindingUpdate.FLAG_ACK, 10,
                            List.of(new MobilityOption.NonceIndices(0, 0))), new byte[20], tb.address("node2"), client);
                    raw.sendPacket(Ipv6PacketCodec.encode(Ipv6Packet.mobility(tb.address("node2"), client, x, null, forged)), null);
                }
                assertThrows(java.io.IOException.class, () -> node.routeOptimize(client, 7, Duration.ofSeconds(1)),
                        "a replayed sequence number gets no acknowledgement");
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (System.nanoTime() < deadline && (cn.counters().get("malformed") + cn.counters().get("bad-checksum") < 1
                        || cn.counters().get("bad-authenticator") + cn.counters().get("expired-nonce") < 1
                        || cn.counters().get("stale-sequence") < 1)) {
                    Thread.onSpinWait();
                }
                System.out.println("cn-agent counters: " + cn.counters() + ", ha-agent counters: " + ha.counters());
                assertTrue(cn.counters().get("malformed") + cn.counters().get("bad-checksum") >= 1, cn.counters().toString());
                assertTrue(cn.counters().get("bad-authenticator") + cn.counters().get("expired-nonce") >= 1, cn.counters().toString());
                assertEquals(1, cn.counters().get("stale-sequence"), cn.counters().toString());
                assertEquals(tb.address("node1"), cn.bindings().get(x), "binding unchanged by bad input");
                assertEquals(5, tb.echoRtts("client", x, 5).size(), "client still talks to X");
                assertTrue(ha.isRunning() && cn.isRunning());
            }
        }
    }

    /** IPv6-in-IPv6 packets node's eth0 received so far (counted by an ip6tables rule we add on first call). */
    static long ipv6InIpv6Packets(Testbed tb, String host) throws Exception {
        Sh.Result list = tb.exec(host, "ip6tables-legacy", "-t", "raw", "-L", "VCT_COUNT", "-v", "-x", "-n");
        if (list.exit() != 0) {
            tb.exec(host, "ip6tables-legacy", "-t", "raw", "-N", "VCT_COUNT");
            tb.exec(host, "ip6tables-legacy", "-t", "raw", "-A", "VCT_COUNT", "-p", "41");
            tb.exec(host, "ip6tables-legacy", "-t", "raw", "-I", "PREROUTING", "-j", "VCT_COUNT");
            return 0;
        }
        for (String line : list.output().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length > 3 && f[2].equals("41")) {
                return Long.parseLong(f[0]);
            }
        }
        return 0;
    }
}
