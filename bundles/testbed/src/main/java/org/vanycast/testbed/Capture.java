package org.vanycast.testbed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Records one interface of one testbed host with {@code tcpdump} into a pcap file, and reads
 * it back: the IPv6 packets (for our own checks, e.g. Mobility Header checksums) and
 * {@code tshark}'s verdict (malformed or expert-error frames).
 */
public final class Capture implements AutoCloseable {
    private final Path file;
    private final Process tcpdump;
    private boolean stopped;

    private Capture(Path file, Process tcpdump) {
        this.file = file;
        this.tcpdump = tcpdump;
    }

    /** Starts capturing {@code iface} in namespace {@code ns} into {@code file}; returns once tcpdump listens. */
    public static Capture start(String ns, String iface, Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path log = Path.of(file + ".log");
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "tcpdump", "-Z", "root", "--immediate-mode", "-i", iface, "-U", "-n", "-s", "0",
                "-w", file.toString(), "ip6").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // tcpdump says "listening on" once its socket is bound: nothing is missed after that.
        while (!(Files.exists(log) && Files.readString(log).contains("listening on"))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("tcpdump on " + ns + "/" + iface + " did not start: "
                        + (Files.exists(log) ? Files.readString(log).strip() : ""));
            }
            Thread.sleep(20);
        }
        return new Capture(file, p);
    }

    public Path file() {
        return file;
    }

    /** Stops tcpdump (flushing the file). Idempotent. */
    public void stop() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        tcpdump.destroy();
        if (!tcpdump.waitFor(5, TimeUnit.SECONDS)) {
            tcpdump.destroyForcibly();
        }
    }

    /** The IPv6 packets captured (Ethernet framing removed). Stops the capture first. */
    public List<byte[]> packets() throws IOException, InterruptedException {
        List<byte[]> out = new ArrayList<>();
        for (Frame f : frames()) {
            out.add(f.packet());
        }
        return out;
    }

    /** The IPv6 packets captured with their kernel timestamps. Stops the capture first. */
    public List<Frame> frames() throws IOException, InterruptedException {
        stop();
        return readPcap(file);
    }

    /** One captured IPv6 packet and its capture time (ns since the epoch, µs resolution). */
    public record Frame(long timestampNanos, byte[] packet) {
    }

    /**
     * Frames tshark flags as malformed or with an expert error, one line each
     * ({@code frame  protocols  message}); empty when everything dissects cleanly.
     */
    public List<String> tsharkProblems() throws IOException, InterruptedException {
        stop();
        Sh.Result r = Sh.tryRun(List.of("tshark", "-n", "-r", file.toString(), "-Y", "_ws.malformed || _ws.expert.severity == error",
                "-T", "fields", "-e", "frame.number", "-e", "frame.protocols", "-e", "_ws.expert.message"));
        if (r.exit() != 0) {
            throw new IOException("tshark failed: " + r.output().strip());
        }
        List<String> out = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            if (!line.isBlank() && Character.isDigit(line.strip().charAt(0))) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /** How many captured frames tshark dissects as Mobility Header (protocol mipv6), by message type name. */
    public List<String> tsharkMobilityTypes() throws IOException, InterruptedException {
        stop();
        Sh.Result r = Sh.tryRun(List.of("tshark", "-n", "-r", file.toString(), "-Y", "mipv6", "-T", "fields", "-e", "mip6.mhtype"));
        List<String> out = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            if (!line.isBlank() && Character.isDigit(line.strip().charAt(0))) {
                out.add(line.strip());
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    static List<Frame> readPcap(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        List<Frame> out = new ArrayList<>();
        if (all.length < 24) {
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(all);
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        int linkType = b.getInt(20);
        boolean nanos = magic == 0xa1b23c4d || Integer.reverseBytes(magic) == 0xa1b23c4d;
        int pos = 24;
        while (pos + 16 <= all.length) {
            long sec = b.getInt(pos) & 0xffffffffL;
            long frac = b.getInt(pos + 4) & 0xffffffffL;
            long ts = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
            int incl = b.getInt(pos + 8);
            pos += 16;
            if (incl < 0 || pos + incl > all.length) {
                break;
            }
            int l2 = linkType == 1 ? 14 : linkType == 113 ? 16 : 0;
            if (incl > l2 + 40) {
                int etherType = ((all[pos + l2 - 2] & 0xff) << 8) | (all[pos + l2 - 1] & 0xff);
                if (l2 == 0 || etherType == 0x86dd) {
                    out.add(new Frame(ts, Arrays.copyOfRange(all, pos + l2, pos + incl)));
                }
            }
            pos += incl;
        }
        return out;
    }
}
