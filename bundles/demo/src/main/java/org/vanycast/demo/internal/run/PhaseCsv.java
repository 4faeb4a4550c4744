package org.vanycast.demo.internal.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vanycast.core.api.HandoffPhase;

/**
 * Reads the nodes' handoff CSVs (anycast-core's {@code org.vanycast.core.handoffcsv}) and
 * merges the donor's and the acceptor's row of one handoff: each phase is measured on the
 * node that runs it.
 */
final class PhaseCsv {
    /** Every phase anycast-core times, in its order (the columns {@code <phase>_us} of its CSV). */
    static final List<String> PHASES = java.util.Arrays.stream(HandoffPhase.values())
            .map(p -> p.name().toLowerCase(java.util.Locale.ROOT)).toList();

    /** One handoff: the donor's and the acceptor's rows merged. */
    /**
     * One handoff: the donor's and the acceptor's rows merged; {@code freezeToLiveMicros} from the
     * donor's freeze instant to the acceptor's live instant (columns {@code freeze_at_mono_us},
     * {@code live_at_mono_us}: one monotonic clock for all nodes of a testbed host), or -1.
     */
    record Merged(String id, long timeMillis, String donor, String acceptor, String outcome,
                  Map<String, Long> phaseMicros, long socketStateBytes, long freezeToLiveMicros) {
    }

    private PhaseCsv() {
    }

    /** Rows of every file, as column → value maps (simple CSV: the failure column may be quoted, kept last). */
    static List<Map<String, String>> read(List<Path> files) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        for (Path f : files) {
            if (!Files.exists(f)) {
                continue;
            }
            List<String> lines = Files.readAllLines(f);
            if (lines.isEmpty()) {
                continue;
            }
            String[] head = lines.get(0).split(",");
            for (String line : lines.subList(1, lines.size())) {
                String[] v = line.split(",", head.length);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < head.length && i < v.length; i++) {
                    row.put(head[i], v[i]);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Phase → µs for the handoff of {@code clientPort} from {@code donor} to {@code acceptor}; -1 when not run. */
    static Map<String, Long> merged(List<Map<String, String>> rows, String donor, String acceptor, int clientPort) {
        Map<String, Long> out = new LinkedHashMap<>();
        PHASES.forEach(p -> out.put(p, -1L));
        for (Map<String, String> r : rows) {
            if (!donor.equals(r.get("donor")) || !acceptor.equals(r.get("acceptor"))
                    || !Integer.toString(clientPort).equals(r.get("client_port"))) {
                continue;
            }
            mergePhases(out, r);
        }
        return out;
    }

    /** Adds a row's phases: any {@code <phase>_us} column, also of a phase this class does not know yet. */
    private static void mergePhases(Map<String, Long> out, Map<String, String> row) {
        for (Map.Entry<String, String> c : row.entrySet()) {
            if (c.getKey().endsWith("_us") && !c.getKey().equals("total_us") && !c.getKey().endsWith("_mono_us")) {
                String p = c.getKey().substring(0, c.getKey().length() - 3);
                long v = parse(c.getValue());
                if (v >= 0) {
                    out.merge(p, v, Math::max);
                } else {
                    out.putIfAbsent(p, -1L);
                }
            }
        }
    }

    /**
     * The handoffs of the connection from {@code clientPort} (negative: of every connection), merged per handoff id and in the
     * order they ended (the donor's row is written at the end): a connection handed back and
     * forth between the same two nodes has one entry per handoff.
     */
    static List<Merged> handoffs(List<Map<String, String>> rows, int clientPort) {
        Map<String, List<Map<String, String>>> byId = new LinkedHashMap<>();
        for (Map<String, String> r : rows) {
            if ((clientPort < 0 || Integer.toString(clientPort).equals(r.get("client_port"))) && r.get("handoff") != null) {
                byId.computeIfAbsent(r.get("handoff"), k -> new ArrayList<>()).add(r);
            }
        }
        List<Merged> out = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, String>>> e : byId.entrySet()) {
            Map<String, String> first = e.getValue().get(0);
            Map<String, String> donorRow = e.getValue().stream().filter(r -> "DONOR".equals(r.get("role"))).findFirst()
                    .orElse(first);
            Map<String, Long> phases = new LinkedHashMap<>();
            PHASES.forEach(p -> phases.put(p, -1L));
            long state = -1;
            long freezeAt = -1;
            long liveAt = -1;
            for (Map<String, String> r : e.getValue()) {
                mergePhases(phases, r);
                state = Math.max(state, parse(r.get("socket_state_bytes")));
                freezeAt = Math.max(freezeAt, parse(r.get("freeze_at_mono_us")));
                liveAt = Math.max(liveAt, parse(r.get("live_at_mono_us")));
            }
            long freezeToLive = freezeAt >= 0 && liveAt >= freezeAt ? liveAt - freezeAt : -1;
            out.add(new Merged(e.getKey(), parse(donorRow.get("time_ms")), first.get("donor"), first.get("acceptor"),
                    donorRow.get("outcome"), phases, state, freezeToLive));
        }
        out.sort(java.util.Comparator.comparingLong(Merged::timeMillis));
        return out;
    }

    static String outcome(List<Map<String, String>> rows, String donor, String acceptor, int clientPort) {
        for (Map<String, String> r : rows) {
            if (donor.equals(r.get("donor")) && acceptor.equals(r.get("acceptor"))
                    && Integer.toString(clientPort).equals(r.get("client_port")) && "DONOR".equals(r.get("role"))) {
                return r.get("outcome");
            }
        }
        return "unknown";
    }

    private static long parse(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
