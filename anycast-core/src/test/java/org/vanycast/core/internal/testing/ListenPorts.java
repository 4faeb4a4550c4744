package org.vanycast.core.internal.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for tests that must name a listening port before the listener binds it (a JGroups
 * member's, known to the others in advance). A port the kernel hands out for port 0 comes from
 * the ephemeral range, from which it also picks the local ports of outgoing connections: between
 * the pick and the bind, another member connecting out could take it (a CI run failed with
 * "No available port to bind to"). These ports come from below that range instead, where no
 * outgoing connection lands, and were free when picked: probed without {@code SO_REUSEADDR}
 * (JGroups binds so; Java's {@code ServerSocket} sets it by default, and a port with a
 * connection of an earlier test's member in TIME_WAIT then looks free to the probe but not to
 * JGroups: another CI failure), and never handed out twice in one JVM.
 */
public final class ListenPorts {
    /** Below Linux's default ephemeral range (32768-60999). */
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private ListenPorts() {
    }

    /** A port in 20000-31999 that {@code address} could bind a moment ago. */
    public static int free(InetAddress address) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (!HANDED_OUT.add(port)) {
                continue; // an earlier test's member may still hold it
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(address, port), 1);
                return s.getLocalPort();
            } catch (IOException e) {
                last = e; // taken: try another
            }
        }
        throw new IOException("no free listening port in " + LOW + "-" + (HIGH - 1) + " on " + address, last);
    }
}
