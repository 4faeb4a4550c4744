package org.vanycast.core.internal.node;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffListener;
import org.vanycast.core.api.HandoffPhase;

/**
 * Appends one CSV row per handoff event (phase times in microseconds, -1 for a phase that
 * did not run), so runs can be tabulated and plotted afterwards. Writes the header when the
 * file is new.
 */
public final class HandoffCsv implements HandoffListener {
    private final Path file;

    public HandoffCsv(Path file) {
        this.file = file;
    }

    public static String header() {
        StringBuilder b = new StringBuilder("time_ms,handoff,role,outcome,donor,acceptor,client_address,client_port,connections");
        for (HandoffPhase p : HandoffPhase.values()) {
            b.append(',').append(p.name().toLowerCase()).append("_us");
        }
        // the instants are System.nanoTime(): one clock for every process of a host (see HandoffEvent)
        return b.append(",total_us,socket_state_bytes,app_state_bytes,freeze_at_mono_us,live_at_mono_us,failure").toString();
    }

    public static String row(HandoffEvent e, long wallMillis) {
        StringBuilder b = new StringBuilder(200).append(wallMillis).append(',')
                .append(Long.toUnsignedString(e.handoffId(), 16)).append(',').append(e.role()).append(',')
                .append(e.outcome()).append(',').append(quote(e.donor())).append(',').append(quote(e.acceptor()))
                .append(',').append(e.client().getAddress().getHostAddress()).append(',').append(e.client().getPort())
                .append(',').append(e.connections());
        for (HandoffPhase p : HandoffPhase.values()) {
            long n = e.nanos(p);
            b.append(',').append(n < 0 ? -1 : n / 1000);
        }
        return b.append(',').append(e.totalNanos() / 1000).append(',').append(e.socketStateBytes()).append(',')
                .append(e.appStateBytes()).append(',').append(micros(e.freezeAtNanos())).append(',')
                .append(micros(e.liveAtNanos())).append(',').append(quote(e.failure().orElse(""))).toString();
    }

    private static long micros(long nanos) {
        return nanos < 0 ? -1 : nanos / 1000;
    }

    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"").replace('\n', ' ') + '"';
    }

    @Override
    public synchronized void onHandoff(HandoffEvent event) {
        try {
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                if (fresh) {
                    w.write(header());
                    w.write('\n');
                }
                w.write(row(event, System.currentTimeMillis()));
                w.write('\n');
            }
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(HandoffCsv.class).warn("cannot append handoff event to {}: {}", file, e.toString());
        }
    }
}
