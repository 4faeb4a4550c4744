package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffFailedException;
import org.vanycast.core.api.HandoffFailedException.Reason;
import org.vanycast.core.spi.AppStateCodec;

/**
 * A handoff the node starts itself (operator request, graceful leave): it captures the
 * application state of every connection through the service's {@link AppStateCodec}s,
 * moves them, and lets the service resume locally whatever was rolled back.
 */
final class OperatorHandoff {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorHandoff.class);

    private record Captured(SocketChannel channel, AppStateCodec codec, byte[] state) {
    }

    private final HandoffCoordinator c;

    OperatorHandoff(HandoffCoordinator c) {
        this.c = c;
    }

    CompletableFuture<HandoffEvent> run(InetSocketAddress client, Optional<String> acceptorNode) {
        Optional<SocketChannel> ch = c.connections.find(client);
        if (ch.isEmpty()) {
            return failed(Reason.CHANNEL_CLOSED, "no tracked connection from " + client, null);
        }
        Optional<String> target = acceptorNode.or(() -> c.chooseAcceptor(client));
        if (target.isEmpty() || target.get().equals(c.self)) {
            return failed(Reason.NO_ACCEPTOR, "no member can accept " + client, ch.get());
        }
        List<SocketChannel> batch = c.wholeClientBindings() ? c.connections.ofHost(client.getAddress(), ch.get())
                : List.of(ch.get());
        return CompletableFuture.supplyAsync(() -> capture(batch), c.executorForWork()).thenCompose(captured -> {
            if (captured.isEmpty()) {
                return failed(Reason.APP_STATE_UNAVAILABLE, "the service cannot hand off " + client + " now", ch.get());
            }
            List<DonorHandoff.Outgoing> outgoing = captured.get().stream()
                    .map(k -> new DonorHandoff.Outgoing(k.channel(), k.state())).toList();
            return c.start(outgoing, client, target.get(), serving -> resume(captured.get(), serving))
                    .thenApply(event -> {
                        released(captured.get());
                        return event;
                    });
        });
    }

    /** Captures every connection's state, or none: what was captured before a refusal is resumed. */
    private Optional<List<Captured>> capture(List<SocketChannel> batch) {
        List<Captured> done = new ArrayList<>();
        for (SocketChannel ch : batch) {
            Optional<Captured> k = Optional.empty();
            try {
                int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                Optional<AppStateCodec> codec = c.drivers.codecFor(port);
                if (codec.isPresent()) {
                    k = codec.get().capture(ch, c.config.captureTimeout()).map(s -> new Captured(ch, codec.get(), s));
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("capturing application state failed: {}", e.toString());
            }
            if (k.isEmpty()) {
                List<SocketChannel> same = done.stream().map(Captured::channel).toList();
                resume(done, same);
                return Optional.empty();
            }
            done.add(k.get());
        }
        return Optional.of(done);
    }

    /** The sockets are gone from this node (released without FIN/RST): the service forgets them. */
    private static void released(List<Captured> captured) {
        for (Captured k : captured) {
            try {
                k.codec().released(k.channel());
            } catch (IOException | RuntimeException e) {
                LOG.debug("the service could not forget a handed-off connection: {}", e.toString());
            }
        }
    }

    private static void resume(List<Captured> captured, List<SocketChannel> serving) {
        for (int i = 0; i < captured.size(); i++) {
            SocketChannel now = serving.get(i);
            if (now == null) {
                continue; // lost: resume failed below the service
            }
            try {
                captured.get(i).codec().resumeLocally(now, captured.get(i).state());
            } catch (IOException | RuntimeException e) {
                LOG.warn("the service could not resume a rolled-back connection: {}", e.toString());
            }
        }
    }

    private static CompletableFuture<HandoffEvent> failed(Reason reason, String message, SocketChannel keep) {
        return CompletableFuture.failedFuture(new HandoffFailedException(reason, message, keep, null, null));
    }
}
