package org.vanycast.core.internal.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.AnycastNode;
import org.vanycast.core.api.HandoffEvent;

/**
 * A line-oriented operator endpoint on the node's loopback (reachable only from inside the
 * node's namespace, i.e. by root on the host): {@code handoff [client]:port NODE|*} answers
 * {@code ok <handoff log line>} or {@code failed <why>}; {@code leave} hands every client to other members and leaves the group (graceful leave);
 * {@code status} answers the node's name, role and member count. One request per connection.
 * The local counterpart of {@code vanycast handoff}, which asks over the group channel with an
 * operator certificate from anywhere; started by {@link ControlEndpointComponent}.
 */
final class ControlEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlEndpoint.class);
    private static final int MAX_LINE = 256;

    private final ServerSocket server;
    private final Supplier<AnycastNode> nodes;
    private final Thread acceptor;

    private ControlEndpoint(ServerSocket server, Supplier<AnycastNode> nodes) {
        this.server = server;
        this.nodes = nodes;
        this.acceptor = new Thread(this::acceptLoop, "vanycast-control");
        acceptor.setDaemon(true);
    }

    static ControlEndpoint start(InetSocketAddress at, Supplier<AnycastNode> node) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(at);
        ControlEndpoint c = new ControlEndpoint(s, node);
        c.acceptor.start();
        return c;
    }

    /** The port it listens on (the configured one, or the one the system chose for port 0). */
    int port() {
        return server.getLocalPort();
    }

    static InetSocketAddress parse(String hostPort) {
        if (hostPort == null || !hostPort.startsWith("[") || !hostPort.contains("]:")) {
            throw new IllegalArgumentException("expected [address]:port, got '" + hostPort + "'");
        }
        int end = hostPort.indexOf("]:");
        String host = hostPort.substring(1, end);
        if (!host.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not an address literal: '" + host + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(hostPort.substring(end + 2)));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("bad [address]:port '" + hostPort + "'");
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "vanycast-control-request");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.debug("control accept: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s; PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            s.setSoTimeout(5000);
            String line = readLine(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)));
            out.println(answer(line));
        } catch (SocketTimeoutException e) {
            LOG.debug("control request timed out");
        } catch (IOException e) {
            LOG.debug("control request: {}", e.toString());
        }
    }

    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.length() >= MAX_LINE) {
                return null;
            }
            b.append((char) c);
        }
        return b.toString().strip();
    }

    String answer(String line) {
        if (line == null) {
            return "failed request longer than " + MAX_LINE + " characters";
        }
        AnycastNode node = nodes.get();
        if (node == null) {
            return "failed the node has not joined its group yet";
        }
        String[] w = line.split("\\s+");
        if (w.length == 1 && w[0].equals("status")) {
            return "ok node=" + node.nodeName() + " role=" + node.role() + " members=" + node.members().size();
        }
        if (w.length == 1 && w[0].equals("leave")) {
            try {
                node.leave(false).get(120, TimeUnit.SECONDS);
                return "ok left the group after handing off its clients";
            } catch (ExecutionException e) {
                return "failed " + String.valueOf(e.getCause().getMessage()).replace('\n', ' ');
            } catch (TimeoutException e) {
                return "failed leave not done within 120 s";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "failed interrupted";
            }
        }
        if (w.length != 3 || !w[0].equals("handoff")) {
            return "failed usage: handoff [client]:port NODE|*  or  leave  or  status";
        }
        InetSocketAddress client;
        try {
            client = parse(w[1]);
        } catch (IllegalArgumentException e) {
            return "failed " + e.getMessage();
        }
        Optional<String> to = w[2].equals("*") ? Optional.empty() : Optional.of(w[2]);
        try {
            HandoffEvent e = node.handoff(client, to).get(60, TimeUnit.SECONDS);
            return "ok " + e.toLogLine();
        } catch (ExecutionException e) {
            return "failed " + String.valueOf(e.getCause().getMessage()).replace('\n', ' ');
        } catch (TimeoutException e) {
            return "failed no outcome within 60 s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "failed interrupted";
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing control: {}", e.toString());
        }
    }
}
