package org.vanycast.tcp.internal.testbed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.tcp.internal.kernel.RouteNetlink;

/**
 * A private network for migration tests and the benchmark, built from four network
 * namespaces named {@code vct<pid>x<n>-{c,r,n1,n2}}:
 *
 * <pre>
 *   client  fd00:ca5e:1::2 ──c0── router ──n1── node1  fd00:ca5e:2::2, X on lo
 *                                        └──n2── node2  fd00:ca5e:3::2, X on lo
 * </pre>
 *
 * X = fd00:ca5e:ff::1 is configured on both nodes; the router's host route for X decides which
 * node gets the client's packets ("switching the traffic", done through rtnetlink in the
 * router namespace). The router counts RSTs and FINs passing through with nftables counters.
 * Only ULA addresses; everything is removed by {@link #close()}, and namespaces left by dead
 * processes with our prefix are removed on the next {@link #create()}.
 */
public final class Testbed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Testbed.class);
    public static final InetAddress X = addr("fd00:ca5e:ff::1");
    public static final InetAddress CLIENT = addr("fd00:ca5e:1::2");
    public static final InetAddress NODE1 = addr("fd00:ca5e:2::2");
    public static final InetAddress NODE2 = addr("fd00:ca5e:3::2");
    private static final String PREFIX = "vct";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Pattern PACKETS = Pattern.compile("counter (\\w+) \\{\\s*packets (\\d+)");

    private final String base;
    private final List<String> created = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private NsThread client;
    private NsThread router;
    private NsThread node1;
    private NsThread node2;
    private RouteNetlink routes;
    private int activeNode = 1;

    private Testbed(String base) {
        this.base = base;
    }

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Testbed create() throws IOException {
        removeStale();
        Testbed t = new Testbed(PREFIX + ProcessHandle.current().pid() + "x" + SEQ.incrementAndGet());
        try {
            t.build();
            return t;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    public String name(String role) {
        return base + "-" + role;
    }

    private void build() throws IOException {
        for (String role : List.of("c", "r", "n1", "n2")) {
            Shell.ok("ip", "netns", "add", name(role));
            created.add(name(role));
        }
        client = track(new NsThread(name("c")));
        router = track(new NsThread(name("r")));
        node1 = track(new NsThread(name("n1")));
        node2 = track(new NsThread(name("n2")));
        // no duplicate address detection: addresses are usable at once; sysctls written from a
        // thread inside each namespace change that namespace only
        for (NsThread ns : List.of(client, router, node1, node2)) {
            ns.call(() -> {
                sysctl("net/ipv6/conf/default/accept_dad", "0");
                sysctl("net/ipv6/conf/all/accept_dad", "0");
                return null;
            });
        }
        router.call(() -> {
            sysctl("net/ipv6/conf/all/forwarding", "1");
            return null;
        });
        String r = name("r");
        link(r, "c0", name("c"), "fd00:ca5e:1::1/64", "fd00:ca5e:1::2/64", "fd00:ca5e:1::1");
        link(r, "n1", name("n1"), "fd00:ca5e:2::1/64", "fd00:ca5e:2::2/64", "fd00:ca5e:2::1");
        link(r, "n2", name("n2"), "fd00:ca5e:3::1/64", "fd00:ca5e:3::2/64", "fd00:ca5e:3::1");
        for (String n : List.of(name("n1"), name("n2"))) {
            // nodad: lo existed before accept_dad was switched off, and a tentative X cannot be bound
            Shell.ok("ip", "-n", n, "addr", "add", "fd00:ca5e:ff::1/128", "dev", "lo", "nodad");
        }
        Shell.ok("ip", "-n", r, "-6", "route", "add", "fd00:ca5e:ff::1/128", "via", "fd00:ca5e:2::2");
        Shell.okWithInput("table inet vct {\n"
                + "  counter rst {}\n  counter rst_c {}\n  counter rst_n1 {}\n  counter rst_n2 {}\n"
                + "  counter fin_n1 {}\n  counter fin_n2 {}\n  counter x_n1 {}\n  counter x_n2 {}\n"
                + "  chain transit { type filter hook forward priority 0; policy accept;\n"
                + "    tcp flags & rst == rst counter name \"rst\"\n"
                + "    iifname \"c0\" tcp flags & rst == rst counter name \"rst_c\"\n"
                + "    iifname \"n1\" tcp flags & rst == rst counter name \"rst_n1\"\n"
                + "    iifname \"n2\" tcp flags & rst == rst counter name \"rst_n2\"\n"
                + "    iifname \"n1\" ip6 saddr fd00:ca5e:ff::1 counter name \"x_n1\"\n"
                + "    iifname \"n2\" ip6 saddr fd00:ca5e:ff::1 counter name \"x_n2\"\n"
                + "    iifname \"n1\" tcp flags & fin == fin counter name \"fin_n1\"\n"
                + "    iifname \"n2\" tcp flags & fin == fin counter name \"fin_n2\"\n  }\n}\n",
                "ip", "netns", "exec", r, "nft", "-f", "-");
        routes = router.call(RouteNetlink::new);
        resources.add(routes);
        String captureDir = System.getenv("VCT_CAPTURE");
        if (captureDir != null) {
            startCapture(Path.of(captureDir, base + ".pcap"));
        }
    }

    /** Records the client link in the router namespace (for debugging: set VCT_CAPTURE to a folder). */
    public void startCapture(Path file) throws IOException {
        Process p = new ProcessBuilder("ip", "netns", "exec", name("r"), "tcpdump", "-Z", "root", "-U", "-q", "-n", "-s", "128", "-i", "c0",
                "-w", file.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        resources.add(() -> {
            p.destroy();
            p.waitFor();
        });
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
    }

    private void link(String r, String dev, String peerNs, String rAddr, String peerAddr, String gw)
            throws IOException {
        Shell.ok("ip", "-n", r, "link", "add", dev, "type", "veth", "peer", "name", "eth0", "netns", peerNs);
        Shell.ok("ip", "-n", r, "addr", "add", rAddr, "dev", dev, "nodad");
        Shell.ok("ip", "-n", peerNs, "addr", "add", peerAddr, "dev", "eth0", "nodad");
        Shell.ok("ip", "-n", r, "link", "set", dev, "up");
        Shell.ok("ip", "-n", peerNs, "link", "set", "eth0", "up");
        Shell.ok("ip", "-n", peerNs, "link", "set", "lo", "up");
        Shell.ok("ip", "-n", peerNs, "-6", "route", "add", "default", "via", gw);
    }

    private static void sysctl(String key, String value) throws IOException {
        Files.writeString(Path.of("/proc/sys", key), value, StandardCharsets.US_ASCII);
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Limits the router→client link (tbf), so data stays in flight long enough to be caught there. */
    public void limitClientLink(String rate) throws IOException {
        Shell.ok("ip", "netns", "exec", name("r"), "tc", "qdisc", "replace", "dev", "c0", "root", "tbf", "rate", rate,
                "burst", "32kb", "limit", "4mb");
    }

    /** Caps the client's TCP receive buffer (tcp_rmem of its namespace), so a slow reader closes its window. */
    public void limitClientReceiveBuffer(int maxBytes) throws IOException {
        limitReceiveBuffer(client, maxBytes);
    }

    /** Caps node {@code n}'s TCP receive buffer, so a client cannot finish sending while the node is not reading. */
    public void limitNodeReceiveBuffer(int n, int maxBytes) throws IOException {
        limitReceiveBuffer(node(n), maxBytes);
    }

    private static void limitReceiveBuffer(NsThread ns, int maxBytes) throws IOException {
        ns.call(() -> {
            sysctl("net/ipv4/tcp_rmem", "4096 " + Math.min(maxBytes, 131072) / 2 + " " + maxBytes);
            return null;
        });
    }

    public NsThread client() {
        return client;
    }

    public NsThread router() {
        return router;
    }

    public NsThread node(int n) {
        return n == 1 ? node1 : node2;
    }

    public InetAddress nodeAddress(int n) {
        return n == 1 ? NODE1 : NODE2;
    }

    /** Points the router's route for X at node {@code n}: one rtnetlink message, no fork. */
    public void switchTo(int n) throws IOException {
        router.call(() -> {
            routes.replaceHostRoute(X, nodeAddress(n));
            return null;
        });
        activeNode = n;
    }

    public int activeNode() {
        return activeNode;
    }

    /** Packets counted by the router: {@code rst}, {@code fin_n1}, {@code fin_n2}. */
    public java.util.Map<String, Long> counters() throws IOException {
        String out = Shell.ok("ip", "netns", "exec", name("r"), "nft", "list", "counters", "table", "inet", "vct");
        java.util.Map<String, Long> m = new java.util.HashMap<>();
        Matcher mt = PACKETS.matcher(out);
        while (mt.find()) {
            m.put(mt.group(1), Long.parseLong(mt.group(2)));
        }
        return m;
    }

    /** TCP sockets (any state but LISTEN) in a namespace, as {@code ss} prints them. */
    public List<String> tcpConnections(String role) throws IOException {
        String out = Shell.ok("ip", "netns", "exec", name(role), "ss", "-H", "-t", "-n", "state", "all",
                "exclude", "listening");
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        return lines;
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.debug("closing {} failed", resources.get(i), e);
            }
        }
        for (String ns : created) {
            try {
                Shell.run(List.of("ip", "netns", "del", ns), null, 30);
            } catch (IOException e) {
                LOG.warn("could not delete network namespace {}: {}", ns, e.toString());
            }
        }
    }

    /** Deletes namespaces of ours whose creating process is gone (a killed test run). */
    static void removeStale() {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return;
        }
        Pattern ours = Pattern.compile(PREFIX + "(\\d+)x\\d+-(c|r|n1|n2)");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path p : ds) {
                Matcher m = ours.matcher(p.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    Shell.run(List.of("ip", "netns", "del", p.getFileName().toString()), null, 30);
                }
            }
        } catch (IOException e) {
            LOG.debug("stale namespace sweep failed", e);
        }
    }
}
