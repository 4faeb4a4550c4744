package org.vanycast.testbed;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.vanycast.mipv6.internal.agent.MobileNodeDataPath;

/**
 * {@code ./vanycast bench translation-throughput [--seconds S] [--rounds R] [--kbit RATE]}: one TCP stream
 * client → node1 for S seconds, alternately to X with the binding's nftables translation on
 * both ends, and to node1's own address over the plain route (binding deregistered: the
 * stateless translation would otherwise rewrite the replies of that connection too: while a
 * binding X → CoA is active, the client cannot also talk to CoA directly). Same
 * namespaces, same router, no emulated latency; {@code --kbit} shapes the client link (tbf) to
 * a WAN rate. Goal: translated ≥ 95 % of plain.
 */
public final class TranslationThroughputBench {
    private static final int PORT = 9000;

    private TranslationThroughputBench() {
    }

    public static int run(String[] argv) {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        int seconds;
        int rounds;
        int kbit;
        try {
            seconds = BenchOutput.intOption(args, "--seconds", 5, 1, 600);
            rounds = BenchOutput.intOption(args, "--rounds", 3, 1, 100);
            kbit = BenchOutput.intOption(args, "--kbit", 0, 0, 100_000_000);
            if (!args.isEmpty()) {
                throw new IllegalArgumentException("unexpected " + args);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench translation-throughput: " + e.getMessage());
            System.err.println("usage: vanycast bench translation-throughput [--seconds S] [--rounds R] [--kbit RATE]");
            return 2;
        }
        TestbedConfig cfg = TestbedConfig.defaults("tt" + Long.toString(ProcessHandle.current().pid() % 46656, 36)).withAgents(false);
        try (Testbed tb = Testbed.create(cfg)) {
            if (kbit > 0) {
                tb.reconfigure(tb.config().withBandwidth("client", kbit));
            }
            Agents agents = Agents.start(tb);
            MobileNodeDataPath node = agents.contact("node1");
            ServerSocketChannel server = tb.call("node1", () -> ServerSocketChannel.open()
                    .bind(new InetSocketAddress(InetAddress.getByName("::"), PORT)));
            AtomicLong received = new AtomicLong();
            Thread sink = sink(server, received);
            BenchOutput out = new BenchOutput("translation-throughput", "round", "path", "seconds", "shapingKbit", "Mbit/s");
            List<Double> plain = new ArrayList<>();
            List<Double> translated = new ArrayList<>();
            int seq = 0;
            try (server) {
                for (int r = 0; r < rounds; r++) {
                    double p = stream(tb, tb.address("node1"), seconds, received);
                    plain.add(p);
                    out.row(r, "plain route to node1", seconds, kbit, p);
                    seq = node.bind(tb.address("client"), seq, Duration.ofSeconds(5)).sequence();
                    double t = stream(tb, tb.logicalAddress(), seconds, received);
                    translated.add(t);
                    out.row(r, "X with translation", seconds, kbit, t);
                    node.deregister(tb.address("client"), Duration.ofSeconds(5));
                    node.forget(tb.address("client"));
                }
            } finally {
                sink.interrupt();
            }
            out.finish(System.out);
            double mp = plain.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double mt = translated.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            System.out.printf("mean plain %.0f Mbit/s, translated %.0f Mbit/s: %.1f %% of plain (goal >= 95 %%)%n",
                    mp, mt, 100 * mt / mp);
            return 0;
        } catch (Exception e) {
            System.err.println("bench translation-throughput: " + e);
            return 1;
        }
    }

    private static Thread sink(ServerSocketChannel server, AtomicLong received) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (java.io.IOException e) {
                    return;
                }
                // One reader per connection: a stalled earlier stream must not block the next.
                Thread reader = new Thread(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
                    try (ch) {
                        int n;
                        while ((n = ch.read(b)) >= 0) {
                            received.addAndGet(n);
                            b.clear();
                        }
                    } catch (java.io.IOException e) {
                        // connection reset: the stream's own result shows it
                    }
                }, "throughput-reader");
                reader.setDaemon(true);
                reader.start();
            }
        }, "throughput-sink");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Streams for {@code seconds} from the client to {@code dst}, then waits until the sink has
     * everything (a shaped link holds a queue): returns Mbit/s delivered over the whole time.
     */
    private static double stream(Testbed tb, InetAddress dst, int seconds, AtomicLong received) throws Exception {
        return tb.call("client", () -> {
            long start = received.get();
            long t0 = System.nanoTime();
            long sent = 0;
            try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(dst, PORT))) {
                ByteBuffer b = ByteBuffer.allocateDirect(1 << 16);
                long end = t0 + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    b.clear();
                    sent += ch.write(b);
                }
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (received.get() - start < sent) {
                    if (System.nanoTime() > deadline) {
                        throw new java.io.IOException("stream to " + dst.getHostAddress() + " stalled: "
                                + (received.get() - start) + " of " + sent + " bytes delivered");
                    }
                    Thread.sleep(1);
                }
            }
            return (received.get() - start) * 8 / ((System.nanoTime() - t0) / 1e9) / 1e6;
        });
    }
}
