package org.vanycast.testbed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./vanycast bench wan-accuracy [--probes N]}: the WAN emulator's accuracy over the
 * paper's latency range (one-way 0–80 ms on the client and node links). For each setting:
 * RTT of ICMPv6 echo client → node1 (2 router traversals) and client → X through the home
 * agent to node1 (4 traversals), timed from kernel capture timestamps, against the
 * configured value; plus the paper's user-space UDP echo through the home agent (ε).
 */
public final class WanAccuracyBench {
    private WanAccuracyBench() {
    }

    public static int run(String[] argv) {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        int probes;
        try {
            probes = BenchOutput.intOption(args, "--probes", 50, 1, 10_000);
            if (!args.isEmpty()) {
                throw new IllegalArgumentException("unexpected " + args);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench wan-accuracy: " + e.getMessage());
            System.err.println("usage: vanycast bench wan-accuracy [--probes N]");
            return 2;
        }
        double[][] settings = {{0, 0}, {10, 10}, {10, 40}, {20, 20}, {40, 10}, {80, 20}};
        TestbedConfig cfg = TestbedConfig.defaults("wa" + Long.toString(ProcessHandle.current().pid() % 46656, 36)).withAgents(false);
        try (Testbed tb = Testbed.create(cfg)) {
            Agents.start(tb).contact("node1");
            BenchOutput out = new BenchOutput("wan-accuracy", "L_CS1ms", "L_SSms", "path", "method", "configuredMs",
                    "meanMs", "meanErrorMs", "p95ErrorMs", "answered");
            for (double[] s : settings) {
                tb.reconfigure(tb.config().withLatency("client", s[0]).withLatency("node1", s[1]));
                double direct = 2 * (s[0] + s[1]);
                double viaHa = 2 * s[0] + 2 * s[1];
                Topology t = tb.topology();
                add(out, s, "client->node1", "icmp-capture", direct,
                        PingMeter.measure(t, "client", tb.address("node1"), probes, 10, (int) direct + 300), probes);
                add(out, s, "client->X(ha)->node1", "icmp-capture", viaHa,
                        PingMeter.measure(t, "client", tb.logicalAddress(), probes, 10, (int) viaHa + 300), probes);
                TestbedSupportForBench.warm(tb);
                add(out, s, "client->X(ha)->node1", "udp-echo", viaHa, tb.echoRtts("client", tb.logicalAddress(), probes), probes);
            }
            out.finish(System.out);
            return 0;
        } catch (Exception e) {
            System.err.println("bench wan-accuracy: " + e);
            return 1;
        }
    }

    private static void add(BenchOutput out, double[] s, String path, String method, double configured, List<Double> rtts,
                            int probes) {
        List<Double> err = new ArrayList<>();
        for (double r : rtts) {
            err.add(r - configured);
        }
        out.row(s[0], s[1], path, method, configured, UdpEcho.mean(rtts), UdpEcho.mean(err), BenchOutput.percentile(err, 95),
                rtts.size() + "/" + probes);
    }

    /** Warm-up of the user-space echo path (JIT, neighbour caches) before it is timed. */
    private static final class TestbedSupportForBench {
        static void warm(Testbed tb) throws Exception {
            tb.echoRtts("client", tb.logicalAddress(), 3);
        }
    }
}
