package org.vanycast.testbed;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.vanycast.mipv6.internal.kernel.Icmp6EchoSocket;
import org.vanycast.mipv6.internal.kernel.NetNs;

/**
 * Round-trip times measured the way the emulator's accuracy should be judged: ICMPv6 Echo
 * Requests answered by the peer's kernel (no user-space responder to wait for a CPU), timed
 * by the kernel capture timestamps on the sender's interface (no user-space prober either).
 * What remains is the wire, the kernels and the WAN emulator — which runs with real-time
 * priority. The paper's UDP-echo numbers ({@link UdpEcho}) include both user spaces.
 */
public final class PingMeter {
    private PingMeter() {
    }

    /**
     * Sends {@code count} Echo Requests from {@code host} (interface eth0) to {@code dst}, one
     * every {@code intervalMs}, and returns the RTTs in ms of those answered.
     */
    public static List<Double> measure(Topology t, String host, Inet6Address dst, int count, int intervalMs,
                                       int replyWaitMs) throws Exception {
        Path file = Files.createTempFile("vanycast-ping", ".pcap");
        int id = ThreadLocalRandom.current().nextInt(1, 0xffff);
        try {
            Capture cap = Capture.start(t.ns(host), "eth0", file);
            try {
                NetNs.call(t.ns(host), () -> {
                    try (Icmp6EchoSocket s = Icmp6EchoSocket.open()) {
                        for (int i = 0; i < count; i++) {
                            s.sendEcho(dst, id, i, 56);
                            Thread.sleep(intervalMs);
                        }
                    }
                    return null;
                });
                Thread.sleep(replyWaitMs);
            } finally {
                cap.stop();
            }
            return rtts(cap.frames(), id);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(Path.of(file + ".log"));
        }
    }

    static List<Double> rtts(List<Capture.Frame> frames, int id) {
        Map<Integer, Long> sent = new HashMap<>();
        List<Double> out = new ArrayList<>();
        for (Capture.Frame f : frames) {
            byte[] p = f.packet();
            if (p.length < 48 || (p[6] & 0xff) != 58) {
                continue;
            }
            int type = p[40] & 0xff;
            int pid = ((p[44] & 0xff) << 8) | (p[45] & 0xff);
            int seq = ((p[46] & 0xff) << 8) | (p[47] & 0xff);
            if (pid != id) {
                continue;
            }
            if (type == 128) {
                sent.putIfAbsent(seq, f.timestampNanos());
            } else if (type == 129 && sent.containsKey(seq)) {
                out.add((f.timestampNanos() - sent.remove(seq)) / 1e6);
            }
        }
        return out;
    }

}
