package org.vanycast.demo.internal.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the nodes' handoff CSVs (anycast-core's {@code org.vanycast.core.handoffcsv}) and
 * merges the donor's and the acceptor's row of one handoff: each phase is measured on the
 * node that runs it.
 */
final class PhaseCsv {
    static final List<String> PHASES = List.of("prepare", "drain", "extract", "transfer", "recreate", "redirect",
            "activate", "release");

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
            for (String p : PHASES) {
                long v = parse(r.get(p + "_us"));
                if (v >= 0) {
                    out.merge(p, v, Math::max);
                }
            }
        }
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
