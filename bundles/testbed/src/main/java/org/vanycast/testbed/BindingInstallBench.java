package org.vanycast.testbed;

import java.net.Inet6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vanycast.mipv6.internal.agent.MobileNodeDataPath;

/**
 * {@code ./vanycast bench binding-install [--iterations N]}: moves the client's binding for X
 * back and forth between node1 and node2 (each a real Binding Update after return
 * routability, with the sequence number carried over as a handoff does) and reports the
 * cn-agent's install latency — Binding Update delivered from NFQUEUE to nftables
 * translation active — and the node's whole bind time (RR + BU + BA), without emulated latency.
 */
public final class BindingInstallBench {
    private BindingInstallBench() {
    }

    public static int run(String[] argv) {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        int iterations;
        try {
            iterations = BenchOutput.intOption(args, "--iterations", 50, 1, 10_000);
            if (!args.isEmpty()) {
                throw new IllegalArgumentException("unexpected " + args);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench binding-install: " + e.getMessage());
            System.err.println("usage: vanycast bench binding-install [--iterations N]");
            return 2;
        }
        TestbedConfig cfg = TestbedConfig.defaults("bi" + Long.toString(ProcessHandle.current().pid() % 46656, 36)).withAgents(false);
        try (Testbed tb = Testbed.create(cfg)) {
            Agents agents = Agents.start(tb);
            MobileNodeDataPath[] nodes = {agents.contact("node1"), agents.node("node2")};
            Inet6Address client = tb.address("client");
            Agents.relayThroughContact(nodes[1], nodes[0]);
            BenchOutput out = new BenchOutput("binding-install", "iteration", "to", "cnInstallUs", "nodeBindMs");
            List<Double> install = new ArrayList<>();
            List<Double> bind = new ArrayList<>();
            int seq = 0;
            for (int i = 0; i < iterations; i++) {
                MobileNodeDataPath n = nodes[i % 2];
                MobileNodeDataPath other = nodes[(i + 1) % 2];
                other.forget(client);
                n.forget(client);
                long t0 = System.nanoTime();
                seq = n.bind(client, seq, Duration.ofSeconds(5)).sequence();
                double bindMs = (System.nanoTime() - t0) / 1e6;
                double us = agents.cnAgent().lastInstallNanos() / 1e3;
                install.add(us);
                bind.add(bindMs);
                out.row(i, i % 2 == 0 ? "node1" : "node2", us, bindMs);
            }
            out.finish(System.out);
            System.out.printf("cn-agent install (BU from NFQUEUE -> translation active): median %.0f us, p90 %.0f us, max %.0f us%n",
                    BenchOutput.percentile(install, 50), BenchOutput.percentile(install, 90), BenchOutput.percentile(install, 100));
            System.out.printf("node bind (RR + BU + BA): median %.2f ms, p90 %.2f ms%n",
                    BenchOutput.percentile(bind, 50), BenchOutput.percentile(bind, 90));
            return 0;
        } catch (Exception e) {
            System.err.println("bench binding-install: " + e);
            return 1;
        }
    }
}
