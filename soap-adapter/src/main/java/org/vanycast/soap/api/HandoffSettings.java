package org.vanycast.soap.api;

import java.time.Duration;
import java.util.List;

/**
 * How the SOAP/HTTP handoff behaves; in a container these come from Config Admin
 * ({@code etc/org.vanycast.soap.cfg}, see the module README).
 *
 * @param endpoints        path patterns of the endpoints that take part ({@code *} at the end
 *                         matches any rest); a connection that served anything else is never handed off
 * @param ports            local ports whose connections this adapter hands off; empty = every
 *                         port of a Vanycast connector
 * @param midResponse      whether a resumable response may be cut and continued on the acceptor;
 *                         when false every response in progress is waited for
 * @param captureTimeout   how long the donor waits for a point where the connection can move
 * @param maxRequestBody   request body bytes kept per request (longer bodies make the request
 *                         non-replayable; SOAP calls are usually far smaller)
 * @param maxResponseHead  longest response header the wire tracker follows
 * @param continuationChunk chunk size used when continuing a chunked body on the acceptor
 * @param forgetDelay      how long after {@code released} the donor's HTTP server keeps the
 *                         (silent, held) endpoint before closing it: longer than the migrator's
 *                         release grace, so the server never closes the socket under it
 */
public record HandoffSettings(List<String> endpoints, List<Integer> ports, boolean midResponse,
        Duration captureTimeout, int maxRequestBody, int maxResponseHead, int continuationChunk,
        Duration forgetDelay) {

    public HandoffSettings {
        endpoints = List.copyOf(endpoints);
        ports = List.copyOf(ports);
        if (forgetDelay.isNegative()) {
            throw new IllegalArgumentException("forget delay must not be negative: " + forgetDelay);
        }
        if (captureTimeout.isNegative()) {
            throw new IllegalArgumentException("capture timeout must not be negative: " + captureTimeout);
        }
        if (maxRequestBody < 0 || maxRequestBody > (16 << 20)) {
            throw new IllegalArgumentException("max request body must be 0..16 MiB: " + maxRequestBody);
        }
        if (maxResponseHead < 256 || maxResponseHead > (1 << 20)) {
            throw new IllegalArgumentException("max response head must be 256 B..1 MiB: " + maxResponseHead);
        }
        if (continuationChunk < 1 || continuationChunk > (1 << 20)) {
            throw new IllegalArgumentException("continuation chunk must be 1 B..1 MiB: " + continuationChunk);
        }
        for (String e : endpoints) {
            if (e.isEmpty() || e.indexOf('*') >= 0 && e.indexOf('*') != e.length() - 1) {
                throw new IllegalArgumentException("endpoint pattern must be a path with at most a trailing *: '" + e + "'");
            }
        }
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("bad port " + p);
            }
        }
    }

    /** Every endpoint, any port, mid-response handoff on, 2 s capture timeout, 64 KiB bodies, 2.5 s forget delay. */
    public static HandoffSettings defaults() {
        return new HandoffSettings(List.of("*"), List.of(), true, Duration.ofSeconds(2), 64 << 10, 16 << 10, 16 << 10,
                Duration.ofMillis(2500));
    }

    public boolean takesPart(String path) {
        for (String e : endpoints) {
            if (e.endsWith("*") ? path.startsWith(e.substring(0, e.length() - 1)) : path.equals(e)) {
                return true;
            }
        }
        return false;
    }

    public boolean handlesPort(int port) {
        return ports.isEmpty() || ports.contains(port);
    }

    public HandoffSettings withMidResponse(boolean allowed) {
        return new HandoffSettings(endpoints, ports, allowed, captureTimeout, maxRequestBody, maxResponseHead,
                continuationChunk, forgetDelay);
    }

    public HandoffSettings withEndpoints(List<String> patterns) {
        return new HandoffSettings(patterns, ports, midResponse, captureTimeout, maxRequestBody, maxResponseHead,
                continuationChunk, forgetDelay);
    }

    public HandoffSettings withForgetDelay(Duration delay) {
        return new HandoffSettings(endpoints, ports, midResponse, captureTimeout, maxRequestBody, maxResponseHead,
                continuationChunk, delay);
    }

    public HandoffSettings withCaptureTimeout(Duration timeout) {
        return new HandoffSettings(endpoints, ports, midResponse, timeout, maxRequestBody, maxResponseHead,
                continuationChunk, forgetDelay);
    }
}
