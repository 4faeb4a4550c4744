package org.vanycast.testbed;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** Helpers shared by the testbed's end-to-end tests. */
final class TestbedSupport {
    private TestbedSupport() {
    }

    /** A testbed id unique to this JVM and test ({@code [a-z0-9]}, at most 8 characters). */
    static String id(String tag) {
        return tag + Long.toString(ProcessHandle.current().pid() % 46656, 36);
    }

    /** IPv6-in-IPv6 packets {@code host} received so far (an ip6tables counter added on first call, which returns 0). */
    static long tunnelledPackets(Testbed tb, String host) throws Exception {
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

    static List<Double> echo(Testbed tb, java.net.InetAddress to, int n) throws Exception {
        return UdpEcho.probe(tb.ns("client"), new InetSocketAddress(to, UdpEcho.PORT), n, 3000);
    }

    static Map<String, Long> counters(org.vanycast.mipv6.internal.agent.DropCounters c) {
        return c.snapshot();
    }

    /** Scheduling policies (SCHED_OTHER 0, SCHED_BATCH 3, ...) of this JVM's threads named {@code name}. */
    static java.util.Set<Integer> schedulingPolicies(String name) throws java.io.IOException {
        java.util.Set<Integer> policies = new java.util.HashSet<>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    if (!java.nio.file.Files.readString(task.resolve("comm")).strip().equals(name)) {
                        continue;
                    }
                    // stat: "tid (comm) state ..."; the policy is field 41, the 39th after the comm
                    String stat = java.nio.file.Files.readString(task.resolve("stat"));
                    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    policies.add(Integer.parseInt(after[38]));
                } catch (java.nio.file.NoSuchFileException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return policies;
    }
}
