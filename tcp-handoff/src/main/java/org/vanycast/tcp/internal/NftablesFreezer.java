package org.vanycast.tcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.vanycast.tcp.internal.kernel.NftFreezeSet;

/**
 * Freeze by the nftables drop set. Every update runs on the migrator's worker thread, which
 * lives in the namespace the set was installed in, whichever thread calls the migrator.
 */
final class NftablesFreezer implements Freezer {
    private final NftFreezeSet set;
    private final TcpConnectionMigrator.Worker worker;

    NftablesFreezer(NftFreezeSet set, TcpConnectionMigrator.Worker worker) {
        this.set = set;
        this.worker = worker;
    }

    @Override
    public void freeze(int fd, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        worker.call(() -> {
            set.add(local, remote);
            return null;
        });
    }

    @Override
    public void thaw(int fd, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        forget(local, remote);
    }

    @Override
    public void forget(InetSocketAddress local, InetSocketAddress remote) throws IOException {
        worker.call(() -> {
            set.remove(local, remote);
            return null;
        });
    }

    @Override
    public void close() {
        set.close();
    }
}
