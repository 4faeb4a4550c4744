package org.vanycast.soap.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The tracked connections of this node, by 4-tuple. */
public final class ConnectionRegistry {
    private final Map<ConnectionKey, TrackedConnection> byKey = new ConcurrentHashMap<>();

    public void put(TrackedConnection c) {
        byKey.put(c.key(), c);
    }

    public void remove(TrackedConnection c) {
        byKey.remove(c.key(), c);
    }

    public TrackedConnection get(ConnectionKey key) {
        return byKey.get(key);
    }

    public int size() {
        return byKey.size();
    }
}
