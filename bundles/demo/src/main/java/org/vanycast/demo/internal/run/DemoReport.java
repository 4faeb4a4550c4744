package org.vanycast.demo.internal.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The demo's summary as a readable report, one JSON object, and CSV files. */
final class DemoReport {
    private DemoReport() {
    }

    static void text(DemoResult r, Options o, PrintStream out) {
        out.println();
        out.println("Handoffs (phase times in ms; each measured on the node that runs it; gap = last byte from the donor"
                + " -> first byte from the acceptor on the client's wire)");
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-14s %-10s %9s", "handoff", "outcome", "at bytes"));
        for (String p : PhaseCsv.PHASES) {
            h.append(String.format(Locale.ROOT, " %9s", p));
        }
        out.println(h.append(String.format(Locale.ROOT, " %9s", "gap")));
        for (DemoResult.Handoff x : r.handoffs()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-14s %-10s %9d",
                    x.donor() + "->" + x.acceptor(), x.outcome(), x.atBytes()));
            for (String p : PhaseCsv.PHASES) {
                long us = x.phaseMicros().getOrDefault(p, -1L);
                b.append(us < 0 ? String.format(Locale.ROOT, " %9s", "-") : String.format(Locale.ROOT, " %9.3f", us / 1000.0));
            }
            b.append(x.gapMillis() < 0 ? String.format(Locale.ROOT, " %9s", "-")
                    : String.format(Locale.ROOT, " %9.3f", x.gapMillis()));
            out.println(b);
        }
        if (!r.events().isEmpty()) {
            out.println();
            out.println("Group events during the download (at = ms since the client's first data byte; took: leave = request"
                    + " -> node left, contact-moved = leave request -> new contact's home registration, kill-9 = signal ->"
                    + " process gone, failover = kill -> a survivor's home registration, new-client = curl's run time)");
            out.println(String.format(Locale.ROOT, "%-14s %-8s %9s %9s %9s %-4s %s", "event", "node", "at bytes", "at ms",
                    "took ms", "ok", "detail"));
            for (DemoResult.Event e : r.events()) {
                out.println(String.format(Locale.ROOT, "%-14s %-8s %9d %9.1f %9.1f %-4s %s", e.kind(),
                        e.node().isEmpty() ? "-" : e.node(), e.atBytes(), e.atMillis(), e.millis(), e.ok() ? "yes" : "NO",
                        e.detail()));
            }
        }
        out.println();
        out.printf(Locale.ROOT, "client bytes by sender on its wire: %s%n", r.bytesBySender());
        out.printf(Locale.ROOT, "checksum (sha256): %s%n", r.checksumOk() ? "intact " + r.receivedSha256()
                : "DIFFERS: expected " + r.expectedSha256() + ", received " + r.receivedSha256());
        out.printf(Locale.ROOT, "curl exit status: %d%n", r.curlExit());
        out.printf(Locale.ROOT, "TCP resets seen by the client: %d (retransmitted data segments: %d)%n", r.resets(),
                r.retransmissions());
        out.printf(Locale.ROOT, "client binding for X: %s (expected %s)%n",
                r.bindingCareOf().isEmpty() ? "none" : r.bindingCareOf(), r.expectedCareOf());
        out.printf(Locale.ROOT, "results: %s%n", o.out());
        out.println(r.verified() ? "VERIFIED" : "NOT VERIFIED: " + String.join("; ", r.problems()));
    }

    static String json(DemoResult r) {
        StringBuilder b = new StringBuilder("{\"verified\":").append(r.verified());
        b.append(",\"checksumOk\":").append(r.checksumOk());
        b.append(",\"sha256\":").append(q(r.receivedSha256()));
        b.append(",\"curlExit\":").append(r.curlExit());
        b.append(",\"resets\":").append(r.resets());
        b.append(",\"retransmissions\":").append(r.retransmissions());
        b.append(",\"binding\":").append(q(r.bindingCareOf()));
        b.append(",\"expectedBinding\":").append(q(r.expectedCareOf()));
        b.append(",\"bytesBySender\":{");
        List<String> parts = new ArrayList<>();
        r.bytesBySender().forEach((k, v) -> parts.add(q(k) + ":" + v));
        b.append(String.join(",", parts)).append("},\"handoffs\":[");
        parts.clear();
        for (DemoResult.Handoff h : r.handoffs()) {
            StringBuilder e = new StringBuilder("{\"donor\":").append(q(h.donor())).append(",\"acceptor\":")
                    .append(q(h.acceptor())).append(",\"atBytes\":").append(h.atBytes()).append(",\"completed\":")
                    .append(h.completed()).append(",\"outcome\":").append(q(h.outcome())).append(",\"gapMs\":")
                    .append(String.format(Locale.ROOT, "%.3f", h.gapMillis())).append(",\"phaseUs\":{");
            List<String> ph = new ArrayList<>();
            for (Map.Entry<String, Long> p : h.phaseMicros().entrySet()) {
                ph.add(q(p.getKey()) + ":" + p.getValue());
            }
            parts.add(e.append(String.join(",", ph)).append("}}").toString());
        }
        b.append(String.join(",", parts)).append("],\"events\":[");
        parts.clear();
        for (DemoResult.Event e : r.events()) {
            parts.add("{\"kind\":" + q(e.kind()) + ",\"node\":" + q(e.node()) + ",\"atBytes\":" + e.atBytes()
                    + String.format(Locale.ROOT, ",\"atMs\":%.3f,\"ms\":%.3f", e.atMillis(), e.millis()) + ",\"ok\":" + e.ok()
                    + ",\"detail\":" + q(e.detail()) + "}");
        }
        b.append(String.join(",", parts)).append("],\"problems\":[");
        b.append(String.join(",", r.problems().stream().map(DemoReport::q).toList())).append("]}");
        return b.toString();
    }

    static void csv(DemoResult r, Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder b = new StringBuilder("donor,acceptor,at_bytes,outcome");
        PhaseCsv.PHASES.forEach(p -> b.append(',').append(p).append("_us"));
        b.append(",client_gap_ms\n");
        for (DemoResult.Handoff h : r.handoffs()) {
            b.append(h.donor()).append(',').append(h.acceptor()).append(',').append(h.atBytes()).append(',')
                    .append(h.outcome());
            PhaseCsv.PHASES.forEach(p -> b.append(',').append(h.phaseMicros().getOrDefault(p, -1L)));
            b.append(',').append(String.format(Locale.ROOT, "%.3f", h.gapMillis())).append('\n');
        }
        Files.writeString(dir.resolve("handoffs.csv"), b);
        StringBuilder t = new StringBuilder("ms,bytes,sender\n");
        for (DemoResult.Sample s : r.timeline()) {
            t.append(String.format(Locale.ROOT, "%.3f", s.millis())).append(',').append(s.bytes()).append(',')
                    .append(s.sender()).append('\n');
        }
        Files.writeString(dir.resolve("client-timeline.csv"), t);
        StringBuilder e = new StringBuilder("event,node,at_bytes,at_ms,took_ms,ok,detail\n");
        for (DemoResult.Event x : r.events()) {
            e.append(x.kind()).append(',').append(x.node()).append(',').append(x.atBytes()).append(',')
                    .append(String.format(Locale.ROOT, "%.3f,%.3f", x.atMillis(), x.millis())).append(',').append(x.ok())
                    .append(',').append(csvField(x.detail())).append('\n');
        }
        Files.writeString(dir.resolve("events.csv"), e);
        Files.writeString(dir.resolve("summary.json"), json(r) + "\n");
    }

    private static String csvField(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
