package org.vanycast.node.internal.launch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./vanycast node [--config FILE] [flags]}: starts one node container and runs until
 * it is stopped (SIGINT/SIGTERM). Exit status 2 for bad configuration or usage, 1 when the
 * node cannot start (a port in use, a bundle that cannot start its listeners).
 */
public final class NodeMain {

    static final String USAGE = "usage: ./vanycast node [--config FILE] [--name NAME] [--address A[,A...]]"
            + " [--logical-address X] [--port PORT] [--data DIR] [--deploy DIR] [--etc DIR] [--work DIR]";

    private static final Map<String, String> FLAGS = Map.of("--name", "name", "--address", "address",
            "--logical-address", "logical.address", "--port", "port", "--data", "data", "--deploy", "deploy",
            "--etc", "etc", "--work", "work");

    /** Held so that the level set on it is not lost to garbage collection. */
    private static final java.util.logging.Logger JUL_ROOT = java.util.logging.Logger.getLogger("");

    private NodeMain() {
    }

    public static void main(String[] args) {
        configureLogging();
        int status = run(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Starts the node and blocks until its framework stops; returns the exit status. */
    public static int run(String[] args) {
        Path home = Path.of(System.getProperty("vanycast.node.home", ".")).toAbsolutePath();
        Path configFile = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                System.out.println(USAGE);
                return 0;
            }
            if (i + 1 >= args.length || !(flag.equals("--config") || flag.equals("--home") || FLAGS.containsKey(flag))) {
                System.err.println("vanycast node: " + (flag.startsWith("--") && i + 1 >= args.length
                        && (FLAGS.containsKey(flag) || flag.equals("--config") || flag.equals("--home"))
                        ? "missing value for " + flag : "unknown argument " + flag));
                System.err.println(USAGE);
                return 2;
            }
            String value = args[++i];
            if (flag.equals("--config")) {
                configFile = Path.of(value);
            } else if (flag.equals("--home")) {
                home = Path.of(value).toAbsolutePath();
            } else {
                overrides.put(FLAGS.get(flag), value);
            }
        }
        NodeConfig config;
        try {
            config = NodeConfig.load(home, configFile, overrides);
            preflight(config);
        } catch (ConfigException e) {
            System.err.println("vanycast node: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("vanycast node: " + e.getMessage());
            return 1;
        }
        return new NodeFramework(home, config).runUntilStopped();
    }

    /**
     * Binds each own address once before the framework starts, so that a busy port or an
     * address this host does not have is one clear line instead of an HTTP service error.
     */
    static void preflight(NodeConfig config) throws IOException {
        for (InetAddress address : config.addresses()) {
            InetSocketAddress socketAddress = new InetSocketAddress(address, config.port());
            try (ServerSocketChannel probe = ServerSocketChannel.open()) {
                probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                probe.bind(socketAddress);
            } catch (IOException e) {
                throw new IOException("cannot listen on " + org.vanycast.node.internal.util.Addresses.format(socketAddress) + ": " + e.getMessage());
            }
        }
    }

    private static void configureLogging() {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.log.org.apache.cxf", "warn");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        // CXF and SPI Fly log through java.util.logging, chattily at INFO.
        if (System.getProperty("java.util.logging.config.file") == null) {
            JUL_ROOT.setLevel(java.util.logging.Level.WARNING);
            for (java.util.logging.Handler handler : JUL_ROOT.getHandlers()) {
                handler.setLevel(java.util.logging.Level.WARNING);
            }
        }
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
