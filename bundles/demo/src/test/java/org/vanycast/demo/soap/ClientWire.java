package org.vanycast.demo.soap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vanycast.demo.internal.run.Proc;
import org.vanycast.testbed.Capture;

/**
 * What the client's wire showed for its connections to X:8080, read from the client-side
 * capture with tshark (an independent dissector): SYNs opened by the client, resets, and the
 * TCP payload each source address sent, in order.
 */
final class ClientWire {
    /** One TCP segment from or to port 8080. */
    record Segment(double time, String src, String dst, int srcPort, int dstPort, boolean syn, boolean ack,
                   boolean rst, int len) {
        boolean fromServer() {
            return srcPort == NodeBed.HTTP_PORT;
        }
    }

    final List<Segment> segments;

    private ClientWire(List<Segment> segments) {
        this.segments = segments;
    }

    static ClientWire read(Capture capture) throws IOException, InterruptedException {
        capture.stop();
        return read(capture.file());
    }

    static ClientWire read(Path pcap) throws IOException, InterruptedException {
        String out = Proc.output(60_000, "tshark", "-n", "-r", pcap.toString(), "-Y", "tcp.port==" + NodeBed.HTTP_PORT,
                "-T", "fields", "-E", "separator=,", "-e", "frame.time_epoch", "-e", "ipv6.src", "-e", "ipv6.dst",
                "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags.syn", "-e", "tcp.flags.ack",
                "-e", "tcp.flags.reset", "-e", "tcp.len");
        List<Segment> s = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.split(",");
            if (f.length < 9) {
                continue;
            }
            s.add(new Segment(Double.parseDouble(f[0]), f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                    flag(f[5]), flag(f[6]), flag(f[7]), Integer.parseInt(f[8])));
        }
        return new ClientWire(s);
    }

    private static boolean flag(String f) {
        return f.equals("1") || f.equalsIgnoreCase("true") || f.equals("True");
    }

    /** Connection openings by the client: SYN without ACK towards port 8080 (retransmitted SYNs of one port count once). */
    long clientSyns() {
        return segments.stream().filter(x -> x.syn && !x.ack && !x.fromServer()).map(Segment::srcPort).distinct().count();
    }

    long resets() {
        return segments.stream().filter(Segment::rst).count();
    }

    /** Server payload bytes per source address, in order of first appearance. */
    Map<String, Long> serverBytesBySource() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Segment x : segments) {
            if (x.fromServer() && x.len > 0) {
                m.merge(x.src, (long) x.len, Long::sum);
            }
        }
        return m;
    }

    /** The sources of server payload in order, consecutive repeats collapsed: who served, turn by turn. */
    List<String> servingSequence() {
        List<String> seq = new ArrayList<>();
        for (Segment x : segments) {
            if (x.fromServer() && x.len > 0 && (seq.isEmpty() || !seq.get(seq.size() - 1).equals(x.src))) {
                seq.add(x.src);
            }
        }
        return seq;
    }

    @Override
    public String toString() {
        return "syns=" + clientSyns() + " resets=" + resets() + " served=" + servingSequence() + " bytes=" + serverBytesBySource();
    }
}
