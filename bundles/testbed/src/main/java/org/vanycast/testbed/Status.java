package org.vanycast.testbed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@code testbed status} description and the emulator accuracy measurement. */
final class Status {
    private Status() {
    }

    static Map<String, Object> describe(TestbedConfig c, Map<String, List<String>> agents) throws IOException {
        Topology t = new Topology(c.id());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", c.id());
        s.put("sitePrefix", t.sitePrefix());
        s.put("logicalAddress", Topology.str(t.logicalAddress()));
        s.put("homeAgentAddress", Topology.str(t.homeAgent()));
        s.put("homePrefix", t.homePrefix());
        Map<String, Object> hosts = new LinkedHashMap<>();
        for (String host : TestbedNetwork.hosts(c)) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("namespace", t.ns(host));
            h.put("interfaces", interfaces(t.ns(host)));
            h.put("agents", agents.getOrDefault(host, List.of()));
            hosts.put(host, h);
        }
        s.put("hosts", hosts);
        List<Object> links = new ArrayList<>();
        for (String link : c.links()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("link", link);
            l.put("routerInterface", Topology.routerIf(link));
            l.put("subnet", t.subnetPrefix(link) + "/64");
            l.put("latencyMs", c.latencyMs().getOrDefault(link, 0.0));
            l.put("bandwidthKbit", c.bandwidthKbit().getOrDefault(link, 0));
            links.add(l);
        }
        s.put("links", links);
        Map<String, Object> pairs = new LinkedHashMap<>();
        c.latencyMs().forEach((k, v) -> {
            if (k.contains("-")) {
                pairs.put(k, v);
            }
        });
        s.put("pairLatencyMs", pairs);
        return s;
    }

    /** Interfaces of a namespace with their global addresses, from {@code ip -o addr}. */
    static Map<String, Object> interfaces(String ns) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        Sh.Result r = Sh.tryRun(List.of("ip", "-n", ns, "-o", "-6", "addr", "show", "scope", "global"));
        if (r.exit() != 0) {
            return out;
        }
        for (String line : r.output().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 4 && f[2].equals("inet6")) {
                @SuppressWarnings("unchecked")
                List<String> addrs = (List<String>) out.computeIfAbsent(f[1], k -> new ArrayList<String>());
                addrs.add(f[3]);
            }
        }
        return out;
    }

    /**
     * RTT from the client to every other host — and to X through the home agent when a contact
     * node is registered — against the configured 2 × one-way delays; ICMPv6 echo timed from a
     * capture ({@link PingMeter}), so the machine's load on user space does not count.
     */
    static List<Object> measure(TestbedConfig c, String contactNode) throws Exception {
        Topology t = new Topology(c.id());
        List<Object> rows = new ArrayList<>();
        List<String> targets = new ArrayList<>(List.of("ha"));
        targets.addAll(c.nodeNames());
        for (String target : targets) {
            double configured = c.delayMs("client", target) + c.delayMs(target, "client");
            rows.add(row(target, configured, PingMeter.measure(t, "client", t.hostAddress(target), 10, 20,
                    (int) (configured + 300))));
        }
        if (contactNode != null) {
            double configured = 2 * c.delayMs("client", "ha") + 2 * c.delayMs("ha", contactNode);
            rows.add(row("X via ha -> " + contactNode, configured, PingMeter.measure(t, "client", t.logicalAddress(), 10, 20,
                    (int) (configured + 300))));
        }
        return rows;
    }

    private static Map<String, Object> row(String target, double configured, List<Double> rtts) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("from", "client");
        row.put("to", target);
        row.put("configuredRttMs", configured);
        row.put("measuredRttMs", UdpEcho.mean(rtts));
        row.put("errorMs", UdpEcho.mean(rtts) - configured);
        row.put("maxErrorMs", rtts.stream().mapToDouble(d -> d - configured).max().orElse(Double.NaN));
        row.put("probes", 10);
        row.put("answered", rtts.size());
        row.put("method", "ICMPv6 echo, kernel capture timestamps");
        return row;
    }
}
