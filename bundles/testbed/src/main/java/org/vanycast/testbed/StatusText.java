package org.vanycast.testbed;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Human-readable form of the status object. */
final class StatusText {
    private StatusText() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> s) {
        StringBuilder sb = new StringBuilder();
        sb.append("testbed ").append(s.get("id")).append("  X=").append(s.get("logicalAddress"))
                .append("  HA=").append(s.get("homeAgentAddress")).append('\n');
        Map<String, Object> hosts = (Map<String, Object>) s.get("hosts");
        for (Map.Entry<String, Object> e : hosts.entrySet()) {
            Map<String, Object> h = (Map<String, Object>) e.getValue();
            sb.append(String.format(Locale.ROOT, "  %-8s %-22s %s %s%n", e.getKey(), h.get("namespace"),
                    h.get("interfaces"), ((List<?>) h.get("agents")).isEmpty() ? "" : "agents=" + h.get("agents")));
        }
        sb.append("  link      latency(ms)  bandwidth(kbit/s)\n");
        for (Object o : (List<Object>) s.get("links")) {
            Map<String, Object> l = (Map<String, Object>) o;
            sb.append(String.format(Locale.ROOT, "  %-8s  %11.2f  %s%n", l.get("link"), (Double) l.get("latencyMs"),
                    ((Integer) l.get("bandwidthKbit")) == 0 ? "unshaped" : l.get("bandwidthKbit")));
        }
        if (s.get("wanEmulator") instanceof Map<?, ?> wan) {
            sb.append("  WAN emulator: ").append(wan.get("delayedPackets")).append(" packets delayed, released on average ")
                    .append(String.format(Locale.ROOT, "%.1f", ((Number) wan.get("meanReleaseLatenessUs")).doubleValue()))
                    .append(" us after due\n");
        }
        Object acc = s.get("accuracy");
        if (acc instanceof List<?> rows) {
            sb.append("  emulator accuracy (ICMPv6 echo RTT from kernel capture timestamps)\n"
                    + "  path                        configured(ms)  measured(ms)  mean error(ms)  max error(ms)  answered\n");
            for (Object o : rows) {
                Map<String, Object> r = (Map<String, Object>) o;
                sb.append(String.format(Locale.ROOT, "  %-6s -> %-18s  %14.2f  %12.3f  %14.3f  %13.3f  %d/%d%n", r.get("from"),
                        r.get("to"), (Double) r.get("configuredRttMs"), (Double) r.get("measuredRttMs"), (Double) r.get("errorMs"),
                        (Double) r.get("maxErrorMs"), r.get("answered"), r.get("probes")));
            }
        }
        return sb.toString().stripTrailing();
    }
}
