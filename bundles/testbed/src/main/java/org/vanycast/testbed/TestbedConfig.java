package org.vanycast.testbed;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What a testbed looks like: its id (names and prefixes derive from it, so testbeds with
 * different ids never collide), the service nodes, and per-link one-way latency and
 * bandwidth. The defaults give the paper's topology (§5, Figure 11): {@code client} —
 * {@code router} — {@code ha}, {@code node1}, {@code node2}, every host on its own link to
 * the router, which emulates the wide area.
 *
 * <p>A forwarded packet is delayed by {@code latency(in-link) + latency(out-link)} unless a
 * pair override {@code latency.A-B} is set. File format (java.util.Properties):
 * <pre>
 * id = tb1
 * nodes = 2
 * latency.client = 10        # ms, one way, per traversal of that link
 * latency.node2 = 20
 * latency.client-ha = 15     # overrides the sum for packets between those two links
 * bandwidth.node1 = 1500     # kbit/s out of the router onto that link; 0 = unshaped
 * queue.client = 5           # ms of the shaped rate a link's shaper may queue (default 200)
 * agents = true              # `testbed up` also starts ha-agent and cn-agent
 * </pre>
 */
public record TestbedConfig(String id, int nodes, Map<String, Double> latencyMs,
                            Map<String, Integer> bandwidthKbit, boolean agents, Map<String, Integer> queueMs) {
    public static final int MAX_NODES = 16;
    /** How much of its rate a shaped link queues unless set: deep, like a DSL line's buffer. */
    public static final int DEFAULT_QUEUE_MS = 200;

    /** A testbed whose shaped links all keep the default queue depth. */
    public TestbedConfig(String id, int nodes, Map<String, Double> latencyMs, Map<String, Integer> bandwidthKbit,
                         boolean agents) {
        this(id, nodes, latencyMs, bandwidthKbit, agents, Map.of());
    }

    public TestbedConfig {
        if (id == null || !id.matches("[a-z0-9]{1,8}")) {
            throw new IllegalArgumentException("testbed id must be 1-8 of [a-z0-9], got: " + id);
        }
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("nodes must be 1.." + MAX_NODES + ", got " + nodes);
        }
        latencyMs = Map.copyOf(latencyMs);
        bandwidthKbit = Map.copyOf(bandwidthKbit);
        queueMs = Map.copyOf(queueMs);
        List<String> links = linkNames(nodes);
        for (Map.Entry<String, Double> e : latencyMs.entrySet()) {
            for (String part : e.getKey().split("-", 2)) {
                if (!links.contains(part)) {
                    throw new IllegalArgumentException("latency for unknown link '" + part + "' (links: " + links + ")");
                }
            }
            if (e.getValue() < 0 || e.getValue() > 10_000 || e.getValue().isNaN()) {
                throw new IllegalArgumentException("latency." + e.getKey() + " must be 0..10000 ms");
            }
        }
        for (Map.Entry<String, Integer> e : bandwidthKbit.entrySet()) {
            if (!links.contains(e.getKey())) {
                throw new IllegalArgumentException("bandwidth for unknown link '" + e.getKey() + "'");
            }
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("bandwidth." + e.getKey() + " must be >= 0 kbit/s");
            }
        }
        for (Map.Entry<String, Integer> e : queueMs.entrySet()) {
            if (!links.contains(e.getKey())) {
                throw new IllegalArgumentException("queue for unknown link '" + e.getKey() + "'");
            }
            // tbf needs room for at least a moment of its rate; beyond seconds it is no longer a link
            if (e.getValue() < 1 || e.getValue() > 10_000) {
                throw new IllegalArgumentException("queue." + e.getKey() + " must be 1..10000 ms");
            }
        }
    }

    public static TestbedConfig defaults(String id) {
        return new TestbedConfig(id, 2, Map.of(), Map.of(), true);
    }

    /** Links (named by the host at their far end from the router). */
    public List<String> links() {
        return linkNames(nodes);
    }

    public List<String> nodeNames() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            out.add("node" + i);
        }
        return out;
    }

    static List<String> linkNames(int nodes) {
        List<String> out = new ArrayList<>(List.of("client", "ha"));
        for (int i = 1; i <= nodes; i++) {
            out.add("node" + i);
        }
        return out;
    }

    /** One-way delay in ms the router adds to a packet forwarded from link {@code in} to link {@code out}. */
    public double delayMs(String in, String out) {
        Double pair = latencyMs.get(in + "-" + out);
        if (pair == null) {
            pair = latencyMs.get(out + "-" + in);
        }
        if (pair != null) {
            return pair;
        }
        return latencyMs.getOrDefault(in, 0.0) + latencyMs.getOrDefault(out, 0.0);
    }

    /** Milliseconds of its rate the shaper of {@code link} queues before it drops. */
    public int queueMs(String link) {
        return queueMs.getOrDefault(link, DEFAULT_QUEUE_MS);
    }

    public TestbedConfig withLatency(String link, double ms) {
        Map<String, Double> l = new LinkedHashMap<>(latencyMs);
        l.put(link, ms);
        return new TestbedConfig(id, nodes, l, bandwidthKbit, agents, queueMs);
    }

    public TestbedConfig withBandwidth(String link, int kbit) {
        Map<String, Integer> b = new LinkedHashMap<>(bandwidthKbit);
        b.put(link, kbit);
        return new TestbedConfig(id, nodes, latencyMs, b, agents, queueMs);
    }

    /** The queue depth (ms of the link's rate) of {@code link}'s shaper; only matters where the link is shaped. */
    public TestbedConfig withQueue(String link, int ms) {
        Map<String, Integer> q = new LinkedHashMap<>(queueMs);
        q.put(link, ms);
        return new TestbedConfig(id, nodes, latencyMs, bandwidthKbit, agents, q);
    }

    public TestbedConfig withAgents(boolean on) {
        return new TestbedConfig(id, nodes, latencyMs, bandwidthKbit, on, queueMs);
    }

    public static TestbedConfig load(Path file, String idOverride) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return fromProperties(p, idOverride);
    }

    public static TestbedConfig fromProperties(Properties p, String idOverride) {
        String id = idOverride != null ? idOverride : p.getProperty("id", "tb");
        int nodes = parseInt(p.getProperty("nodes", "2"), "nodes");
        Map<String, Double> lat = new LinkedHashMap<>();
        Map<String, Integer> bw = new LinkedHashMap<>();
        Map<String, Integer> queue = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            String v = p.getProperty(k).strip();
            if (k.startsWith("latency.")) {
                try {
                    lat.put(k.substring(8), Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(k + ": not a number: " + v);
                }
            } else if (k.startsWith("bandwidth.")) {
                bw.put(k.substring(10), parseInt(v, k));
            } else if (k.startsWith("queue.")) {
                queue.put(k.substring(6), parseInt(v, k));
            } else if (!k.equals("id") && !k.equals("nodes") && !k.equals("agents")) {
                throw new IllegalArgumentException("unknown testbed setting: " + k);
            }
        }
        return new TestbedConfig(id, nodes, lat, bw, Boolean.parseBoolean(p.getProperty("agents", "true")), queue);
    }

    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("id", id);
        p.setProperty("nodes", Integer.toString(nodes));
        p.setProperty("agents", Boolean.toString(agents));
        latencyMs.forEach((k, v) -> p.setProperty("latency." + k, Double.toString(v)));
        bandwidthKbit.forEach((k, v) -> p.setProperty("bandwidth." + k, Integer.toString(v)));
        queueMs.forEach((k, v) -> p.setProperty("queue." + k, Integer.toString(v)));
        return p;
    }

    private static int parseInt(String v, String what) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": not an integer: " + v);
        }
    }
}
