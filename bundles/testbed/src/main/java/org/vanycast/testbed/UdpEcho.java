package org.vanycast.testbed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.internal.kernel.NetNs;

/**
 * The paper's UDP-echo service (§5.1): a responder bound to given addresses of one
 * namespace (one socket per address, so each reply leaves from the address the request was
 * sent to, X included), and a prober that sends 128-byte datagrams and measures RTTs.
 */
public final class UdpEcho implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpEcho.class);
    public static final int PORT = 7;
    public static final int PROBE_SIZE = 128;
    private final Selector selector;
    private final List<DatagramChannel> channels;
    private final Thread thread;
    private volatile boolean running = true;

    private UdpEcho(Selector selector, List<DatagramChannel> channels) {
        this.selector = selector;
        this.channels = channels;
        this.thread = new Thread(this::serve, "udp-echo");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts echoing on {@code port} of each address, inside namespace {@code ns}. */
    public static UdpEcho start(String ns, int port, List<? extends InetAddress> addresses) throws Exception {
        return NetNs.call(ns, () -> {
            Selector sel = Selector.open();
            List<DatagramChannel> chs = new ArrayList<>();
            try {
                for (InetAddress a : addresses) {
                    DatagramChannel ch = DatagramChannel.open(java.net.StandardProtocolFamily.INET6);
                    chs.add(ch);
                    ch.bind(new InetSocketAddress(a, port));
                    ch.configureBlocking(false);
                    ch.register(sel, SelectionKey.OP_READ);
                }
            } catch (IOException e) {
                for (DatagramChannel ch : chs) {
                    ch.close();
                }
                sel.close();
                throw e;
            }
            return new UdpEcho(sel, chs);
        });
    }

    private void serve() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (running) {
            try {
                selector.select(200);
                for (SelectionKey k : selector.selectedKeys()) {
                    DatagramChannel ch = (DatagramChannel) k.channel();
                    buf.clear();
                    SocketAddress from;
                    while ((from = ch.receive(buf)) != null) {
                        buf.flip();
                        ch.send(buf, from);
                        buf.clear();
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.debug("udp echo: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing echo socket: {}", e.toString());
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing selector: {}", e.toString());
        }
    }

    /**
     * From namespace {@code ns}, sends {@code count} probes one after another to
     * {@code target} and returns each RTT in ms (lost probes are left out after
     * {@code timeoutMs}).
     */
    public static List<Double> probe(String ns, InetSocketAddress target, int count, int timeoutMs) throws Exception {
        return NetNs.call(ns, () -> {
            List<Double> rtts = new ArrayList<>();
            try (DatagramChannel ch = DatagramChannel.open(java.net.StandardProtocolFamily.INET6);
                 Selector sel = Selector.open()) {
                ch.connect(target);
                ch.configureBlocking(false);
                ch.register(sel, SelectionKey.OP_READ);
                ByteBuffer out = ByteBuffer.allocate(PROBE_SIZE);
                ByteBuffer in = ByteBuffer.allocate(2048);
                for (int i = 0; i < count; i++) {
                    out.clear();
                    out.putInt(0, i);
                    long t0 = System.nanoTime();
                    try {
                        ch.write(out);
                    } catch (java.net.PortUnreachableException e) {
                        continue;
                    }
                    long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
                    while (System.nanoTime() < deadline) {
                        sel.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                        sel.selectedKeys().clear();
                        in.clear();
                        int n;
                        try {
                            n = ch.read(in);
                        } catch (java.net.PortUnreachableException e) {
                            break;
                        }
                        if (n >= 4 && in.getInt(0) == i) {
                            rtts.add((System.nanoTime() - t0) / 1e6);
                            break;
                        }
                    }
                }
            }
            return rtts;
        });
    }

    public static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
