package org.vanycast.core.internal.handoff;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for the clients' binding caches (RFC 6275 §9.5): which node the client's traffic
 * to X reaches, accepting only Binding Updates with a newer sequence number.
 */
public final class ClientBindings {
    private record Binding(String node, int sequence) {
    }

    private final Map<InetAddress, Binding> cache = new ConcurrentHashMap<>();

    /** @return false when the sequence is not newer (the correspondent would ignore the BU) */
    synchronized boolean update(InetAddress client, String node, int sequence) {
        Binding b = cache.get(client);
        if (b != null && !SequenceTable.newer(sequence, b.sequence())) {
            return false;
        }
        cache.put(client, new Binding(node, sequence));
        return true;
    }

    synchronized void remove(InetAddress client) {
        cache.remove(client);
    }

    /** The node serving the client: its binding, else the contact node via the home agent. */
    public String servedBy(InetAddress client, String contact) {
        return Optional.ofNullable(cache.get(client)).map(Binding::node).orElse(contact);
    }
}
