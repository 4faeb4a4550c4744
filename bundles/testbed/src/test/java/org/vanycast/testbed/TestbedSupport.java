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
}
