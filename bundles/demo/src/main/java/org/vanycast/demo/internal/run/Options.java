package org.vanycast.demo.internal.run;

import java.nio.file.Path;
import java.util.List;

/**
 * What a demo run does.
 *
 * @param nodes          node containers (2..5)
 * @param acceptors      the chain of acceptors: the connection goes node1 → acceptors[0] → acceptors[1] …
 * @param sizeBytes      size of the document curl downloads
 * @param rateBytes      bandwidth of the client's link (bytes/s), so the download lasts long enough to watch
 * @param clientMs       one-way latency of the client's link (L_CS is about twice it plus the node's)
 * @param nodeMs         one-way latency of each node's link
 * @param out            results folder (report, CSV, PNG, capture, node logs)
 * @param repository     the repository root (its {@code ./vanycast} starts the nodes)
 * @param leaveAtEnd     whether the last acceptor then leaves the group gracefully (its client moves on)
 * @param failover       whether, after the handoffs, the contact node (node1) leaves the group gracefully and
 *                       then the next contact node is killed ({@code kill -9}) while the client downloads
 *                       from another node, and a new client asks X afterwards (needs 3 nodes or more)
 */
record Options(int nodes, List<String> acceptors, long sizeBytes, long rateBytes, double clientMs, double nodeMs,
               Path out, Path repository, boolean leaveAtEnd, boolean failover) {
    /** Without the contact leave and failover. */
    Options(int nodes, List<String> acceptors, long sizeBytes, long rateBytes, double clientMs, double nodeMs, Path out,
            Path repository, boolean leaveAtEnd) {
        this(nodes, acceptors, sizeBytes, rateBytes, clientMs, nodeMs, out, repository, leaveAtEnd, false);
    }

    Options {
        if (nodes < 2 || nodes > 5) {
            throw new IllegalArgumentException("--nodes must be 2..5");
        }
        if (sizeBytes < 64 * 1024 || sizeBytes > (1L << 31)) {
            throw new IllegalArgumentException("--size must be 64 KiB .. 2 GiB");
        }
        if (rateBytes < 10_000) {
            throw new IllegalArgumentException("--rate must be at least 10000 bytes/s");
        }
        if (clientMs < 0 || clientMs > 1000 || nodeMs < 0 || nodeMs > 1000) {
            throw new IllegalArgumentException("latencies must be 0..1000 ms");
        }
        String previous = "node1";
        for (String a : acceptors) {
            if (!a.matches("node[1-9]") || Integer.parseInt(a.substring(4)) > nodes || a.equals(previous)) {
                throw new IllegalArgumentException("bad acceptor chain " + acceptors + " for " + nodes + " nodes");
            }
            previous = a;
        }
        if (failover && nodes < 3) {
            throw new IllegalArgumentException("--failover needs at least 3 nodes: one leaves, one is killed, one serves");
        }
        if (failover && leaveAtEnd) {
            throw new IllegalArgumentException("--leave yes and --failover yes do not go together");
        }
        acceptors = List.copyOf(acceptors);
    }
}
