package org.vanycast.testbed;

import java.io.IOException;
import java.io.Writer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.internal.kernel.NetNs;

/**
 * A running testbed: the namespaced network of {@link TestbedConfig}, the WAN emulator in
 * the router, UDP-echo responders on the nodes, and (optionally) the agents. Close it to
 * remove everything; it is also removed by {@code ./vanycast testbed down} after a crash,
 * thanks to the state directory and the namespace-name sweep.
 *
 * <pre>
 * try (Testbed tb = Testbed.create(TestbedConfig.defaults("t1").withLatency("client", 10))) {
 *     tb.exec("client", "nc", "-6", "-u", "-w1", tb.logicalAddress().getHostAddress(), "7");
 * }
 * </pre>
 */
public final class Testbed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Testbed.class);
    static final Path STATE_ROOT = Path.of(System.getProperty("vanycast.testbed.state", "/run/vanycast/testbed"));
    private static final int WAN_QUEUE = 4000;

    private final TestbedConfig config;
    private final Topology topo;
    private final List<AutoCloseable> services = new ArrayList<>();
    private final Map<String, List<String>> agents = new LinkedHashMap<>();
    private WanEmulator wan;
    private boolean closed;
    private boolean ownsNetwork = true;
    private volatile String contactNode;
    private Thread shutdownHook;

    private Testbed(TestbedConfig config) {
        this.config = config;
        this.topo = new Topology(config.id());
    }

    /** Starts the services on a network built earlier (the daemon); close stops only them. */
    static Testbed attach(TestbedConfig config) throws Exception {
        Testbed tb = new Testbed(config);
        tb.ownsNetwork = false;
        try {
            tb.startServices();
        } catch (Exception e) {
            tb.close();
            throw e;
        }
        return tb;
    }

    Map<String, List<String>> agents() {
        return agents;
    }

    /** Builds the network and starts the services in this JVM; removes leftovers of the same id first. */
    public static Testbed create(TestbedConfig config) throws IOException {
        sweepStale();
        destroy(config.id());
        Testbed tb = new Testbed(config);
        // A JVM stopped by a signal still removes its testbed; a killed one leaves it to sweepStale.
        tb.shutdownHook = new Thread(tb::close, "testbed-cleanup-" + config.id());
        Runtime.getRuntime().addShutdownHook(tb.shutdownHook);
        try {
            writeState(config, ProcessHandle.current().pid());
            TestbedNetwork.build(config);
            tb.startServices();
        } catch (Exception e) {
            tb.close();
            throw e instanceof IOException io ? io : new IOException("testbed " + config.id() + ": " + e.getMessage(), e);
        }
        return tb;
    }

    void startServices() throws Exception {
        wan = WanEmulator.start(config, WAN_QUEUE);
        services.add(wan);
        for (String node : config.nodeNames()) {
            services.add(UdpEcho.start(topo.ns(node), UdpEcho.PORT, List.of(topo.hostAddress(node), topo.logicalAddress())));
        }
        services.add(UdpEcho.start(topo.ns("ha"), UdpEcho.PORT, List.of(topo.hostAddress("ha"))));
    }

    /** Records which node holds X's home registration (for status and accuracy). */
    void contactNode(String node) {
        this.contactNode = node;
    }

    /** Registers a service started by a caller (an agent) so that {@link #close} stops it first. */
    public synchronized void addService(String host, String name, AutoCloseable service) {
        services.add(service);
        agents.computeIfAbsent(host, h -> new ArrayList<>()).add(name);
    }

    public TestbedConfig config() {
        return wan == null ? config : wan.config();
    }

    public Topology topology() {
        return topo;
    }

    public String ns(String host) {
        return topo.ns(host);
    }

    public Inet6Address logicalAddress() {
        return topo.logicalAddress();
    }

    public Inet6Address homeAgentAddress() {
        return topo.homeAgent();
    }

    public Inet6Address address(String host) {
        return topo.hostAddress(host);
    }

    /** Changes latencies and bandwidths while running. */
    public void reconfigure(TestbedConfig next) throws IOException {
        wan.reconfigure(next);
        writeState(next, ProcessHandle.current().pid());
    }

    /** Runs a command in {@code host}'s namespace, returning exit status and output. */
    public Sh.Result exec(String host, String... cmd) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        all.addAll(List.of(cmd));
        return Sh.tryRun(all);
    }

    /** Runs {@code body} on a thread inside {@code host}'s namespace (sockets it opens stay there). */
    public <T> T call(String host, Callable<T> body) throws Exception {
        return NetNs.call(ns(host), body);
    }

    /**
     * Starts a tcpdump on every link (the router's side of each) writing {@code dir/<link>.pcap};
     * stop and check them with {@link Capture#packets()} / {@link Capture#tsharkProblems()}.
     */
    public Map<String, Capture> captureAllLinks(Path dir) throws IOException, InterruptedException {
        Map<String, Capture> caps = new LinkedHashMap<>();
        try {
            for (String link : config().links()) {
                caps.put(link, Capture.start(ns("router"), Topology.routerIf(link), dir.resolve(link + ".pcap")));
            }
        } catch (IOException | InterruptedException e) {
            for (Capture c : caps.values()) {
                c.stop();
            }
            throw e;
        }
        return caps;
    }

    /** UDP-echo RTTs (ms) from {@code from} to {@code to}, over {@code count} probes. */
    public List<Double> echoRtts(String from, InetAddress to, int count) throws Exception {
        return UdpEcho.probe(ns(from), new InetSocketAddress(to, UdpEcho.PORT), count, 2000);
    }

    /** The {@code status --json} object. */
    public Map<String, Object> status(boolean measure) throws Exception {
        Map<String, Object> s = Status.describe(config(), agents);
        if (wan != null) {
            s.put("wanEmulator", wan.describe());
        }
        if (measure) {
            s.put("accuracy", Status.measure(config(), contactNode));
        }
        return s;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running or will run close() itself
            }
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping testbed service: {}", e.toString());
            }
        }
        if (!ownsNetwork) {
            return;
        }
        try {
            destroy(config.id());
        } catch (IOException e) {
            LOG.warn("removing testbed {}: {}", config.id(), e.toString());
        }
    }

    /**
     * Removes testbeds whose owning process (test JVM or daemon) is gone — what a crash or a
     * killed test run leaves behind. Returns the namespaces deleted.
     */
    public static List<String> sweepStale() throws IOException {
        List<String> deleted = new ArrayList<>();
        if (!Files.isDirectory(STATE_ROOT)) {
            return deleted;
        }
        try (var dirs = Files.list(STATE_ROOT)) {
            for (Path dir : dirs.toList()) {
                Path pid = dir.resolve("daemon.pid");
                boolean alive = false;
                try {
                    long p = Long.parseLong(Files.readString(pid).strip());
                    // -1: "up" is still building the network; leave it alone.
                    alive = p == -1 || ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false);
                } catch (IOException | NumberFormatException e) {
                    alive = false;
                }
                if (!alive) {
                    LOG.info("removing stale testbed {}", dir.getFileName());
                    deleted.addAll(destroy(dir.getFileName().toString()));
                }
            }
        }
        return deleted;
    }

    /** Removes every testbed: all state and every {@code vct-*} namespace. */
    public static List<String> destroyAll() throws IOException {
        List<String> deleted = new ArrayList<>();
        if (Files.isDirectory(STATE_ROOT)) {
            try (var dirs = Files.list(STATE_ROOT)) {
                for (Path dir : dirs.toList()) {
                    deleted.addAll(destroy(dir.getFileName().toString()));
                }
            }
        }
        deleted.addAll(TestbedNetwork.sweepPrefix(Topology.NS_PREFIX));
        return deleted;
    }

    /** Removes the namespaces and state of testbed {@code id}; kills its daemon if one runs. */
    public static List<String> destroy(String id) throws IOException {
        Path dir = STATE_ROOT.resolve(id);
        Path pidFile = dir.resolve("daemon.pid");
        if (Files.exists(pidFile)) {
            try {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                if (pid != ProcessHandle.current().pid()) {
                    ProcessHandle.of(pid).ifPresent(p -> {
                        p.destroy();
                        try {
                            p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (Exception e) {
                            p.destroyForcibly();
                        }
                    });
                }
            } catch (NumberFormatException e) {
                LOG.debug("bad pid file {}", pidFile);
            }
        }
        List<String> deleted = TestbedNetwork.sweep(id);
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        return deleted;
    }

    static void writeState(TestbedConfig c, long pid) throws IOException {
        Path dir = STATE_ROOT.resolve(c.id());
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(dir.resolve("config.properties"))) {
            c.toProperties().store(w, "vanycast testbed " + c.id());
        }
        Files.writeString(dir.resolve("daemon.pid"), Long.toString(pid));
    }

    static TestbedConfig readState(String id) throws IOException {
        Path f = STATE_ROOT.resolve(id).resolve("config.properties");
        if (!Files.exists(f)) {
            throw new IOException("no testbed '" + id + "' is up (no " + f + ")");
        }
        return TestbedConfig.load(f, id);
    }
}
