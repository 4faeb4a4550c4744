package org.vanycast.core.internal.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for tests that must name a listening port before the listener binds it (a JGroups
 * member's, known to the others in advance). A port the kernel hands out for port 0 comes from
 * the ephemeral range, from which it also picks the local ports of outgoing connections: between
 * the pick and the bind, another member connecting out could take it (a CI run failed with
 * "No available port to bind to"). These ports come from below that range instead, where no
 * outgoing connection lands, and were free when picked.
 */
public final class ListenPorts {
    /** Below Linux's default ephemeral range (32768-60999). */
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;

    private ListenPorts() {
    }

    /** A port in 20000-31999 that {@code address} could bind a moment ago. */
    public static int free(InetAddress address) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            try (ServerSocket s = new ServerSocket(port, 1, address)) {
                return s.getLocalPort();
            } catch (IOException e) {
                last = e; // taken: try another
            }
        }
        throw new IOException("no free listening port in " + LOW + "-" + (HIGH - 1) + " on " + address, last);
    }
}
