package org.vanycast.tcp.internal.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP download of a pseudo-random body from [X]:8080 by an untouched client (curl, or a
 * plain Java socket client) while the serving side migrates the connection between nodes.
 * The server is minimal on purpose: reads the request head, writes a Content-Length response,
 * and calls the migration at the configured offsets.
 */
public final class Download {
    /** How the send queue looks when the connection is frozen. */
    public enum QueueMode {
        /** drain() first: nothing unacknowledged, the smallest state */
        DRAINED,
        /** written non-blocking until the kernel refused more: unsent data queued */
        FULL_QUEUE,
        /** frozen right after a write, without draining: data on the wire, unacknowledged */
        IN_FLIGHT
    }

    public enum Client { CURL, JAVA }

    /** @param clientRate curl's {@code --limit-rate} (e.g. {@code "1M"}), or null for full speed */
    public record Config(int size, List<Integer> migrateAt, QueueMode queue, Client client,
            MigrationHarness.Fault fault, String clientRate) {
        public Config(int size, List<Integer> migrateAt, QueueMode queue, Client client, MigrationHarness.Fault fault) {
            this(size, migrateAt, queue, client, fault, null);
        }
    }

    public record Outcome(boolean bodyIntact, int clientExit, String clientError, List<MigrationHarness.Result> hops) {
    }

    private Download() {
    }

    public static byte[] body(int size) {
        byte[] b = new byte[size];
        new Random(0x5eed + size).nextBytes(b);
        return b;
    }

    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Outcome run(MigrationHarness h, Config cfg) throws Exception {
        byte[] body = body(cfg.size());
        String expected = sha256(body);
        // FULL_QUEUE with the Java client: it stops reading shortly before the first handoff and
        // goes on only after it, so its window is closed and the server's queue stays full
        CountDownLatch clientMayRead = new CountDownLatch(1);
        int pauseAt = cfg.queue() == QueueMode.FULL_QUEUE && cfg.client() == Client.JAVA && !cfg.migrateAt().isEmpty()
                ? Math.max(0, cfg.migrateAt().get(0) - 32 * 1024) : -1;
        Future<String[]> client = startClient(h.testbed(), cfg.client(), cfg.clientRate(), pauseAt, clientMayRead);
        List<MigrationHarness.Result> hops = new ArrayList<>();
        int node = 1;
        SocketChannel ch = acceptOne(h.listener(1), 20_000);
        try {
            if (cfg.queue() == QueueMode.FULL_QUEUE) {
                // a modest buffer the slow client cannot empty: it fills with never-sent data
                ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            }
            readRequestHead(ch);
            write(ch, ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            int offset = 0;
            for (int at : cfg.migrateAt()) {
                write(ch, ByteBuffer.wrap(body, offset, at - offset));
                offset = at;
                if (cfg.queue() == QueueMode.FULL_QUEUE) {
                    offset += fillQueue(ch, body, offset);
                }
                MigrationHarness.Result r;
                try {
                    r = h.migrate(ch, node, cfg.queue() == QueueMode.DRAINED, cfg.fault());
                } finally {
                    clientMayRead.countDown();
                }
                hops.add(r);
                ch = r.channel();
                node = r.node();
                ch.configureBlocking(true);
            }
            write(ch, ByteBuffer.wrap(body, offset, body.length - offset));
        } finally {
            ch.close();
        }
        String[] got = client.get(60, TimeUnit.SECONDS);
        int exit = Integer.parseInt(got[0]);
        return new Outcome(expected.equals(got[1]), exit, got[2], hops);
    }

    /** Non-blocking writes until the kernel takes no more: the send queue is full. */
    private static int fillQueue(SocketChannel ch, byte[] body, int offset) throws IOException {
        ch.configureBlocking(false);
        int written = 0;
        ByteBuffer b = ByteBuffer.wrap(body, offset, body.length - offset);
        while (b.hasRemaining()) {
            int n = ch.write(b);
            if (n == 0) {
                break;
            }
            written += n;
        }
        return written;
    }

    private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static SocketChannel acceptOne(ServerSocketChannel listener, long timeoutMillis) throws IOException {
        listener.configureBlocking(false);
        try (Selector s = Selector.open()) {
            listener.register(s, SelectionKey.OP_ACCEPT);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (System.nanoTime() < deadline) {
                s.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                SocketChannel c = listener.accept();
                if (c != null) {
                    c.configureBlocking(true);
                    return c;
                }
            }
        } finally {
            listener.configureBlocking(true);
        }
        throw new IOException("no client connected within " + timeoutMillis + " ms");
    }

    private static void readRequestHead(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (true) {
            if (ch.read(b) < 0) {
                throw new IOException("client closed before the request was complete");
            }
            String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
            if (s.contains("\r\n\r\n")) {
                return;
            }
            if (!b.hasRemaining()) {
                throw new IOException("request head too large");
            }
        }
    }

    /** Result: {exit code, sha256 of the body, error text}. */
    private static Future<String[]> startClient(Testbed tb, Client kind, String rate, int pauseAt,
            CountDownLatch mayRead) throws IOException {
        String url = "http://[" + Testbed.X.getHostAddress() + "]:" + MigrationHarness.PORT + "/blob";
        if (kind == Client.CURL) {
            return tb.client().spawn("curl", () -> {
                List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", tb.name("c"), "curl", "-sS", "-g",
                        "--max-time", "60", "-o", "-"));
                if (rate != null) {
                    cmd.addAll(List.of("--limit-rate", rate));
                }
                cmd.add(url);
                Process p = new ProcessBuilder(cmd).start();
                MessageDigest md = digest();
                try (InputStream in = p.getInputStream()) {
                    byte[] buf = new byte[65536];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                    }
                }
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                int exit = p.waitFor();
                return new String[] {Integer.toString(exit), HexFormat.of().formatHex(md.digest()), err};
            });
        }
        return tb.client().spawn("java-client", () -> {
            try (SocketChannel c = SocketChannel.open(new InetSocketAddress(Testbed.X, MigrationHarness.PORT))) {
                write(c, ByteBuffer.wrap("GET /blob HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                return JavaHttpClient.readResponse(c, pauseAt, mayRead);
            } catch (IOException e) {
                return new String[] {"1", "", e.toString()};
            }
        });
    }
}
