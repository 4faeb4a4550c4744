package org.vanycast.tcp.api;

import java.io.IOException;
import java.time.Duration;
import org.vanycast.tcp.internal.TcpConnectionMigrator;

/** Creates TCP migrators. */
public final class TcpMigration {
    /** Default time a released donor socket stays frozen: stray segments in flight must not draw a RST. */
    public static final Duration DEFAULT_RELEASE_GRACE = Duration.ofSeconds(2);

    private TcpMigration() {
    }

    /**
     * Creates a migrator. Its worker thread and (for {@link FreezeMode#NFTABLES}) its nftables
     * table live in the network namespace of the calling thread.
     *
     * @param releaseGrace how long a released donor socket stays frozen (socket filter) or its
     *                     4-tuple stays in the drop set (nftables) before it is forgotten
     * @throws IOException when the nftables freeze set cannot be installed
     */
    public static TcpMigrator create(FreezeMode mode, Duration releaseGrace) throws IOException {
        return new TcpConnectionMigrator(mode, releaseGrace);
    }
}
