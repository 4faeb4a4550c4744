package org.vanycast.core.internal.handoff;

import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses an Init seen before: its timestamp must be within the window of this node's clock,
 * and its nonce must be new within the window. Nonces are forgotten once their Init would be
 * refused by timestamp anyway, so memory stays bounded by the rate of handoffs.
 */
final class ReplayGuard {
    private final long windowMillis;
    private final int maxEntries;
    /** nonce → expiry (ms), in insertion order, which is expiry order within the window. */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    ReplayGuard(long windowMillis, int maxEntries) {
        this.windowMillis = windowMillis;
        this.maxEntries = maxEntries;
    }

    /** @return empty when fresh (and now remembered), else why it is refused */
    synchronized java.util.Optional<String> check(byte[] nonce, long timestampMillis, long nowMillis) {
        expire(nowMillis);
        if (Math.abs(nowMillis - timestampMillis) > windowMillis) {
            return java.util.Optional.of("timestamp " + timestampMillis + " is " + (nowMillis - timestampMillis)
                    + " ms off this node's clock (window " + windowMillis + " ms)");
        }
        String key = Base64.getEncoder().encodeToString(nonce);
        if (seen.containsKey(key)) {
            return java.util.Optional.of("nonce " + key + " seen before");
        }
        if (seen.size() >= maxEntries) {
            return java.util.Optional.of("too many handoffs within the replay window");
        }
        seen.put(key, Math.max(timestampMillis, nowMillis) + windowMillis);
        return java.util.Optional.empty();
    }

    private void expire(long nowMillis) {
        for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext();) {
            if (it.next().getValue() < nowMillis) {
                it.remove();
            } else {
                break;
            }
        }
    }

    synchronized int size() {
        return seen.size();
    }
}
