package org.vanycast.core.internal.cli;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.vanycast.core.internal.channel.TlsNodeChannel;
import org.vanycast.core.internal.node.NodeConfigs;
import org.vanycast.core.internal.tls.NodeCredentials;
import org.vanycast.core.internal.wire.HandoffReply;
import org.vanycast.core.internal.wire.HandoffRequest;
import org.vanycast.core.internal.wire.NodeMessage;

/**
 * {@code vanycast handoff --ca DIR [--as NAME] --node NAME --at HOST:PORT --client ADDR:PORT [--to NODE]}:
 * asks a running node, over the group channel, to hand one client connection to another node
 * (or to the policy's choice) and prints how it went. The operator proves membership with a
 * certificate of the group CA ({@code vanycast ca issue --node operator}).
 */
public final class HandoffCommand {
    static final String USAGE = "usage: vanycast handoff --ca DIR [--as operator] --node NAME --at HOST:PORT"
            + " --client ADDR:PORT [--to NODE] [--timeout-ms 30000]";

    private HandoffCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        org.vanycast.core.internal.tls.JsseLogging.quietUnlessConfigured();
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                return usage(err, "expected --option value, got '" + args[i] + "'");
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        String ca = o.remove("ca");
        String as = o.getOrDefault("as", "operator");
        o.remove("as");
        String node = o.remove("node");
        String at = o.remove("at");
        String client = o.remove("client");
        Optional<String> to = Optional.ofNullable(o.remove("to"));
        long timeoutMs;
        try {
            timeoutMs = Long.parseLong(o.getOrDefault("timeout-ms", "30000"));
            o.remove("timeout-ms");
            if (timeoutMs <= 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            return usage(err, "--timeout-ms must be a positive number");
        }
        if (!o.isEmpty()) {
            return usage(err, "unknown option --" + o.keySet().iterator().next());
        }
        if (ca == null || node == null || at == null || client == null) {
            return usage(err, "--ca, --node, --at and --client are required");
        }
        InetSocketAddress nodeAt;
        InetSocketAddress clientAddress;
        try {
            nodeAt = NodeConfigs.hostPort(at, "--at");
            clientAddress = NodeConfigs.hostPort(client, "--client");
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        BlockingQueue<NodeMessage> replies = new LinkedBlockingQueue<>();
        long id = new SecureRandom().nextLong();
        try (TlsNodeChannel channel = new TlsNodeChannel(NodeCredentials.load(Path.of(ca), as),
                peer -> peer.equals(node) ? Optional.of(nodeAt) : Optional.empty(), (peer, m) -> replies.add(m),
                Duration.ofSeconds(10))) {
            channel.send(node, new HandoffRequest(id, clientAddress, to));
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true) {
                NodeMessage m = replies.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    err.println("vanycast handoff: no answer from " + node + " within " + timeoutMs + " ms");
                    return 1;
                }
                if (m instanceof HandoffReply r && r.handoffId() == id) {
                    (r.completed() ? out : err).println(r.text());
                    return r.completed() ? 0 : 1;
                }
            }
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        } catch (Exception e) {
            err.println("vanycast handoff: " + e.getMessage());
            return 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("vanycast handoff: " + problem);
        err.println(USAGE);
        return 2;
    }
}
