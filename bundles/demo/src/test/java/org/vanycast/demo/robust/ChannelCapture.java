package org.vanycast.demo.robust;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.TreeMap;
import org.vanycast.demo.internal.run.Proc;

/** Reads the group channel off the wire and off a node's sockets (tshark, ss). */
final class ChannelCapture {
    private ChannelCapture() {
    }

    /**
     * The bytes {@code donor} sent to {@code port} on the first TCP connection of the capture
     * that carried any: in sequence order, each segment once (retransmissions dropped).
     */
    static byte[] donorBytes(Path pcap, InetAddress donor, int port) throws IOException, InterruptedException {
        String out = run("tshark", "-r", pcap.toString(), "-Y",
                "ipv6.src==" + donor.getHostAddress() + " && tcp.dstport==" + port + " && tcp.len>0", "-T", "fields",
                "-e", "tcp.stream", "-e", "tcp.seq", "-e", "tcp.payload");
        TreeMap<Long, byte[]> segments = new TreeMap<>();
        String stream = null;
        for (String line : out.lines().toList()) {
            String[] f = line.split("\t");
            if (f.length < 3 || f[2].isBlank()) {
                continue;
            }
            if (stream == null) {
                stream = f[0];
            }
            if (f[0].equals(stream)) {
                segments.putIfAbsent(Long.parseLong(f[1]), HexFormat.of().parseHex(f[2].replace(":", "")));
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        long next = segments.isEmpty() ? 0 : segments.firstKey();
        for (var e : segments.entrySet()) {
            if (e.getKey() != next) {
                break; // a hole: what follows it would not be a faithful replay
            }
            b.write(e.getValue());
            next += e.getValue().length;
        }
        return b.toByteArray();
    }

    /** Bytes waiting unread in the receive queues of the TCP connections on {@code port} in {@code ns}. */
    static long receiveQueue(String ns, int port) {
        try {
            String out = run("ip", "netns", "exec", ns, "ss", "-Htn", "state", "established", "( sport = :" + port
                    + " or dport = :" + port + " )");
            long sum = 0;
            for (String line : out.lines().toList()) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].matches("\\d+")) {
                    sum += Long.parseLong(f[0]);
                }
            }
            return sum;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        return Proc.output(60_000, cmd);
    }
}
