package org.vanycast.core.internal.handoff;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client connections this node serves on the logical address, by client end. A connection
 * the service closed drops out on the next look-up (the service need not report every close):
 * a closed channel can be neither handed off nor counted among a client's connections.
 */
final class ConnectionRegistry {
    private final Map<InetSocketAddress, SocketChannel> byClient = new ConcurrentHashMap<>();

    void track(SocketChannel ch) {
        prune();
        remote(ch).ifPresent(r -> byClient.put(r, ch));
    }

    private void prune() {
        byClient.values().removeIf(ch -> !ch.isOpen());
    }

    void untrack(SocketChannel ch) {
        byClient.values().remove(ch);
    }

    Optional<SocketChannel> find(InetSocketAddress client) {
        prune();
        return Optional.ofNullable(byClient.get(client));
    }

    /** Other connections of the same client host, besides {@code except}. */
    long othersOf(InetAddress client, SocketChannel except) {
        prune();
        return byClient.entrySet().stream()
                .filter(e -> e.getKey().getAddress().equals(client) && e.getValue() != except).count();
    }

    /** Every tracked connection of {@code host}, {@code first} (if tracked) at the head. */
    List<SocketChannel> ofHost(InetAddress host, SocketChannel first) {
        prune();
        java.util.ArrayList<SocketChannel> out = new java.util.ArrayList<>();
        byClient.forEach((r, ch) -> {
            if (r.getAddress().equals(host) && ch != first) {
                out.add(ch);
            }
        });
        out.add(0, first);
        return out;
    }

    List<SocketChannel> all() {
        prune();
        return List.copyOf(byClient.values());
    }

    int size() {
        prune();
        return byClient.size();
    }

    static Optional<InetSocketAddress> remote(SocketChannel ch) {
        try {
            return Optional.ofNullable((InetSocketAddress) ch.getRemoteAddress());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
